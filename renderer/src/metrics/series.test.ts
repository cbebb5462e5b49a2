import assert from "node:assert/strict";
import { test } from "node:test";
import { gpu, snap, traffic } from "../test-support/snapshots.js";
import { SeriesStore } from "./series.js";

test("each snapshot appends one aligned sample per GPU and traffic metric; subscribers hear of them once per flush", () => {
  const store = new SeriesStore(10);
  let calls = 0;
  const off = store.subscribe("a", () => calls++);
  store.push(
    "a",
    snap("a", {
      takenAtMs: 1000,
      gpus: [gpu(0, { utilizationPercent: 90 }), gpu(1, { temperatureCelsius: undefined })],
      traffic: traffic({ latencyP95Ms: 250, errorRate: 0.02 }),
    }),
  );
  assert.equal(calls, 0, "not before the flush");
  store.flush();
  store.push("a", snap("a", { takenAtMs: 2000, gpus: [gpu(0, { utilizationPercent: 95 })] }));
  store.flush();
  const s = store.get("a")!;
  assert.deepEqual(s.time.toArray(), [1, 2]);
  assert.deepEqual(s.gpu.util[0]!.toArray(), [90, 95]);
  assert.deepEqual(s.gpu.mem[0]!.toArray(), [50, 50]);
  // A GPU missing from a snapshot (or a field it cannot measure) is a gap, not a zero.
  assert.ok(Number.isNaN(s.gpu.temp[1]!.toArray()[0]!));
  assert.ok(Number.isNaN(s.gpu.util[1]!.toArray()[1]!));
  assert.deepEqual(s.traffic.p95.toArray()[0], 250);
  assert.deepEqual(s.traffic.errors.toArray()[0], 2);
  assert.equal(calls, 2);
  store.push("a", snap("a", { takenAtMs: 3000 }));
  store.push("a", snap("a", { takenAtMs: 4000 }));
  store.flush();
  store.flush();
  assert.equal(calls, 3, "two samples between flushes: one call");
  off();
  store.push("a", snap("a"));
  store.flush();
  assert.equal(calls, 3);
});

test("a GPU that appears later gets a ring aligned with the others", () => {
  const store = new SeriesStore(10);
  store.push("a", snap("a", { gpus: [gpu(0)] }));
  store.push("a", snap("a", { gpus: [gpu(0), gpu(1, { utilizationPercent: 7 })] }));
  const util1 = store.get("a")!.gpu.util[1]!.toArray();
  assert.equal(util1.length, 2);
  assert.ok(Number.isNaN(util1[0]!));
  assert.equal(util1[1], 7);
});
