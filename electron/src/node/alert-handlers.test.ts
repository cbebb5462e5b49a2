import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { AlertsWatchEvent } from "../common/index.js";
import { type FakeAgent, fixture, startFakeAgent } from "../test-support/fake-agent.js";
import { type ConsoleHandlers, createHandlers } from "./handlers.js";
import { ProfileStore } from "./profiles.js";
import { createRouter } from "./router.js";

// The alerts watch against an agent that drops its streams (as a restart would): the console opens it
// again and gets the whole list afresh. Failover to another agent, acknowledgement shared between
// consoles and the viewer's refusal run against real agents in test/e2e/console-alerts-server.test.ts.
let agent: FakeAgent;
let dir: string;
let profiles: ProfileStore;
const opened: ConsoleHandlers[] = [];

before(async () => {
  agent = await startFakeAgent("node-a");
  dir = mkdtempSync(join(tmpdir(), "console-alerts-"));
  profiles = new ProfileStore(join(dir, "profiles.json"));
  const base = { addresses: [agent.address], caFile: fixture("ca.pem") };
  profiles.save({
    ...base,
    name: "admin",
    certFile: fixture("admin.pem"),
    keyFile: fixture("admin-key.pem"),
    readOnly: false,
  });
  profiles.save({
    ...base,
    name: "ro",
    certFile: fixture("admin.pem"),
    keyFile: fixture("admin-key.pem"),
    readOnly: true,
  });
});

after(async () => {
  for (const h of opened) h.dispose();
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connected(profile = "admin"): Promise<ConsoleHandlers> {
  const h = createHandlers({ profiles });
  opened.push(h);
  await h.connect({ profile });
  return h;
}

test("the alerts watch comes back after its agent drops it, with the whole list; old resolved ones stay out", async () => {
  const h = await connected();
  const events: AlertsWatchEvent[] = [];
  let lists = 0;
  let second: () => void = () => {};
  const twice = new Promise<void>((resolve) => {
    second = resolve;
  });
  let first: () => void = () => {};
  const once = new Promise<void>((resolve) => {
    first = resolve;
  });
  const stop = new AbortController();
  const running = h.watchAlerts(
    {},
    (e) => {
      events.push(e);
      if (e.type !== "alerts") return;
      lists++;
      if (lists === 1) first();
      if (lists === 2) second();
    },
    stop.signal,
  );
  await once;
  agent.dropStreams();
  await twice;
  stop.abort();
  await running;
  assert.ok(events.some((e) => e.type === "link" && e.state === "reconnecting"));
  const lastList = events.filter((e) => e.type === "alerts").at(-1);
  assert.deepEqual(
    lastList?.type === "alerts" && lastList.alerts.map((a) => a.id),
    ["alert_firing"],
    "resolved two days ago: not sent to the page",
  );
  assert.equal(agent.alertWatchOpens, 2);
});

test("acknowledging needs a writable profile and a note; the agent's answer comes back", async () => {
  const router = createRouter(await connected("ro"));
  await assert.rejects(router.call("alerts.acknowledge", { id: "alert_firing", note: "on it" }), /read-only/);
  const writable = createRouter(await connected("admin"));
  await assert.rejects(
    writable.call("alerts.acknowledge", { id: "alert_firing", note: "  " }),
    /note|who does what/,
  );
  const answer = (await writable.call("alerts.acknowledge", { id: "alert_firing", note: "on it" })) as {
    acknowledgedBy: string;
    acknowledgeNote: string;
  };
  assert.deepEqual([answer.acknowledgedBy, answer.acknowledgeNote], ["admin", "on it"]);
  await assert.rejects(
    writable.call("alerts.silence", { id: "alert_firing", untilMs: 0, note: "x" }),
    /untilMs|positive|Too small/i,
  );
});
