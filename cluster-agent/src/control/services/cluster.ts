import type { ListPeersRequest__Output, ListPeersResponse__Output } from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import type { Store } from "../../store/store.js";
import { currentLeader, listPeers } from "../peers.js";
import { type ServiceImplementation, unary, unavailable } from "../rpc.js";

export interface ClusterServiceOptions {
  store: Pick<Store, "pool">;
  /** This node's registry name. */
  node: string;
  /** config node.heartbeatSeconds: three missed beats show a peer as down. */
  heartbeatSeconds: number;
}

/** ClusterService: the registry as this agent sees it, so a console needs a single address. */
export function clusterService(options: ClusterServiceOptions): ServiceImplementation {
  const { store, node, heartbeatSeconds } = options;
  return {
    name: "entrim.agent.v1.ClusterService",
    definition: loadAgentProto().ClusterService.service,
    methods: {
      ListPeers: unary<ListPeersRequest__Output, ListPeersResponse__Output>("viewer", async (request) => {
        try {
          const [peers, leader] = await Promise.all([
            listPeers(store.pool, { self: node, heartbeatSeconds, includeStopped: request.includeStopped }),
            // The leader is a nicety; a failing lookup (e.g. no pg_locks access) must not hide the peers.
            currentLeader(store.pool, { heartbeatSeconds }).catch(() => ""),
          ]);
          return { peers, answeredBy: node, leader };
        } catch (error) {
          throw unavailable(`node ${node} cannot read the node registry: ${(error as Error).message}`);
        }
      }),
    },
  };
}
