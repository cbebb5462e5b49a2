// Test support: rollouts and their nodes with defaults, so each test states only what it is about.
import type { Rollout } from "@entrim/electron/common";

type Node = Rollout["nodes"][number];

export function rollout(id: string, overrides: Partial<Rollout> = {}): Rollout {
  return {
    id,
    model: "llama",
    toVersion: "v2",
    targets: { nodes: [], regions: [], labels: {} },
    batchSize: 1,
    pauseSeconds: 0,
    gates: { maxErrorRate: 0.01, maxP95Ms: 2000, windowSeconds: 30 },
    state: "ROLLOUT_STATE_RUNNING",
    reason: "",
    currentBatch: 0,
    batches: 2,
    createdBy: "ada",
    createdAtMs: 1_000,
    updatedAtMs: 1_000,
    finishedAtMs: 0,
    nodes: [],
    ...overrides,
  };
}

export function rolloutNode(node: string, overrides: Partial<Node> = {}): Node {
  return {
    node,
    batch: 0,
    fromVersion: "v1",
    state: "ROLLOUT_NODE_STATE_PENDING",
    message: "",
    liveVersion: "v1",
    progress: null,
    health: null,
    updatedAtMs: 0,
    ...overrides,
  };
}
