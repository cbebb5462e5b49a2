import type { NodeSnapshot, WatchStatusRequest__Output } from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { invalidArgument, type Method, type ServiceImplementation, stream, unary } from "../rpc.js";
import { aborted } from "../sleep.js";

/** Where snapshots come from: the telemetry sampler, shared by every watcher. */
export interface SnapshotSource {
  /** The newest sample. */
  latest(): NodeSnapshot;
  /** Calls the listener with every new sample; returns the unsubscribe function. */
  subscribe(listener: (snapshot: NodeSnapshot) => void): () => void;
}

const DEFAULT_INTERVAL_MS = 1000;

export function intervalOf(requested: number): number {
  if (requested === 0) return DEFAULT_INTERVAL_MS;
  if (requested < 100 || requested > 60_000) {
    throw invalidArgument(`interval_ms must be 0 (one second) or 100 to 60000 (got ${requested}).`);
  }
  return requested;
}

export function nodeService(deps: {
  snapshots: SnapshotSource;
  /** The sampler's period (telemetry.sampleIntervalMs). */
  sampleIntervalMs: number;
  /** Drain and Undrain, from the drain controller. */
  drain: { Drain: Method; Undrain: Method };
}): ServiceImplementation {
  const { snapshots } = deps;
  return {
    name: "entrim.agent.v1.NodeService",
    definition: loadAgentProto().NodeService.service,
    methods: {
      GetStatus: unary("viewer", async () => snapshots.latest()),
      WatchStatus: stream(
        "viewer",
        async (request: WatchStatusRequest__Output, send: (s: NodeSnapshot) => Promise<void>, context) => {
          const interval = intervalOf(request.intervalMs);
          // Every watcher rides on the node's one sampler: a message is a real new sample, never a
          // repeat, and a thousand watchers still cost one nvidia-smi run per sample. Samples closer
          // than the interval are skipped (half a sample period of slack absorbs timer jitter); an
          // interval below the node's sample period yields every sample.
          let lastSent = snapshots.latest();
          let sending = false;
          await send(lastSent);
          const unsubscribe = snapshots.subscribe((snapshot) => {
            if (sending || context.signal.aborted) return;
            const due = Number(lastSent.takenAtMs) + interval - deps.sampleIntervalMs / 2;
            if (Number(snapshot.takenAtMs) < due) return;
            lastSent = snapshot;
            // A slow reader skips samples instead of queueing them in memory.
            sending = true;
            send(snapshot).then(
              () => {
                sending = false;
              },
              () => {
                sending = false;
              },
            );
          });
          try {
            await aborted(context.signal);
          } finally {
            unsubscribe();
          }
        },
      ),
      Drain: deps.drain.Drain,
      Undrain: deps.drain.Undrain,
    },
  };
}
