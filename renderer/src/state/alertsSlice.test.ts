import assert from "node:assert/strict";
import { test } from "node:test";
import { gpu, peer, snap } from "../test-support/snapshots.js";
import { unacknowledged } from "./alertsSlice.js";
import { createAppStore } from "./store.js";

function hot(store: ReturnType<typeof createAppStore>, celsius: number) {
  store.getState().applyFleetEvents([
    { type: "peers", leader: "a", peers: [peer("a")] },
    { type: "link", node: "a", state: "ready" },
    { type: "snapshot", node: "a", snapshot: snap("a", { gpus: [gpu(0, { temperatureCelsius: celsius })] }) },
  ]);
}

test("a new condition is reported once, acknowledged alerts stay until the condition clears", () => {
  const store = createAppStore();
  hot(store, 85);
  assert.deepEqual(
    store
      .getState()
      .evaluate(1)
      .map((a) => a.id),
    ["gpu-hot:a:0"],
  );
  assert.deepEqual(store.getState().evaluate(2), [], "not new the second time");
  const listed = store.getState().alerts;
  assert.equal(listed[0]!.sinceMs, 1);
  store.getState().acknowledge(["gpu-hot:a:0"], 3);
  assert.equal(unacknowledged(store.getState().alerts), 0);
  hot(store, 86);
  store.getState().evaluate(4);
  assert.equal(store.getState().alerts.length, 1, "acknowledged, still listed while hot");
  assert.equal(store.getState().alerts[0]!.acknowledged, true);
  assert.match(store.getState().alerts[0]!.message, /86 °C/);
  hot(store, 70);
  store.getState().evaluate(5);
  assert.deepEqual(store.getState().alerts, [], "cleared");
  hot(store, 90);
  const again = store.getState().evaluate(6);
  assert.equal(again.length, 1, "back again: a new alert");
  assert.equal(again[0]!.acknowledged, false);
});

test("acknowledge all; unchanged evaluations keep the list's identity", () => {
  const store = createAppStore();
  store.getState().applyFleetEvents([
    { type: "link", node: "a", state: "closed", error: "refused" },
    { type: "link", node: "b", state: "closed", error: "refused" },
  ]);
  store.getState().evaluate(1);
  const first = store.getState().alerts;
  assert.equal(first.length, 2);
  store.getState().evaluate(2);
  assert.equal(store.getState().alerts, first);
  store.getState().acknowledgeAll(3);
  assert.equal(unacknowledged(store.getState().alerts), 0);
});
