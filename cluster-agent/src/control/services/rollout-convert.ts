// Store records as RolloutService messages, and a wake-up source for the watch streams.
import type {
  NodeModelPlacement,
  RotationProgress as ProgressMessage,
  Rollout as RolloutMessage,
} from "@entrim/proto";
import type { Rollout, RotationProgress } from "../../store/rollouts.js";
import type { Store } from "../../store/store.js";

const upper = (value: string) => value.toUpperCase();

export function progressMessage(node: string, model: string, p: RotationProgress): ProgressMessage {
  return {
    node,
    model,
    version: p.version,
    step: p.step,
    state: p.state,
    message: p.message,
    atMs: p.at,
    done: false,
    ok: false,
  };
}

export function toRolloutMessage(r: Rollout): RolloutMessage {
  return {
    id: r.id,
    model: r.model,
    toVersion: r.toVersion,
    targets: { nodes: r.targets.nodes, regions: r.targets.regions, labels: r.targets.labels ?? {} },
    batchSize: r.batchSize,
    pauseSeconds: r.pauseSeconds,
    gates: {
      maxErrorRate: r.gates.maxErrorRate,
      maxP95Ms: r.gates.maxP95Ms,
      windowSeconds: r.gates.windowSeconds,
    },
    state: `ROLLOUT_STATE_${upper(r.state)}` as RolloutMessage["state"],
    reason: r.reason,
    currentBatch: r.currentBatch,
    batches: r.batches,
    createdBy: r.createdBy,
    createdAtMs: r.createdAt.getTime(),
    updatedAtMs: r.updatedAt.getTime(),
    finishedAtMs: r.finishedAt?.getTime() ?? 0,
    nodes: r.nodes.map((n) => ({
      node: n.node,
      batch: n.batch,
      fromVersion: n.fromVersion,
      state: `ROLLOUT_NODE_STATE_${upper(n.state)}` as NonNullable<RolloutMessage["nodes"]>[number]["state"],
      message: n.message,
      liveVersion: n.liveVersion ?? "",
      progress: n.progress ? progressMessage(n.node, r.model, n.progress) : null,
      health: n.health
        ? {
            version: n.health.version,
            requests: n.health.requests,
            errors: n.health.errors,
            p95Ms: n.health.p95Ms,
            windowSeconds: n.health.windowSeconds,
            atMs: n.health.at,
          }
        : null,
      updatedAtMs: n.updatedAt.getTime(),
    })),
  };
}

export function placementMessage(row: Record<string, unknown>): NodeModelPlacement {
  return {
    node: row.node as string,
    liveVersion: (row.live_version as string | null) ?? "",
    stagedVersion: (row.staged_version as string | null) ?? "",
    desiredVersion: (row.desired_version as string | null) ?? "",
    state: row.state as string,
    error: (row.error as string | null) ?? "",
  };
}

/**
 * Resolves `next()` whenever one of the channels carried a payload `wanted` accepts (or the LISTEN
 * connection came back, when changes may have been missed), coalescing bursts into one wake-up.
 */
export async function changeFeed(
  store: Pick<Store, "listen">,
  channels: string[],
  wanted: (payload: Record<string, unknown>) => boolean,
  signal: AbortSignal,
): Promise<{ next(): Promise<boolean>; close(): Promise<void> }> {
  let dirty = true;
  let waiter: (() => void) | undefined;
  const poke = () => {
    dirty = true;
    waiter?.();
  };
  const offs: (() => Promise<void>)[] = [];
  for (const channel of channels)
    offs.push(
      await store.listen(
        channel,
        (payload) => {
          try {
            if (wanted(JSON.parse(payload) as Record<string, unknown>)) poke();
          } catch {
            poke();
          }
        },
        { onReconnect: poke },
      ),
    );
  signal.addEventListener("abort", poke, { once: true });
  return {
    /** False once the call ended. */
    async next() {
      while (!dirty && !signal.aborted) await new Promise<void>((resolve) => (waiter = resolve));
      waiter = undefined;
      dirty = false;
      return !signal.aborted;
    },
    async close() {
      signal.removeEventListener("abort", poke);
      for (const off of offs) await off().catch(() => {});
    },
  };
}
