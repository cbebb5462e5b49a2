import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AdmissionGate } from "../admission/gate.js";
import type { Logger } from "../common/log.js";
import type { UsageEndpoint } from "../domain/usage-event.js";
import type { Meter } from "../metering/meter.js";
import type { ModelRegistry } from "../serving/models.js";
import type { TrafficRecorder } from "../telemetry/traffic.js";

/**
 * The name a refused request is billed under. The customer chose the string, and usage rows end up in
 * invoices, usage exports and the console: only a model this node serves or the catalogue lists is
 * kept, anything else (a typo, a formula, a tracking token) is "unknown".
 */
export function billedModelName(
  asked: unknown,
  models: Pick<ModelRegistry, "get">,
  catalogue: { has(name: string): boolean } | undefined,
): string {
  if (typeof asked !== "string" || asked.length === 0 || asked.length > 128) return "unknown";
  return models.get(asked) || catalogue?.has(asked) ? asked : "unknown";
}

/** A generation request that ended in an error response: refused before running, or failed in it. */
function recordRefusal(meter: Meter, request: FastifyRequest, status: number, model: string): void {
  request.metered = true;
  meter.recordRejection({
    requestId: request.id,
    receivedAt: request.receivedAt,
    firstTokenAt: null,
    accountId: request.principal!.accountId,
    keyId: request.principal!.keyId,
    model,
    status: request.ran ? "failed" : "rejected",
    httpStatus: status,
    usage: null,
    userAgent: request.headers["user-agent"],
    clientIp: request.clientIp,
    endpoint: endpointOf(request.routeOptions.url),
  });
}

const ENDPOINTS: Record<string, UsageEndpoint> = {
  "/v1/chat/completions": "chat.completions",
  "/v1/completions": "completions",
  "/v1/embeddings": "embeddings",
  "/v1/responses": "responses",
};

/** The usage event's endpoint for a route, if the route is a metered one. */
export function endpointOf(route: string | undefined): UsageEndpoint | undefined {
  return route === undefined ? undefined : ENDPOINTS[route];
}

export function isGenerationRoute(route: string | undefined): boolean {
  return route === "/v1/chat/completions" || route === "/v1/completions" || route === "/v1/responses";
}

export interface ResponseAccountingOptions {
  models: Pick<ModelRegistry, "get">;
  gate: Required<AdmissionGate>;
  logger: Logger;
  meter?: Meter | undefined;
  traffic?: TrafficRecorder | undefined;
  catalogue?: { has(name: string): boolean } | undefined;
}

/**
 * What every finished response leaves behind: traffic telemetry for generations, and for refusals a
 * usage event (refused requests are metadata too: status, route, timing), the gates' refusal count
 * and one log line each, never a body or a key. A callback hook, like authentication.
 */
export function responseAccounting(app: FastifyInstance, options: ResponseAccountingOptions): void {
  const { models, gate, logger, meter, traffic, catalogue } = options;
  app.addHook("onResponse", (request, reply, done) => {
    // Generation routes only: they are what the node is for, and /v1/models lookups would flatter
    // the latency percentiles. Fires on the last byte, hijacked streams included (not on a client
    // that hung up first: no response finished).
    if (traffic && request.method === "POST" && isGenerationRoute(request.routeOptions.url)) {
      const usage = request.tokenUsage;
      traffic.record(
        reply.statusCode,
        reply.elapsedTime,
        request.firstTokenAt > 0 ? request.firstTokenAt - request.receivedAt : -1,
        usage?.promptTokens ?? 0,
        usage?.cachedTokens ?? 0,
        usage?.completionTokens ?? 0,
      );
    }
    if (reply.statusCode < 400) return done();
    if (meter && request.principal && !request.metered && request.method === "POST") {
      // Every metered route's refusals are billed records too (at no cost): generations and embeddings.
      if (endpointOf(request.routeOptions.url) !== undefined) {
        const asked = (request.body as { model?: unknown } | undefined)?.model;
        recordRefusal(meter, request, reply.statusCode, billedModelName(asked, models, catalogue));
      }
    }
    gate.onRefused({
      ip: request.clientIp,
      principal: request.principal,
      status: reply.statusCode,
      code: reply.errorCode,
      route: request.routeOptions.url ?? "unmatched",
    });
    // Shed requests (api/overload.ts) are counted and logged per state change: a line each would
    // add log work by the thousand per second to a loop that is already saturated.
    if (reply.errorCode === "server_overloaded") return done();
    logger.info(
      {
        reqId: request.id,
        method: request.method,
        path: request.routeOptions.url ?? "unmatched",
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request refused",
    );
    done();
  });
}
