import assert from "node:assert/strict";
import { test } from "node:test";
import { rollout, rolloutNode } from "../test-support/rollouts.js";
import { batchText, fromVersions, gateVerdict, rolloutList } from "./rolloutSlice.js";
import { createAppStore } from "./store.js";

test("the list is newest first; the cursor stays on its rollout, else goes to the newest", () => {
  const store = createAppStore();
  store.getState().rolloutsLoaded([rollout("ro_a", { createdAtMs: 1 }), rollout("ro_b", { createdAtMs: 2 })]);
  assert.deepEqual(
    rolloutList(store.getState()).map((r) => r.id),
    ["ro_b", "ro_a"],
  );
  assert.equal(store.getState().rolloutCursor, "ro_b");
  store.getState().setRolloutCursor("ro_a");
  store.getState().rolloutsLoaded([rollout("ro_c", { createdAtMs: 3 }), rollout("ro_a", { createdAtMs: 1 })]);
  assert.equal(store.getState().rolloutCursor, "ro_a");
  store.getState().rolloutsLoaded([rollout("ro_c", { createdAtMs: 3 })]);
  assert.equal(store.getState().rolloutCursor, "ro_c");
});

test("a list read before a watch update does not undo it: the later agent-side update wins", () => {
  const store = createAppStore();
  store.getState().rolloutUpdated(rollout("ro_a", { state: "ROLLOUT_STATE_PAUSED", updatedAtMs: 5 }));
  store.getState().rolloutsLoaded([rollout("ro_a", { state: "ROLLOUT_STATE_RUNNING", updatedAtMs: 4 })]);
  assert.equal(store.getState().rollouts.ro_a?.state, "ROLLOUT_STATE_PAUSED");
  store.getState().rolloutUpdated(rollout("ro_a", { state: "ROLLOUT_STATE_RUNNING", updatedAtMs: 6 }));
  assert.equal(store.getState().rollouts.ro_a?.state, "ROLLOUT_STATE_RUNNING");
  // A node's progress is news even when the rollout's own row did not change.
  const rotating = rolloutNode("gpu-1", { state: "ROLLOUT_NODE_STATE_ROTATING", updatedAtMs: 9 });
  store.getState().rolloutUpdated(rollout("ro_a", { updatedAtMs: 6, nodes: [rotating] }));
  store.getState().rolloutsLoaded([rollout("ro_a", { updatedAtMs: 6, nodes: [rolloutNode("gpu-1")] })]);
  assert.equal(store.getState().rollouts.ro_a?.nodes[0]?.state, "ROLLOUT_NODE_STATE_ROTATING");
});

test("batch, from-versions and gate verdicts as the view shows them", () => {
  assert.equal(batchText(rollout("a", { currentBatch: 1, batches: 3 })), "2/3");
  assert.equal(
    batchText(rollout("a", { currentBatch: 3, batches: 3, state: "ROLLOUT_STATE_COMPLETED" })),
    "3/3",
  );
  assert.equal(batchText(rollout("a", { batches: 0 })), "–");
  assert.equal(
    fromVersions(rollout("a", { nodes: [rolloutNode("x"), rolloutNode("y", { fromVersion: "v0" })] })),
    "v1, v0",
  );
  const gates = rollout("a").gates;
  const health = { version: "v2", requests: 200, errors: 1, p95Ms: 1500, windowSeconds: 30, atMs: 0 };
  assert.equal(gateVerdict(health, gates).ok, true, "0.5% errors, 1500 ms");
  assert.equal(gateVerdict({ ...health, errors: 4 }, gates).ok, false, "2% errors");
  assert.equal(gateVerdict({ ...health, p95Ms: 2500 }, gates).ok, false);
  assert.match(gateVerdict({ ...health, p95Ms: 2500 }, gates).text, /p95 2500 ms \(≤ 2000 ms\)/);
  assert.equal(
    gateVerdict({ ...health, requests: 0, errors: 0 }, gates).ok,
    true,
    "no traffic is no failure",
  );
});
