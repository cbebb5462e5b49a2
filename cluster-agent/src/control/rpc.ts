import { status } from "@grpc/grpc-js";
import type { Operator, Role } from "../domain/roles.js";

/** What a handler knows about the call beyond its request. */
export interface CallContext {
  operator: Operator;
  /** The client's address, for the log. */
  peer: string;
  /** The caller's client certificate as TLS reports it (absent in handler tests without TLS). */
  certificate?: Pick<import("node:tls").PeerCertificate, "serialNumber" | "fingerprint256"> | undefined;
  /** Aborted when the client cancels or the deadline passes (and when the server shuts down). */
  signal: AbortSignal;
}

/**
 * A refusal with a gRPC status and a message an operator can act on ("Drain needs the operator role;
 * your certificate names viewer."). Anything else a handler throws becomes INTERNAL with a generic
 * message; the detail goes to the log only.
 */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

export const invalidArgument = (message: string) => new RpcError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new RpcError(status.NOT_FOUND, message);
export const failedPrecondition = (message: string) => new RpcError(status.FAILED_PRECONDITION, message);
export const unavailable = (message: string) => new RpcError(status.UNAVAILABLE, message);

export interface UnaryMethod<Req, Res> {
  kind: "unary";
  /** The least role allowed to call it. */
  role: Role;
  /** State-changing calls are written to the audit log (by the handler, with what it did). */
  handle(request: Req, context: CallContext): Promise<Res>;
}

export interface StreamMethod<Req, Res> {
  kind: "stream";
  role: Role;
  /**
   * Writes messages with `send`, which resolves when the transport can take more (backpressure), and
   * returns when the stream is complete. Must stop when `context.signal` aborts.
   */
  handle(request: Req, send: (message: Res) => Promise<void>, context: CallContext): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: a service maps names to methods of different message types
export type Method = UnaryMethod<any, any> | StreamMethod<any, any>;

/** One gRPC service of the contract: its definition (from @entrim/proto) and a method per rpc. */
export interface ServiceImplementation {
  /** Full service name, e.g. "entrim.agent.v1.NodeService", for health and logs. */
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js ServiceDefinition of any message types
  definition: import("@grpc/grpc-js").ServiceDefinition<any>;
  methods: Record<string, Method>;
}

export function unary<Req, Res>(role: Role, handle: UnaryMethod<Req, Res>["handle"]): UnaryMethod<Req, Res> {
  return { kind: "unary", role, handle };
}

export function stream<Req, Res>(
  role: Role,
  handle: StreamMethod<Req, Res>["handle"],
): StreamMethod<Req, Res> {
  return { kind: "stream", role, handle };
}
