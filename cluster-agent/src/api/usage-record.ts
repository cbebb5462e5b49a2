/**
 * The one usage event of a request, whichever endpoint served it: handed to the meter and durable
 * (one group fsync at most) before the answer's last byte, so an answer the client saw complete
 * always has its billing record on disk.
 */
import type { FastifyRequest } from "fastify";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import type { Principal } from "../domain/principal.js";
import type { TokenUsage } from "../domain/token-usage.js";
import type { UsageEvent } from "../domain/usage-event.js";
import type { Meter } from "../metering/meter.js";
import type { EndpointName } from "./endpoint.js";

/** What a usage event needs of a request; read when it is recorded (firstTokenAt changes as it runs). */
export interface UsageSubject {
  request: FastifyRequest;
  deps: { meter: Meter | null; logger: Logger };
  endpoint: { readonly name: EndpointName };
  principal: Principal;
  model: string;
  firstTokenAt: number | null;
}

export function recordUsage(
  subject: UsageSubject,
  status: UsageEvent["status"],
  httpStatus: number,
  usage: TokenUsage | null,
): Promise<void> {
  const { request } = subject;
  // For traffic telemetry, read when the response finishes: set here because every outcome that
  // produced tokens passes through once, before the response's last byte.
  request.tokenUsage = usage;
  request.firstTokenAt = subject.firstTokenAt ?? 0;
  const sink = subject.deps.meter;
  if (!sink || request.metered) return Promise.resolve();
  request.metered = true;
  return sink.record({
    requestId: request.id,
    receivedAt: request.receivedAt,
    firstTokenAt: subject.firstTokenAt,
    accountId: subject.principal.accountId,
    keyId: subject.principal.keyId,
    model: subject.model,
    endpoint: subject.endpoint.name,
    status,
    httpStatus,
    usage,
    userAgent: request.headers["user-agent"],
    clientIp: request.clientIp,
  });
}

export function logUnspooled(subject: UsageSubject, error: unknown): void {
  subject.deps.logger.error(
    { reqId: subject.request.id, err: { message: (error as Error).message } },
    "could not spool a usage event",
  );
}

/** For outcomes the client does not see complete: a spool error is logged, not thrown. */
export async function recordUsageQuietly(
  subject: UsageSubject,
  status: UsageEvent["status"],
  httpStatus: number,
  usage: TokenUsage | null,
): Promise<void> {
  try {
    await recordUsage(subject, status, httpStatus, usage);
  } catch (error) {
    logUnspooled(subject, error);
  }
}

/**
 * A completed answer whose usage could not be spooled is not served: the error is logged and the
 * client gets a 503 to retry, so nothing unbilled leaves the node.
 */
export async function recordCompleted(subject: UsageSubject, usage: TokenUsage): Promise<void> {
  try {
    await recordUsage(subject, "completed", 200, usage);
  } catch (error) {
    logUnspooled(subject, error);
    throw new ApiError(
      503,
      "server_error",
      "The server could not record this request's usage, so it was not billed; retry shortly.",
      null,
      "usage_unrecorded",
      { "retry-after": "10" },
    );
  }
}
