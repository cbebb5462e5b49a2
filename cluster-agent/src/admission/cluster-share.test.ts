import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NodeRecord, NodeState } from "../store/nodes.js";
import { liveNodeNames, shareOf } from "./cluster-share.js";

const node = (name: string, state: NodeState, ageMs: number, now: number): NodeRecord => ({
  name,
  region: "eu",
  addresses: [],
  version: "0",
  models: [],
  state,
  startedAt: new Date(now - 3_600_000),
  heartbeatAt: new Date(now - ageMs),
  controlAddress: "",
  metricsAddress: "",
  stateReason: "",
  drain: null,
  labels: {},
  artifactUrl: "",
});

describe("cluster shares", () => {
  it("split a limit exactly: the floor for all, the remainder to the first nodes by name", () => {
    assert.deepEqual(
      [0, 1, 2].map((i) => shareOf(10, 3, i)),
      [4, 3, 3],
    );
    assert.deepEqual(
      [0, 1, 2].map((i) => shareOf(9, 3, i)),
      [3, 3, 3],
    );
    assert.equal(shareOf(10, 1, 0), 10);
    for (let limit = 1; limit < 200; limit++) {
      for (let nodes = 1; nodes <= 7 && nodes <= limit; nodes++) {
        let sum = 0;
        for (let i = 0; i < nodes; i++) sum += shareOf(limit, nodes, i);
        assert.equal(sum, limit, `${limit} over ${nodes} nodes`);
      }
    }
  });

  it("never leave a node with nothing of a positive limit (the documented rounding up)", () => {
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => shareOf(2, 4, i)),
      [1, 1, 1, 1],
    );
  });

  it("count ready nodes with a fresh heartbeat, and always this node", () => {
    const now = Date.now();
    const nodes = [
      node("c", "ready", 1_000, now),
      node("a", "ready", 29_000, now),
      node("d", "ready", 31_000, now), // silent for too long: crashed
      node("b", "draining", 0, now),
      node("e", "stopped", 0, now),
    ];
    assert.deepEqual(liveNodeNames(nodes, "z", now, 30_000), ["a", "c", "z"]);
    assert.deepEqual(liveNodeNames(nodes, "e", now, 30_000), ["a", "c", "e"]);
  });
});
