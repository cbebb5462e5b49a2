import assert from "node:assert/strict";
import { test } from "node:test";
import type { FleetNode } from "../state/fleetSlice.js";
import { gpu, peer, snap, traffic } from "../test-support/snapshots.js";
import { ECC_RISING_HOLD_MS, emptyMemory, evaluateAlerts } from "./rules.js";

const up = (name: string, snapshot = snap(name)): FleetNode => ({
  name,
  peer: peer(name),
  snapshot,
  link: "ready",
});
const kinds = (nodes: FleetNode[]) => evaluateAlerts(nodes, emptyMemory(), 0).conditions.map((c) => c.id);

test("a healthy node raises nothing", () => {
  assert.deepEqual(kinds([up("a", snap("a", { gpus: [gpu(0)] }))]), []);
});

test("node down: unreachable or down in the registry, with the reason; its stale GPUs are not judged", () => {
  const hot = snap("a", { gpus: [gpu(0, { temperatureCelsius: 95 })] });
  const out = evaluateAlerts(
    [{ name: "a", snapshot: hot, link: "reconnecting", linkError: "connection refused" }],
    emptyMemory(),
    0,
  ).conditions;
  assert.deepEqual(
    out.map((c) => [c.id, c.message]),
    [["node-down:a", "a is down: connection refused"]],
  );
  assert.deepEqual(
    kinds([{ name: "b", peer: peer("b", { state: "NODE_STATE_DOWN" }), link: "connecting" }]),
    ["node-down:b"],
  );
});

test("GPU temperature alerts at 83 °C and above, not below", () => {
  const nodes = [
    up("a", snap("a", { gpus: [gpu(0, { temperatureCelsius: 82.9 }), gpu(1, { temperatureCelsius: 83 })] })),
  ];
  assert.deepEqual(kinds(nodes), ["gpu-hot:a:1"]);
});

test("XID and uncorrected ECC errors alert at once", () => {
  const nodes = [
    up("a", snap("a", { gpus: [gpu(0, { xidErrors: 1 }), gpu(1, { eccUncorrectedErrors: 2 })] })),
  ];
  assert.deepEqual(kinds(nodes), ["gpu-xid:a:0", "ecc-uncorrected:a:1"]);
});

test("corrected ECC errors alert when the counter rises, and clear after a quiet hold", () => {
  const at = (count: number) => [up("a", snap("a", { gpus: [gpu(0, { eccCorrectedErrors: count })] }))];
  let r = evaluateAlerts(at(40), emptyMemory(), 0);
  assert.deepEqual(r.conditions, [], "the first count is a baseline, however high");
  r = evaluateAlerts(at(40), r.memory, 1_000);
  assert.deepEqual(r.conditions, []);
  r = evaluateAlerts(at(41), r.memory, 2_000);
  assert.deepEqual(
    r.conditions.map((c) => c.id),
    ["ecc-corrected-rising:a:0"],
  );
  r = evaluateAlerts(at(41), r.memory, 2_000 + ECC_RISING_HOLD_MS - 1);
  assert.equal(r.conditions.length, 1, "still rising within the hold");
  r = evaluateAlerts(at(41), r.memory, 2_000 + ECC_RISING_HOLD_MS);
  assert.deepEqual(r.conditions, []);
  r = evaluateAlerts(at(3), r.memory, 3_000_000);
  assert.deepEqual(r.conditions, [], "a reset counter (driver reload) is a new baseline");
});

test("error rate above 5% alerts only with enough requests in the window", () => {
  const t = (errorRate: number, requestsPerSecond: number) => [
    up("a", snap("a", { traffic: traffic({ errorRate, requestsPerSecond }) })),
  ];
  assert.deepEqual(kinds(t(0.06, 1)), ["error-rate:a"]);
  assert.deepEqual(kinds(t(0.05, 1)), []);
  assert.deepEqual(kinds(t(0.5, 0.1)), [], "six requests in a minute are no rate");
});

test("a spool alarm alerts", () => {
  const spool = {
    pendingEvents: 900,
    pendingBytes: 1,
    capacityBytes: 10,
    alarm: true,
    oldestPendingAgeMs: 120_000,
  };
  const out = evaluateAlerts([up("a", snap("a", { spool }))], emptyMemory(), 0).conditions;
  assert.deepEqual(
    out.map((c) => c.message),
    ["a: usage spool backlog (900 events, oldest 120 s)"],
  );
});
