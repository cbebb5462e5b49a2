// Handlers of the status page channels (common/status-page.ts). The store is shared, so any reachable
// agent answers; posting is an act, refused for a read-only profile here as well as by the agent.
import type { StatusIncident__Output } from "@entrim/proto";
import type { CallOptions, requestCallback } from "@grpc/grpc-js";
import type { PublicStatus, statusPageChannels } from "../common/index.js";
import { type AgentLink, unaryCall } from "./agent-link.js";

type UnaryCallback = requestCallback<StatusIncident__Output>;

import type { ClusterConnection } from "./cluster.js";
import type { Handlers } from "./router.js";

export function statusPageHandlers(
  connected: () => ClusterConnection,
  writable: () => ClusterConnection,
): Pick<Handlers, keyof typeof statusPageChannels> {
  const act =
    (call: (l: AgentLink, r: object, o: CallOptions, cb: UnaryCallback) => void) => async (request: object) =>
      writable().anyLink((l) =>
        unaryCall<object, StatusIncident__Output>((r, o, cb) => call(l, r, o, cb), request),
      );
  return {
    getPublicStatus: async () =>
      JSON.parse(
        (
          await connected().anyLink((l) =>
            unaryCall<object, { json: string }>((r, o, cb) => l.status.getPublicStatus(r, o, cb), {}),
          )
        ).json,
      ) as PublicStatus,
    listIncidents: async () =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { incidents: StatusIncident__Output[] }>(
            (r, o, cb) => l.status.listIncidents(r, o, cb),
            { limit: 200 },
          ),
        )
      ).incidents,
    postIncident: act((l, r, o, cb) => l.status.postIncident(r, o, cb)),
    updateIncident: act((l, r, o, cb) => l.status.updateIncident(r, o, cb)),
    postMaintenance: act((l, r, o, cb) => l.status.postMaintenance(r, o, cb)),
    cancelMaintenance: act((l, r, o, cb) => l.status.cancelMaintenance(r, o, cb)),
  };
}
