// The rollouts channels: the catalogue, rollouts and their watch, start and the operator's verbs, over
// RolloutService. Any agent answers these (a rollout lives in the cluster store), so calls go to
// whichever agent is reachable and a watch that loses its agent resumes on the next one.
import type {
  ListModelsResponse__Output,
  ListRolloutsResponse__Output,
  Rollout__Output,
} from "@entrim/proto";
import { ConsoleError, type RolloutVerb } from "../common/index.js";
import { type AgentLink, unaryCall } from "./agent-link.js";
import type { ClusterConnection } from "./cluster.js";
import { resumeStream } from "./resumable.js";
import type { Handlers } from "./router.js";

export type RolloutHandlers = Pick<
  Handlers,
  "listModels" | "listRollouts" | "watchRollout" | "startRollout" | "rolloutAction"
>;

/** After one of these the agent ends the watch: there is nothing left to resume. */
export const FINAL_ROLLOUT_STATES: ReadonlySet<string> = new Set([
  "ROLLOUT_STATE_COMPLETED",
  "ROLLOUT_STATE_ABORTED",
  "ROLLOUT_STATE_ROLLED_BACK",
  "ROLLOUT_STATE_FAILED",
]);

const METHOD: Record<RolloutVerb, "pauseRollout" | "resumeRollout" | "abortRollout" | "rollBackRollout"> = {
  pause: "pauseRollout",
  resume: "resumeRollout",
  abort: "abortRollout",
  rollback: "rollBackRollout",
};

/** Every agent with a control channel, the one that answered ListPeers first. */
function linksOf(cluster: ClusterConnection): AgentLink[] {
  const info = cluster.info();
  const names = info.peers
    .filter((p) => p.controlAddress)
    .map((p) => p.name)
    .sort((a, b) => Number(b === info.answeredBy) - Number(a === info.answeredBy));
  const links = [...new Set(names.map((name) => cluster.link(name)))];
  if (links.length === 0) throw new ConsoleError("No agent of this cluster has a control channel.");
  return links;
}

export function rolloutHandlers(access: {
  connected(): ClusterConnection;
  /** The connected cluster, refused for a read-only profile. */
  writable(): ClusterConnection;
}): RolloutHandlers {
  const get = (cluster: ClusterConnection, id: string) =>
    cluster.anyLink((l) =>
      unaryCall<object, Rollout__Output>((r, o, cb) => l.rollouts.getRollout(r, o, cb), { id }),
    );
  return {
    listModels: async () =>
      (
        await access
          .connected()
          .anyLink((l) =>
            unaryCall<object, ListModelsResponse__Output>((r, o, cb) => l.rollouts.listModels(r, o, cb), {}),
          )
      ).models,
    listRollouts: async (request) =>
      (
        await access
          .connected()
          .anyLink((l) =>
            unaryCall<object, ListRolloutsResponse__Output>(
              (r, o, cb) => l.rollouts.listRollouts(r, o, cb),
              request,
            ),
          )
      ).rollouts,
    watchRollout: async ({ id }, emit, signal) => {
      const cluster = access.connected();
      // An unknown id is an answer, not a blip: ask once before resuming anything.
      const first = await get(cluster, id);
      emit({ type: "rollout", rollout: first });
      if (FINAL_ROLLOUT_STATES.has(first.state) || signal.aborted) return;
      const links = linksOf(cluster);
      let turn = 0;
      const finished = new AbortController();
      const stop = () => finished.abort();
      signal.addEventListener("abort", stop, { once: true });
      try {
        await new Promise<void>((resolve, reject) => {
          finished.signal.addEventListener("abort", () => resolve(), { once: true });
          resumeStream<Rollout__Output>({
            // Each reopen goes to the next agent: the one that dropped the stream may be gone.
            open: () => links[turn++ % links.length]!.rollouts.watchRollout({ id }),
            onMessage: (rollout) => {
              emit({ type: "rollout", rollout });
              if (FINAL_ROLLOUT_STATES.has(rollout.state)) finished.abort();
            },
            onState: (state, error) => {
              if (state === "failed") {
                reject(new ConsoleError(error ?? "The agent refused the watch."));
                finished.abort();
              } else emit({ type: "link", state, ...(error ? { error } : {}) });
            },
            signal: finished.signal,
          });
        });
      } finally {
        signal.removeEventListener("abort", stop);
      }
    },
    startRollout: async (request) =>
      access
        .writable()
        .anyLink((l) =>
          unaryCall<object, Rollout__Output>(
            (r, o, cb) => l.rollouts.startRollout(r, o, cb),
            request,
            30_000,
          ),
        ),
    rolloutAction: async ({ id, verb, reason }) =>
      access.writable().anyLink((l) =>
        unaryCall<object, Rollout__Output>((r, o, cb) => l.rollouts[METHOD[verb]](r, o, cb), {
          id,
          reason,
        }),
      ),
  };
}
