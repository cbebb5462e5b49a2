import type { NodeState__Output } from "@entrim/proto";
import type { NodeDrain, NodeState } from "../store/nodes.js";

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
 * Everything node health is decided from, as plain values. Each field has the value of a healthy
 * node as its default, so a caller that does not own a part (the public API knows nothing of the
 * registry's drain record) leaves it out.
 */
export interface NodeHealthInput {
  /** Why the node's region may not serve; undefined or "" when it may. */
  regionRefusal?: string | undefined;
  /** The drain as it stands; undefined: no drain controller, serving. */
  drain?: { state: "serving" | "draining" | "drained"; reason: string; record: NodeDrain | null } | undefined;
  /** Takes new generations; default: neither a region refusal nor a drain. */
  accepting?: boolean | undefined;
  /** The cluster store answers (default true). */
  storeConnected?: boolean | undefined;
  /** The spool's last write failure, if its disk refuses writes. */
  spoolWriteError?: string | null | undefined;
  /** Usage events are backing up in the spool. */
  spoolAlarm?: boolean | undefined;
  /** The refusal the meter gives every new generation now (spool full or unwritable), or null. */
  refusal?: { code: string | null } | null | undefined;
  /** Every configured model is loaded (default true). */
  modelsReady?: boolean | undefined;
  /** At least one model answers (default true). */
  anyModelAnswering?: boolean | undefined;
  /** Each engine's health probe. */
  runtimes?: readonly { id: string; ok: boolean; detail: string }[] | undefined;
}

export interface NodeHealth {
  /** What the node tells the node registry, at registration and with every heartbeat. */
  registry: { state: NodeState; stateReason: string; drain: NodeDrain | null };
  /** What the gRPC control plane reports: the registry state, "degraded" with reasons while serving. */
  control: { state: NodeState__Output; stateReason: string };
  /** /readyz: whether a balancer should send traffic here, and the reason code when not (if one). */
  readiness: { ready: boolean; reason?: string | undefined };
}

/**
 * The node's health, decided once for the registry, the control plane and /readyz. A region refusal
 * outranks a drain: it is the reason no undrain can bring the node into service. While the registry
 * says serving, the control plane names what an operator should look at (store, spool, models) as
 * "degraded", in words they can act on.
 */
export function nodeHealth(input: NodeHealthInput): NodeHealth {
  const { drain } = input;
  const record = drain?.record ?? null;
  let registry: NodeHealth["registry"];
  if (input.regionRefusal) registry = { state: "refusing", stateReason: input.regionRefusal, drain: record };
  else if (!drain || drain.state === "serving") registry = { state: "ready", stateReason: "", drain: null };
  else registry = { state: drain.state, stateReason: drain.reason, drain: record };

  let control: NodeHealth["control"] = {
    state: PROTO_NODE_STATE[registry.state],
    stateReason: registry.stateReason,
  };
  if (control.state === "NODE_STATE_SERVING") {
    const problems: string[] = [];
    if (input.storeConnected === false)
      problems.push("the cluster store is unreachable (serving known keys; usage waits in the spool)");
    if (input.spoolWriteError)
      problems.push(
        `usage events cannot be written to the spool (${input.spoolWriteError}); new requests are refused until its disk takes writes`,
      );
    else if (input.spoolAlarm) problems.push("usage events are backing up in the spool");
    if (input.modelsReady === false) problems.push("a model is not loaded");
    for (const r of input.runtimes ?? [])
      if (!r.ok) problems.push(`model ${r.id} is not answering: ${r.detail}`);
    if (problems.length > 0) control = { state: "NODE_STATE_DEGRADED", stateReason: problems.join("; ") };
  }

  // A node that refuses every generation (its usage cannot be recorded) sends the balancer elsewhere.
  const accepting = input.accepting ?? (!input.regionRefusal && (!drain || drain.state === "serving"));
  const modelsReady = input.modelsReady ?? true;
  const answering = input.anyModelAnswering ?? true;
  const refusal = input.refusal ?? null;
  const readiness: NodeHealth["readiness"] =
    modelsReady && answering && accepting && !refusal
      ? { ready: true }
      : {
          ready: false,
          reason: refusal?.code ?? (modelsReady && !answering ? "model_unavailable" : undefined),
        };
  return { registry, control, readiness };
}
