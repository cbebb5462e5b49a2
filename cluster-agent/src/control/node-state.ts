import type { NodeState__Output } from "@entrim/proto";
import type { NodeControlUpdate, NodeState } from "../store/nodes.js";
import type { DrainController } from "./drain.js";
import type { RegionGate } from "./region.js";

/** Registry states as the console's NodeState enum names them. */
export const PROTO_NODE_STATE: Record<NodeState, NodeState__Output> = {
  starting: "NODE_STATE_STARTING",
  ready: "NODE_STATE_SERVING",
  draining: "NODE_STATE_DRAINING",
  drained: "NODE_STATE_DRAINED",
  degraded: "NODE_STATE_DEGRADED",
  refusing: "NODE_STATE_REFUSING",
  // Stopping means a clean shutdown under way: as far as a console cares, the node is leaving.
  stopping: "NODE_STATE_STOPPED",
  stopped: "NODE_STATE_STOPPED",
};

/**
 * What this node tells the registry about itself, at registration and with every heartbeat. A region
 * refusal outranks a drain: it is the reason no undrain can bring the node into service.
 */
export function nodeControlState(
  region: Pick<RegionGate, "reason"> | undefined,
  drain: Pick<DrainController, "state" | "stateReason" | "registryDrain"> | undefined,
): Required<Pick<NodeControlUpdate, "state" | "stateReason" | "drain">> {
  const drainInfo = drain?.registryDrain() ?? null;
  if (region?.reason) return { state: "refusing", stateReason: region.reason, drain: drainInfo };
  if (!drain || drain.state === "serving") return { state: "ready", stateReason: "", drain: null };
  return { state: drain.state, stateReason: drain.stateReason(), drain: drainInfo };
}
