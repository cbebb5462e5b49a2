import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { DrainEvent, FleetEvent } from "../common/index.js";
import { type FakeAgent, fixture, startFakeAgent } from "../test-support/fake-agent.js";
import { type ConsoleHandlers, createHandlers } from "./handlers.js";
import { ProfileStore } from "./profiles.js";
import { createRouter } from "./router.js";

let agent: FakeAgent;
let dir: string;
let profiles: ProfileStore;
const opened: ConsoleHandlers[] = [];

before(async () => {
  agent = await startFakeAgent("node-a");
  dir = mkdtempSync(join(tmpdir(), "console-handlers-"));
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
    name: "viewer",
    certFile: fixture("viewer.pem"),
    keyFile: fixture("viewer-key.pem"),
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

function handlers(): ConsoleHandlers {
  const made = createHandlers({ profiles });
  opened.push(made);
  return made;
}

/** Collects stream messages and resolves when `until` matches one. */
function collect<T>(until: (message: T, all: T[]) => boolean) {
  const all: T[] = [];
  let done!: () => void;
  const reached = new Promise<void>((resolve) => (done = resolve));
  return {
    all,
    reached,
    emit: (message: T) => {
      all.push(message);
      if (until(message, all)) done();
    },
  };
}

test("connects with the profile's certificate and knows the operator from it", async () => {
  const info = await handlers().connect({ profile: "admin" });
  assert.deepEqual(info.operator.name, "ada");
  assert.equal(info.operator.role, "admin");
  assert.equal(info.answeredBy, "node-a");
  assert.deepEqual(
    info.peers.map((p) => p.name),
    ["node-a"],
  );
});

test("the fleet stream resumes after the agent drops it", async () => {
  const h = handlers();
  await h.connect({ profile: "admin" });
  const controller = new AbortController();
  let readyCount = 0;
  const events = collect<FleetEvent>((e) => e.type === "link" && e.state === "ready" && ++readyCount === 2);
  const first = collect<FleetEvent>((e) => e.type === "snapshot");
  const running = h.watchFleet(
    {},
    (e) => {
      events.emit(e);
      first.emit(e);
    },
    controller.signal,
  );
  await first.reached;
  const opensBefore = agent.watchOpens;
  agent.dropStreams();
  await events.reached;
  assert.ok(events.all.some((e) => e.type === "link" && e.state === "reconnecting"));
  assert.ok(agent.watchOpens > opensBefore);
  controller.abort();
  await running;
});

test("drain streams progress to done; undrain returns the node to service", async () => {
  const h = handlers();
  await h.connect({ profile: "admin" });
  const progress = collect<DrainEvent>((e) => e.done);
  await h.drain(
    { node: "node-a", reason: "kernel update", deadlineSeconds: 0 },
    progress.emit,
    new AbortController().signal,
  );
  assert.equal(progress.all.at(-1)?.state, "NODE_STATE_DRAINED");
  assert.equal(progress.all[0]?.node, "node-a");
  assert.deepEqual(await h.undrain({ node: "node-a", reason: "done" }), { state: "NODE_STATE_SERVING" });
});

test("a viewer's drain is refused by the agent, with its message", async () => {
  const h = handlers();
  await h.connect({ profile: "viewer" });
  await assert.rejects(
    h.drain({ node: "node-a", reason: "try", deadlineSeconds: 0 }, () => {}, new AbortController().signal),
    /operator role/,
  );
});

test("a read-only profile refuses changes before any call", async () => {
  const h = handlers();
  await h.connect({ profile: "ro" });
  await assert.rejects(h.undrain({ node: "node-a", reason: "nope" }), /read-only/);
});

test("the router validates payloads before a handler runs", async () => {
  const router = createRouter(handlers());
  await assert.rejects(router.call("node.undrain", { node: "node-a", reason: "" }), /reason/);
  await assert.rejects(
    router.call("node.undrain", { node: "node-a", reason: "ok then", extra: 1 }),
    /Invalid/,
  );
  await assert.rejects(router.call("no.such", {}), /No request channel/);
  await assert.rejects(
    router.open("node.undrain", {}, () => {}, new AbortController().signal),
    /No stream channel/,
  );
});

test("connecting to an address where no agent answers says so", async () => {
  profiles.save({
    name: "dead",
    addresses: ["127.0.0.1:1"],
    caFile: fixture("ca.pem"),
    certFile: fixture("admin.pem"),
    keyFile: fixture("admin-key.pem"),
    readOnly: false,
  });
  await assert.rejects(
    handlers().connect({ profile: "dead" }),
    /No agent of "dead" answered: 127\.0\.0\.1:1/,
  );
});

test("terminals: a read-only profile gets none; a profile without ssh settings says what to add", async () => {
  const router = createRouter(handlers());
  const noop = () => undefined;
  await router.call("cluster.connect", { profile: "ro" });
  await assert.rejects(
    router.open("terminal.open", { node: "node-a" }, noop, new AbortController().signal),
    /read-only/,
  );
  await router.call("cluster.connect", { profile: "admin" });
  await assert.rejects(
    router.open("terminal.open", { node: "node-a" }, noop, new AbortController().signal),
    /has no ssh settings: add "ssh"/,
  );
  await assert.rejects(router.call("terminal.input", { session: "x", data: "ls" }), /session/);
  await assert.rejects(
    router.call("terminal.ack", { session: "abcdefghijklmnopqrstuvwx", bytes: 1 }),
    /No such terminal session/,
  );
});
