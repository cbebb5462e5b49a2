import type { NodeSnapshot, WatchStatusRequest__Output } from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { invalidArgument, type Method, type ServiceImplementation, stream, unary } from "../rpc.js";
import { sleep } from "../sleep.js";

/** Where snapshots come from: the telemetry sampler, shared by every watcher. */
export interface SnapshotSource {
  /** The newest snapshot (GPU numbers from the last sample, traffic numbers as of now). */
  latest(): NodeSnapshot;
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
          await send(snapshots.latest());
          // A fixed schedule: a slow reader skips ticks instead of queueing snapshots in memory.
          let next = Date.now() + interval;
          while (!context.signal.aborted) {
            await sleep(Math.max(0, next - Date.now()), context.signal);
            if (context.signal.aborted) return;
            await send(snapshots.latest());
            const now = Date.now();
            next += interval;
            if (next <= now) next = now + interval - ((now - next) % interval);
          }
        },
      ),
      Drain: deps.drain.Drain,
      Undrain: deps.drain.Undrain,
    },
  };
}
