import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { RolloutWatchEvent } from "../common/index.js";
import { type FakeAgent, fixture, startFakeAgent } from "../test-support/fake-agent.js";
import { type ConsoleHandlers, createHandlers } from "./handlers.js";
import { ProfileStore } from "./profiles.js";
import { createRouter } from "./router.js";

// The rollouts' watch against an agent that drops its streams (as a restart would): the console
// resumes it and ends it itself once the rollout is final. The rest of the rollout channels are
// exercised against real agents by test/e2e/console-rollouts.test.ts.
let agent: FakeAgent;
let dir: string;
let profiles: ProfileStore;
const opened: ConsoleHandlers[] = [];

before(async () => {
  agent = await startFakeAgent("node-a");
  dir = mkdtempSync(join(tmpdir(), "console-rollouts-"));
  profiles = new ProfileStore(join(dir, "profiles.json"));
  const base = { addresses: [agent.address], caFile: fixture("ca.pem"), readOnly: false };
  profiles.save({
    ...base,
    name: "admin",
    certFile: fixture("admin.pem"),
    keyFile: fixture("admin-key.pem"),
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

test("a rollout watch resumes after the agent drops it and ends by itself at a final state", async () => {
  const h = await connected();
  const events: RolloutWatchEvent[] = [];
  const ready: (() => void)[] = [];
  const [first, back] = [0, 1].map((i) => new Promise<void>((resolve) => (ready[i] = resolve)));
  let readyCount = 0;
  const running = h.watchRollout(
    { id: agent.rollout.id },
    (e) => {
      events.push(e);
      if (e.type === "link" && e.state === "ready") ready[readyCount++]?.();
    },
    new AbortController().signal,
  );
  await first;
  agent.dropStreams();
  await back;
  agent.setRollout("ROLLOUT_STATE_PAUSED", "gate: p95 over 30000 ms");
  agent.setRollout("ROLLOUT_STATE_COMPLETED", "every node serves v2");
  await running;
  assert.ok(events.some((e) => e.type === "link" && e.state === "reconnecting"));
  const states = events.flatMap((e) => (e.type === "rollout" ? [e.rollout.state] : []));
  assert.deepEqual(states.slice(-2), ["ROLLOUT_STATE_PAUSED", "ROLLOUT_STATE_COMPLETED"]);
  assert.equal(agent.rolloutWatchOpens, 2);
});

test("watching an unknown rollout is refused at once with the agent's words, not retried", async () => {
  const h = await connected();
  await assert.rejects(
    h.watchRollout({ id: "ro_00000000000000ff" }, () => {}, new AbortController().signal),
    /There is no rollout ro_00000000000000ff/,
  );
});

test("a read-only profile refuses rollout changes before any call; bad payloads never reach a handler", async () => {
  const router = createRouter(await connected("ro"));
  const start = { model: "m", version: "v2", reason: "new weights" };
  await assert.rejects(router.call("rollouts.start", start), /read-only/);
  await assert.rejects(
    router.call("rollouts.action", { id: agent.rollout.id, verb: "pause", reason: "" }),
    /read-only/,
  );
  await assert.rejects(router.call("rollouts.start", { ...start, batchSize: 0 }), /batchSize/);
  await assert.rejects(
    router.call("rollouts.action", { id: agent.rollout.id, verb: "rollback", reason: "" }),
    /reason/,
  );
  await assert.rejects(router.call("rollouts.action", { id: "1; drop", verb: "pause" }), /rollout id/);
});
