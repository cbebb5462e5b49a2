// Handlers of the alert channels (common/alerts.ts). The alerts live in the shared store, so any
// reachable agent answers: the watch runs on one agent and, when that one goes away, is opened again on
// the next (its first message is the whole list, so nothing is missed). Acknowledging and silencing are
// acts, refused for a read-only profile here as well as by the agent's role check.
import type { Alert__Output, AlertsUpdate__Output, AlertTimeline__Output } from "@entrim/proto";
import type { CallOptions, requestCallback } from "@grpc/grpc-js";
import { type alertChannels, ConsoleError, RECENT_RESOLVED_MS } from "../common/index.js";
import { type AgentLink, unaryCall } from "./agent-link.js";
import type { ClusterConnection } from "./cluster.js";
import { resumeStream } from "./resumable.js";
import type { Handlers } from "./router.js";

type AlertCallback = requestCallback<Alert__Output>;

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

export function alertHandlers(
  connected: () => ClusterConnection,
  writable: () => ClusterConnection,
): Pick<Handlers, keyof typeof alertChannels> {
  const act =
    (call: (l: AgentLink, r: object, o: CallOptions, cb: AlertCallback) => void) => async (request: object) =>
      writable().anyLink((l) => unaryCall<object, Alert__Output>((r, o, cb) => call(l, r, o, cb), request));
  return {
    watchAlerts: async (_request, emit, signal) => {
      const links = linksOf(connected());
      let turn = 0;
      await new Promise<void>((resolve, reject) => {
        if (signal.aborted) return resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
        resumeStream<AlertsUpdate__Output>({
          // Each reopen goes to the next agent: the one that dropped the stream may be gone for good.
          open: () => links[turn++ % links.length]!.alerts.watchAlerts({ filter: "ALERT_FILTER_ALL" }),
          // Months of resolved alerts stay on this side: the console lists the last day's.
          onMessage: (update) => {
            const since = Date.now() - RECENT_RESOLVED_MS;
            const alerts = update.alerts.filter(
              (a) => a.state !== "resolved" || Number(a.resolvedAtMs) >= since,
            );
            emit({ type: "alerts", alerts });
          },
          onState: (state, error) => {
            if (state === "failed") reject(new ConsoleError(error ?? "The agent refused the alerts watch."));
            else emit({ type: "link", state, ...(error ? { error } : {}) });
          },
          signal,
        });
      });
    },
    acknowledgeAlert: act((l, r, o, cb) => l.alerts.acknowledgeAlert(r, o, cb)),
    silenceAlert: act((l, r, o, cb) => l.alerts.silenceAlert(r, o, cb)),
    unsilenceAlert: act((l, r, o, cb) => l.alerts.unsilenceAlert(r, o, cb)),
    getAlertTimeline: async ({ id }) =>
      connected().anyLink((l) =>
        unaryCall<object, AlertTimeline__Output>((r, o, cb) => l.alerts.getAlertTimeline(r, o, cb), { id }),
      ),
  };
}
