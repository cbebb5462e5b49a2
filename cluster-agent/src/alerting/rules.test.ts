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
  drained: false,
  quietSeconds: 1,
  ...over,
});
const fleet = (nodes: NodeView[]): FleetView => ({ nodes, pausedRollouts: [], openRequests: [] });
const rules = (f: FleetView, memory = emptyMemory(), now = 1_000_000) =>
  evaluateRules(f, DEFAULT_THRESHOLDS, memory, now).map((c) => `${c.rule}:${c.node}:${c.subject}`);

describe("alert rules", () => {
  it("a silent node is down; its stale health raises nothing", () => {
    const hot = health({ gpus: [{ index: 0, temperatureC: 95 }] });
    assert.deepEqual(rules(fleet([node({ silent: true, health: hot })])), ["node-down:n1:"]);
    assert.deepEqual(rules(fleet([node({ health: hot })])), ["gpu-hot:n1:0"]);
  });

  it("a node stopped without a drain is down once the grace is over; a drained stop is deliberate", () => {
    const hot = health({ gpus: [{ index: 0, temperatureC: 95 }] });
    const stopped = (over: Partial<NodeView>, grace?: number) =>
      evaluateRules(
        fleet([node({ state: "stopped", silent: true, health: hot, ...over })]),
        DEFAULT_THRESHOLDS,
        emptyMemory(),
        0,
        grace,
      );
    assert.deepEqual(stopped({ quietSeconds: 119 }), [], "a restart during a deploy: within the grace");
    const [down, ...rest] = stopped({ quietSeconds: 121 });
    assert.deepEqual(rest, [], "its stale health raises nothing");
    assert.equal(down?.rule, "node-down");
    assert.equal(down?.severity, "critical");
    assert.equal(down?.summary, "n1 is down: it stopped without a drain and has not come back for 121 s");
    assert.deepEqual(stopped({ quietSeconds: 86_400, drained: true }), [], "drained first: nothing fires");
    assert.equal(stopped({ quietSeconds: 3 }, 2).length, 1, "the grace is configurable");
    // Back: any state but stopped, heartbeating, and the condition is gone (the alert resolves).
    assert.deepEqual(rules(fleet([node({ state: "starting", quietSeconds: 0 })])), []);
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
    assert.deepEqual(disk(40, 3600), ["disk-filling:n1:/spool"]);
    assert.deepEqual(disk(4, null), ["disk-filling:n1:/spool"]);
    assert.deepEqual(disk(80, 3600), [], "a mostly empty disk taking a big write is not filling up");
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
    // Least squares: one odd sample in the middle does not decide it.
    const steady = [0, 1, 2, 3, 4].map((i) => ({ atMs: i * 10_000, free: 1000 - i * 100 }));
    assert.equal(secondsToFull(steady), 60);
    assert.equal(secondsToFull(steady, 60_000), null, "too short a span to predict");
    const blip = steady.map((s, i) => (i === 2 ? { ...s, free: 1000 } : s));
    assert.ok((secondsToFull(blip) ?? 0) > 0);
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
