import assert from "node:assert/strict";
import { test } from "node:test";
import { displayState, gpuAlerts, gpuErrorSeverity, tempSeverity } from "./format.js";
import { gpu, peer, snap } from "./test-support/snapshots.js";

test("temperature turns red at 83 °C and amber at 75 °C", () => {
  assert.equal(tempSeverity(82.9), "warn");
  assert.equal(tempSeverity(83), "bad");
  assert.equal(tempSeverity(60), "ok");
  assert.equal(tempSeverity(undefined), "ok");
});

test("XID and uncorrected ECC errors are red, corrected ECC amber", () => {
  assert.equal(gpuErrorSeverity(gpu(0, { xidErrors: 1 })), "bad");
  assert.equal(gpuErrorSeverity(gpu(0, { eccUncorrectedErrors: 1 })), "bad");
  assert.equal(gpuErrorSeverity(gpu(0, { eccCorrectedErrors: 3 })), "warn");
  assert.equal(gpuErrorSeverity(gpu(0)), "ok");
  assert.deepEqual(gpuAlerts(snap("a", { gpus: [gpu(2, { xidErrors: 2, temperatureCelsius: 90 })] })), [
    "GPU2 XID×2",
    "GPU2 90°C",
  ]);
});

test("the state shown: the node's own while reachable, else down", () => {
  assert.equal(
    displayState({ link: "ready", snapshot: snap("a", { state: "NODE_STATE_DRAINING" }) }),
    "draining",
  );
  assert.equal(displayState({ link: "reconnecting", snapshot: snap("a") }), "down");
  assert.equal(displayState({ link: "connecting", peer: peer("a", { state: "NODE_STATE_DOWN" }) }), "down");
  assert.equal(
    displayState({ link: "no-control", peer: peer("a", { state: "NODE_STATE_DEGRADED" }) }),
    "degraded",
  );
});
