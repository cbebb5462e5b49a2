import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NodeHealth } from "../store/node-health.js";
import { secondsToFull } from "../telemetry/node-health.js";
import { DEFAULT_THRESHOLDS, emptyMemory, evaluateRules, type FleetView, type NodeView } from "./rules.js";

const health = (over: Partial<NodeHealth> = {}): NodeHealth => ({
  takenAtMs: 0,
  gpus: [],
  traffic: { requestsPerSecond: 0, errorRate: 0, latencyP95Ms: 0 },
  spool: { pendingEvents: 0, oldestPendingAgeMs: 0, alarm: false },
  disk: null,
  store: { connected: true, lastOkAtMs: 0 },
  certificates: [],
  ...over,
});
const node = (over: Partial<NodeView> = {}): NodeView => ({
  name: "n1",
  state: "ready",
  silent: false,
  silentSeconds: 1,
  health: health(),
  ...over,
});
const fleet = (nodes: NodeView[]): FleetView => ({ nodes, pausedRollouts: [], openRequests: [] });
const rules = (f: FleetView, memory = emptyMemory(), now = 1_000_000) =>
  evaluateRules(f, DEFAULT_THRESHOLDS, memory, now).map((c) => `${c.rule}:${c.node}:${c.subject}`);

describe("alert rules", () => {
  it("a silent node is down unless it stopped cleanly; its stale health raises nothing", () => {
    const hot = health({ gpus: [{ index: 0, temperatureC: 95 }] });
    assert.deepEqual(rules(fleet([node({ silent: true, health: hot })])), ["node-down:n1:"]);
    assert.deepEqual(rules(fleet([node({ silent: true, state: "stopped" })])), []);
    assert.deepEqual(rules(fleet([node({ health: hot })])), ["gpu-hot:n1:0"]);
  });

  it("Xid fires when the count rises and holds for the hold time; an agent restart is a new baseline", () => {
    const memory = emptyMemory();
    const at = (xid: number, now: number) =>
      rules(fleet([node({ health: health({ gpus: [{ index: 1, xidErrors: xid }] }) })]), memory, now);
    assert.deepEqual(at(0, 0), []);
    assert.deepEqual(at(1, 1000), ["gpu-xid:n1:1"]);
    assert.deepEqual(at(1, 9 * 60_000), ["gpu-xid:n1:1"]);
    assert.deepEqual(at(1, 11 * 60_000 + 1000), [], "no rise for the hold time: resolved");
    assert.deepEqual(at(0, 12 * 60_000), [], "restart: counter back to 0");
    assert.deepEqual(at(2, 13 * 60_000), ["gpu-xid:n1:1"]);
  });

  it("corrected ECC: the first count is a baseline, a rise warns for ten minutes", () => {
    const memory = emptyMemory();
    const at = (count: number, now: number) =>
      rules(fleet([node({ health: health({ gpus: [{ index: 0, eccCorrected: count }] }) })]), memory, now);
    assert.deepEqual(at(5, 0), []);
    assert.deepEqual(at(6, 1000), ["ecc-corrected-rising:n1:0"]);
    assert.deepEqual(at(6, 11 * 60_000 + 1000), []);
  });

  it("error rate and latency need enough traffic; disk fills by trend or floor", () => {
    const busy = { requestsPerSecond: 1, errorRate: 0.2, latencyP95Ms: 60_000 };
    assert.deepEqual(rules(fleet([node({ health: health({ traffic: busy }) })])), [
      "error-rate:n1:",
      "latency-p95:n1:",
    ]);
    assert.deepEqual(
      rules(fleet([node({ health: health({ traffic: { ...busy, requestsPerSecond: 0.1 } }) })])),
      [],
    );
    const disk = (freeBytes: number, secondsToFull: number | null) =>
      rules(
        fleet([
          node({ health: health({ disk: { path: "/spool", freeBytes, totalBytes: 100, secondsToFull } }) }),
        ]),
      );
    assert.deepEqual(disk(50, null), []);
    assert.deepEqual(disk(50, 3600), ["disk-filling:n1:/spool"]);
    assert.deepEqual(disk(4, null), ["disk-filling:n1:/spool"]);
  });

  it("predicts the time to full from the free-space trend", () => {
    assert.equal(secondsToFull([{ atMs: 0, free: 1000 }]), null);
    assert.equal(
      secondsToFull([
        { atMs: 0, free: 1000 },
        { atMs: 10_000, free: 900 },
      ]),
      90,
    );
    assert.equal(
      secondsToFull([
        { atMs: 0, free: 900 },
        { atMs: 10_000, free: 1000 },
      ]),
      null,
      "freeing space is not filling",
    );
  });

  it("rollouts, certificates and GDPR deadlines; no customer data in any summary", () => {
    const now = Date.UTC(2026, 11, 4);
    const f: FleetView = {
      nodes: [
        node({ health: health({ certificates: [{ name: "node", notAfterMs: now + 3 * 86_400_000 }] }) }),
      ],
      pausedRollouts: [{ id: "ro_1", model: "m", toVersion: "v2", reason: "gate failed" }],
      openRequests: [
        { id: "dsr_a", kind: "erasure", dueAtMs: now - 1000 },
        { id: "dsr_b", kind: "erasure", dueAtMs: now + 30 * 86_400_000 },
      ],
    };
    const conditions = evaluateRules(f, DEFAULT_THRESHOLDS, emptyMemory(), now);
    assert.deepEqual(
      conditions.map((c) => `${c.rule}:${c.subject}:${c.severity}`),
      ["certificate-expiring:node:warning", "rollout-paused:ro_1:warning", "gdpr-deadline:dsr_a:critical"],
    );
  });
});
