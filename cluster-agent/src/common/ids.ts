import { randomBytes } from "node:crypto";

/**
 * Request ids: unique across the cluster and cheap on the hot path. A random 64-bit prefix per process
 * and a counter make collisions between processes negligible without a CSPRNG call per request. The
 * ids are not secrets; they identify a request in logs, usage records and support tickets.
 */
const prefix = randomBytes(8).toString("hex");
let counter = 0;

export function nextRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}${counter.toString(36).padStart(8, "0")}`;
}
