import type { IncomingMessage } from "node:http";
import type { Server as HttpsServer } from "node:https";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { type AdmissionGate, composeGates } from "../admission/gate.js";
import { ApiError } from "../common/errors.js";
import { nextRequestId } from "../common/ids.js";
import type { Logger } from "../common/log.js";
import { parseApiKey } from "../domain/api-key.js";
import type { Principal } from "../domain/principal.js";
import type { TokenUsage } from "../domain/token-usage.js";
import type { Meter } from "../metering/meter.js";
import { InFlightRequests } from "../serving/in-flight.js";
import type { ModelRegistry, ServedModel } from "../serving/models.js";
import type { TrafficRecorder } from "../telemetry/traffic.js";
import {
  connectionPeer,
  type ForwardedHeader,
  parseTrustedProxies,
  resolveClientAddress,
} from "./client-address.js";
import { handleGeneration } from "./generation.js";
import { acceptProxyProtocol } from "./proxy-protocol.js";
import { type ApiTlsFiles, httpsOptions, reloadTls, type ServedCertificate } from "./tls.js";

/** Why a request's credentials were refused; never carries the presented key. */
export type AuthFailure = "missing" | "malformed" | "unknown" | "revoked" | "account_inactive";

export type AuthOutcome = ({ ok: true } & Principal) | { ok: false; reason: AuthFailure };

export interface Authenticator {
  /** Synchronous for cached keys (the common case); a promise only when the store must be asked. */
  authenticate(authorization: string | undefined): AuthOutcome | Promise<AuthOutcome>;
}

export interface ApiServerOptions {
  models: ModelRegistry;
  authenticator: Authenticator;
  logger: Logger;
  bodyLimitBytes: number;
  /** Time allowed to receive a whole request (headers and body): slow senders are cut off. */
  requestTimeoutMs: number;
  /** A stream whose client reads nothing for this long while output waits is cut off; default 30 s. */
  writeTimeoutMs?: number;
  /** False while the node drains or starts: /readyz answers 503 and new generations are refused. */
  isAcceptingTraffic?: () => boolean;
  /** Admission stages beyond authentication: suspensions, rate limits, abuse detection. */
  gates?: AdmissionGate[];
  /** Generations in flight, so that other parts of the agent can end them (suspension, drain). */
  inFlight?: InFlightRequests;
  /** Usage metering; without it requests are served unmetered (tests of other parts). */
  meter?: Meter | undefined;
  /** Telemetry of finished generation requests (status, latency, TTFT, tokens); optional. */
  traffic?: TrafficRecorder | undefined;
  /** The cluster's model catalogue: a refused request naming one of its models is billed under that name. */
  catalogue?: { has(name: string): boolean } | undefined;
  /**
   * Balancers (CIDRs) whose forwarded headers and PROXY headers are believed; empty: the socket's
   * peer is the client.
   */
  trustedProxies?: readonly string[] | undefined;
  /** The header trusted balancers write the client chain into; the other one is ignored. */
  forwardedHeader?: ForwardedHeader | undefined;
  /** Read a PROXY protocol v2 header on every connection (from trusted proxies only). */
  proxyProtocol?: boolean | undefined;
  /** Serve HTTPS with this certificate and key instead of plain HTTP. */
  tls?: ApiTlsFiles | undefined;
}

/** The public API server; `reloadTls` re-reads the certificate files (SIGHUP) when serving HTTPS. */
export type ApiServer = FastifyInstance & {
  /** Null without api.tls. Throws (and keeps the old certificate) when the new files do not load. */
  reloadTls(): ServedCertificate | null;
};

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    /**
     * The real client: the socket's peer, or what a trusted balancer says (PROXY header, forwarded
     * headers). Every gate, security event and usage record uses this, never `ip`.
     */
    clientIp: string;
    /** Epoch ms when the request arrived: the usage event's received time. */
    receivedAt: number;
    /** True once this request's usage event was handed to the meter (exactly one per request). */
    metered: boolean;
    /** True once the request took a slot, so a later error is a failure rather than a refusal. */
    ran: boolean;
    /** The generation's token usage and first-token time (epoch ms, 0 for none), once known. */
    tokenUsage: TokenUsage | null;
    firstTokenAt: number;
  }
  interface FastifyReply {
    /** The OpenAI error code a refused request was answered with, for security events. */
    errorCode: string | null;
  }
}

function bearerToken(header: string | undefined): string {
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : "";
}

function errorBody(error: ApiError) {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

function authError(reason: AuthFailure): ApiError {
  switch (reason) {
    case "missing":
      return new ApiError(
        401,
        "invalid_request_error",
        "You didn't provide an API key. Send it in the Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).",
        null,
        "missing_api_key",
      );
    case "account_inactive":
      return new ApiError(
        403,
        "invalid_request_error",
        "This account is not active. Contact support to restore access.",
        null,
        "account_inactive",
      );
    default:
      // Malformed, unknown and revoked keys look alike from outside: no oracle for key guessing.
      return new ApiError(
        401,
        "invalid_request_error",
        "Incorrect API key provided.",
        null,
        "invalid_api_key",
      );
  }
}

/** Maps anything thrown while serving a request to an OpenAI-style error with the right status. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const e = error as { statusCode?: number; code?: string };
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError(
        413,
        "invalid_request_error",
        "The request body is too large.",
        null,
        "request_too_large",
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError(
        400,
        "invalid_request_error",
        "The request body is empty; send a JSON object.",
        null,
        "invalid_json",
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError(
        415,
        "invalid_request_error",
        "Unsupported Content-Type; send the body as application/json.",
        null,
        "unsupported_media_type",
      );
  }
  if (error instanceof SyntaxError || e.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    // The parser's own message can quote the body (the customer's prompt); never echo or log it.
    return new ApiError(
      400,
      "invalid_request_error",
      "We could not parse the JSON body of your request. The API expects a JSON object as the request body.",
      null,
      "invalid_json",
    );
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(
      e.statusCode,
      "invalid_request_error",
      "The request could not be processed.",
      null,
      e.code ?? null,
    );
  }
  return new ApiError(
    500,
    "server_error",
    "The server had an error while processing your request.",
    null,
    null,
  );
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  reply.errorCode = error.code;
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).type("application/json; charset=utf-8").send(errorBody(error));
}

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
  });
}

function isGenerationRoute(route: string | undefined): boolean {
  return route === "/v1/chat/completions" || route === "/v1/completions";
}

/** How long a refused body is read and discarded before the connection is closed anyway. */
const DISCARD_BODY_MS = 5_000;

/**
 * Reads and discards what is left of a request body; resolves at its end, or once `maxBytes` more
 * have arrived or `timeoutMs` has passed: a client sending far more than it may is cut off instead.
 */
function discardBody(raw: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const done = () => {
      clearTimeout(timer);
      raw.off("data", onData).off("end", done).off("close", done).off("error", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    raw.on("data", onData).once("end", done).once("close", done).once("error", done);
    raw.resume();
  });
}

/** Origin-form only: "/path?query". Absolute-form ("http://host/path") and "*" are for proxies. */
const badTarget = new ApiError(
  400,
  "invalid_request_error",
  'The request target must be a path that starts with "/" (e.g. POST /v1/chat/completions); absolute URLs and "*" are not accepted.',
  null,
  "invalid_request_target",
);

export function createApiServer(options: ApiServerOptions): ApiServer {
  const { models, authenticator, logger } = options;
  const accepting = options.isAcceptingTraffic ?? (() => true);
  const gate = composeGates(options.gates ?? []);
  const inFlight = options.inFlight ?? new InFlightRequests();
  const trusted = parseTrustedProxies(options.trustedProxies ?? []);
  const forwardedHeader = options.forwardedHeader ?? "x-forwarded-for";
  const tls = options.tls ? httpsOptions(options.tls) : undefined;
  const app = Fastify({
    ...(tls ? { https: tls.options } : {}),
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    requestTimeout: options.requestTimeoutMs,
    http: {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.requestTimeoutMs,
      // Node looks for requests past their time every 30 s by default, so a slow sender (slowloris)
      // would hold its connection up to 30 s beyond requestTimeoutMs; a second is cheap (one pass
      // over the connections still receiving a request).
      connectionsCheckingInterval: Math.min(1000, options.requestTimeoutMs),
    },
    requestIdHeader: false,
    genReqId: () => `req_${nextRequestId()}`,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
  });
  app.decorateRequest("principal", null);
  app.decorateRequest("clientIp", "");
  app.decorateRequest("receivedAt", 0);
  app.decorateRequest("metered", false);
  app.decorateRequest("ran", false);
  app.decorateRequest("tokenUsage", null);
  app.decorateRequest("firstTokenAt", 0);
  app.decorateReply("errorCode", null);

  // Clients such as curl -d send form content types; the body is still JSON, so parse it as such.
  const json = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, json);
  app.addContentTypeParser("*", { parseAs: "string" }, json);

  // Callback-style hooks: they run for every request, and the cached-key path stays synchronous
  // without a promise per request. Answering early means sending and not calling done().
  const admitted = (request: FastifyRequest, reply: FastifyReply, outcome: AuthOutcome): boolean => {
    if (!outcome.ok) {
      const verified = outcome.reason === "revoked" || outcome.reason === "account_inactive";
      const keyId = verified ? parseApiKey(bearerToken(request.headers.authorization))?.id : undefined;
      gate.onAuthFailure(request.clientIp, outcome.reason, keyId);
      sendError(reply, authError(outcome.reason));
      return false;
    }
    request.principal = { keyId: outcome.keyId, accountId: outcome.accountId };
    gate.checkPrincipal(request.principal, request.clientIp);
    return true;
  };
  app.addHook("onRequest", (request, reply, done) => {
    request.receivedAt = Date.now();
    request.clientIp = resolveClientAddress(
      connectionPeer(request.raw.socket),
      request.headers,
      trusted,
      forwardedHeader,
    );
    reply.header("x-request-id", request.id);
    // The router reads "http://x/v1/models" as /v1/models; nothing here would be checked against the
    // path it matched. Only origin-form targets are served.
    if (!request.url.startsWith("/")) {
      sendError(reply, badTarget);
      return;
    }
    // Authentication follows the route that will answer, not the text of the URL: the router's
    // normalising (percent-decoding, absolute targets) cannot route around it. Unmatched paths under
    // /v1 authenticate too, so unknown endpoints are not enumerable without a key.
    const route = request.routeOptions.url;
    if (route === undefined ? !request.url.startsWith("/v1") : !route.startsWith("/v1/")) return done();
    try {
      gate.checkIp(request.clientIp);
      const outcome = authenticator.authenticate(request.headers.authorization);
      if (!(outcome instanceof Promise)) {
        if (admitted(request, reply, outcome)) done();
        return;
      }
      outcome.then(
        (settled) => {
          try {
            if (admitted(request, reply, settled)) done();
          } catch (error) {
            sendError(reply, toApiError(error));
          }
        },
        (error: unknown) => sendError(reply, toApiError(error)),
      );
    } catch (error) {
      sendError(reply, toApiError(error));
    }
  });

  // Refused requests are metadata too (status, route, timing): one line each, never a body or a key.
  const meter = options.meter;
  const traffic = options.traffic;
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
      if (isGenerationRoute(request.routeOptions.url)) {
        const asked = (request.body as { model?: unknown } | undefined)?.model;
        recordRefusal(meter, request, reply.statusCode, billedModelName(asked, models, options.catalogue));
      }
    }
    gate.onRefused({
      ip: request.clientIp,
      principal: request.principal,
      status: reply.statusCode,
      code: reply.errorCode,
      route: request.routeOptions.url ?? "unmatched",
    });
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

  app.setErrorHandler(async (error, request, reply) => {
    const apiError = toApiError(error);
    // Fastify marks a body it refused to parse (too large, broken) "connection: close", and Node
    // closes the socket once the answer is sent. A client still sending the body then gets EPIPE or
    // ECONNRESET instead of our 413. Read the rest first (within bounds), so it reads the answer.
    if (reply.getHeader("connection") === "close") {
      await discardBody(request.raw, 4 * options.bodyLimitBytes, DISCARD_BODY_MS);
    }
    // A 503 the agent chose (draining, spool full, queue full) is load shedding, logged as a refusal
    // by onResponse; a stack trace per refused request would flood the log exactly when it matters.
    if (apiError.status >= 500 && !(error instanceof ApiError && error.status === 503)) {
      // Message and stack only: an error object may hold request data.
      const err = error as Error;
      logger.error(
        { reqId: request.id, err: { type: err?.name, message: err?.message, stack: err?.stack } },
        "request failed",
      );
    }
    return sendError(reply, apiError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ApiError(
        404,
        "invalid_request_error",
        // The path only (no query), bounded: the answer echoes what the client asked, nothing more.
        `Unknown request URL: ${request.method} ${request.url.split("?")[0]!.slice(0, 200)}. Please check the URL for typos.`,
        null,
        "unknown_url",
      ),
    ),
  );

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    // A node that refuses every generation (its usage cannot be recorded) sends the balancer elsewhere.
    const refusal = meter?.refusal() ?? null;
    const answering = models.anyAnswering();
    if (models.isReady() && answering && accepting() && !refusal) return { status: "ready" };
    const reason = refusal?.code ?? (models.isReady() && !answering ? "model_unavailable" : undefined);
    return reply
      .code(503)
      .header("retry-after", "5")
      .send(reason ? { status: "not_ready", reason } : { status: "not_ready" });
  });

  // `version` is not OpenAI's: clients ignore unknown fields, and operators see what a name serves.
  const modelObject = ({ runtime: { model }, version }: ServedModel) => ({
    id: model.id,
    object: "model",
    created: model.created,
    owned_by: model.ownedBy,
    ...(version === null ? {} : { version }),
  });
  app.get("/v1/models", async () => ({
    object: "list",
    data: models.list().map(modelObject),
  }));
  app.get<{ Params: { "*": string } }>("/v1/models/*", async (request) => {
    const id = request.params["*"];
    const served = models.get(id);
    if (!served) {
      throw new ApiError(
        404,
        "invalid_request_error",
        `The model \`${id}\` does not exist or you do not have access to it.`,
        "model",
        "model_not_found",
      );
    }
    return modelObject(served);
  });

  const generation =
    (kind: "chat" | "completion") => async (request: FastifyRequest, reply: FastifyReply) => {
      if (!accepting()) {
        throw new ApiError(
          503,
          "server_error",
          "This node is not accepting requests right now; retry shortly.",
          null,
          "node_unavailable",
          {
            "retry-after": "5",
          },
        );
      }
      await handleGeneration(kind, request, reply, request.principal!, {
        models,
        logger,
        gate,
        inFlight,
        meter: meter ?? null,
        writeTimeoutMs: options.writeTimeoutMs ?? 30_000,
      });
    };
  app.post("/v1/chat/completions", generation("chat"));
  app.post("/v1/completions", generation("completion"));

  if (options.proxyProtocol) {
    acceptProxyProtocol(app.server, { trusted, headerTimeoutMs: options.requestTimeoutMs, logger });
  }
  const tlsFiles = options.tls;
  return Object.assign(app, {
    reloadTls: () => (tlsFiles ? reloadTls(app.server as HttpsServer, tlsFiles, logger) : null),
  });
}
