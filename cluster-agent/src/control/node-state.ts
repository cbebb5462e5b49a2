import { type NodeHealthInput, nodeHealth } from "../serving/health.js";
import type { NodeControlUpdate } from "../store/nodes.js";
import type { DrainController } from "./drain.js";
import type { RegionGate } from "./region.js";

export { PROTO_NODE_STATE } from "../serving/health.js";

/** The region gate's and drain controller's part of node health, as the pure rule takes it. */
export function gateHealth(
  region: Pick<RegionGate, "reason"> | undefined,
  drain: Pick<DrainController, "state" | "stateReason" | "registryDrain"> | undefined,
): Pick<NodeHealthInput, "regionRefusal" | "drain"> {
  return {
    regionRefusal: region?.reason,
    drain: drain && { state: drain.state, reason: drain.stateReason(), record: drain.registryDrain() },
  };
}

/**
 * What this node tells the registry about itself, at registration and with every heartbeat (see
 * nodeHealth: a region refusal outranks a drain).
 */
export function nodeControlState(
  region: Pick<RegionGate, "reason"> | undefined,
  drain: Pick<DrainController, "state" | "stateReason" | "registryDrain"> | undefined,
): Required<Pick<NodeControlUpdate, "state" | "stateReason" | "drain">> {
  return nodeHealth(gateHealth(region, drain)).registry;
}
