import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { heartbeat, upsertNode } from "./nodes.js";

let t: TestStore;
before(async () => {
  t = await openTestStore();
});
after(() => t.close());

it("keeps beating when a drain saved before control characters were refused carries a NUL", async () => {
  // drain.json of an older agent: the reason reached the file before the control plane refused NULs.
  const drain = { by: "otto", reason: "kernel\u0000update", requestedAt: 1, deadlineAt: 2 };
  const node = await upsertNode(t.store.pool, {
    name: "nul-1",
    region: "eu",
    addresses: ["127.0.0.1:1"],
    version: "test",
    state: "drained",
    stateReason: "drained (maintenance mode) by otto: kernel\u0000update",
    drain,
  });
  assert.equal(node.drain?.reason, "kernel\ufffdupdate");
  assert.equal(node.stateReason, "drained (maintenance mode) by otto: kernel\ufffdupdate");
  const beat = await heartbeat(t.store.pool, "nul-1", { drain, stateReason: "x\u0000" });
  assert.equal(beat.drain?.reason, "kernel\ufffdupdate");
  assert.equal(beat.stateReason, "x\ufffd");
});
