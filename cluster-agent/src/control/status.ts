// What a failed call tells the client. Refusals a handler chose (RpcError, StoreError) keep their
// message; an unreachable store says so, since an operator can do something about it; anything else is
// a bug whose detail may hold data from the request, so the client gets a reference into the log only.
import { randomBytes } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { StoreError } from "../store/db.js";
import { RpcError } from "./rpc.js";

export interface CallStatus {
  code: status;
  details: string;
  /** Set for INTERNAL: the id in the client's message and in the log line holding the error. */
  reference?: string;
}

const STORE_STATUS: Record<StoreError["code"], status> = {
  invalid: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  conflict: status.FAILED_PRECONDITION,
};

/** Socket errors, and PostgreSQL's own "connection exception" (08) and shutdown (57P0x) codes. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
]);

// node-postgres reports a dropped socket and a pool that cannot connect in time by message only.
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
];

export function statusOf(error: unknown): CallStatus {
  if (error instanceof RpcError) return { code: error.code, details: error.message };
  if (error instanceof StoreError) return { code: STORE_STATUS[error.code], details: error.message };
  if (isConnectionError(error))
    return { code: status.UNAVAILABLE, details: "the cluster store is unreachable; try again shortly" };
  const reference = randomBytes(4).toString("hex");
  return {
    code: status.INTERNAL,
    details: `internal error (reference ${reference}); the agent's log has the details`,
    reference,
  };
}

export function isConnectionError(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 3) return false;
  const { code, message, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
  if (typeof message === "string" && CONNECTION_MESSAGES.some((pattern) => pattern.test(message)))
    return true;
  // Node's happy-eyeballs connect reports one AggregateError for all the addresses it tried.
  if (Array.isArray(errors) && errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return isConnectionError(cause, depth + 1);
}
