import type {
  DrainProgress__Output,
  DrainRequest__Output,
  UndrainRequest__Output,
  UndrainResponse__Output,
} from "@entrim/proto";
import { type AuditRecorder, auditedAction } from "../audit.js";
import type { DrainController } from "../drain.js";
import { PROTO_NODE_STATE } from "../node-state.js";
import {
  failedPrecondition,
  invalidArgument,
  type StreamMethod,
  stream,
  type UnaryMethod,
  unary,
} from "../rpc.js";

/** The longest reason the audit log takes from a drain or undrain; longer is a mistake, not a reason. */
const MAX_REASON_LENGTH = 1000;
/** Same bound as config drain.deadlineSeconds. */
const MAX_DEADLINE_SECONDS = 86_400;

export interface NodeDrainOptions {
  drain: DrainController;
  recorder: AuditRecorder;
  /** This node's registry name, for the audit target "node:<name>" and messages. */
  node: string;
  /** config drain.deadlineSeconds: used when a call asks for 0. */
  defaultDeadlineSeconds: number;
}

function requireReason(reason: string, action: string): string {
  const trimmed = reason.trim();
  if (!trimmed) throw invalidArgument(`${action} needs a reason (it goes to the audit log)`);
  if (trimmed.length > MAX_REASON_LENGTH)
    throw invalidArgument(`the reason is ${trimmed.length} characters; at most ${MAX_REASON_LENGTH}`);
  return trimmed;
}

/** NodeService's Drain and Undrain, for the lead's NodeService implementation. */
export function nodeDrainMethods(options: NodeDrainOptions): {
  Drain: StreamMethod<DrainRequest__Output, DrainProgress__Output>;
  Undrain: UnaryMethod<UndrainRequest__Output, UndrainResponse__Output>;
} {
  const { drain, recorder, node } = options;
  const target = `node:${node}`;
  return {
    /**
     * Starts or joins the drain (its audit entry written first: no entry, no drain), then streams its progress
     * until done. The client cancelling ends the stream only: the drain goes on until undrained.
     */
    Drain: stream("operator", async (request, send, context) => {
      const reason = requireReason(request.reason, "Drain");
      const seconds =
        request.deadlineSeconds === 0 ? options.defaultDeadlineSeconds : request.deadlineSeconds;
      if (seconds > MAX_DEADLINE_SECONDS)
        throw invalidArgument(`deadline_seconds is ${seconds}; at most ${MAX_DEADLINE_SECONDS}`);
      await auditedAction(recorder, context, { action: "node.drain", target, reason }, () =>
        drain.drain({ by: context.operator.name, reason, deadlineMs: seconds * 1000 }),
      );
      for await (const progress of drain.progress(context.signal)) await send(progress);
    }),

    Undrain: unary("operator", async (request, context) => {
      const reason = requireReason(request.reason, "Undrain");
      return auditedAction(recorder, context, { action: "node.undrain", target, reason }, async () => {
        // Checked inside the audit: a refused undrain is still an operator's attempt worth tracing.
        if (drain.state === "serving") throw failedPrecondition(`node ${node} is not draining`);
        await drain.undrain({ by: context.operator.name, reason });
        return { state: PROTO_NODE_STATE.ready };
      });
    }),
  };
}
