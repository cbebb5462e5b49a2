import type { Server as HttpsServer } from "node:https";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { type AdmissionGate, composeGates } from "../admission/gate.js";
import { nextRequestId } from "../common/ids.js";
import type { Logger } from "../common/log.js";
import type { PriceBook } from "../domain/pricing.js";
import type { Principal } from "../domain/principal.js";
import type { TokenUsage } from "../domain/token-usage.js";
import type { Meter } from "../metering/meter.js";
import { InFlightRequests } from "../serving/in-flight.js";
import type { ModelRegistry } from "../serving/models.js";
import type { RenderedStatus } from "../status/page.js";
import type { TrafficRecorder } from "../telemetry/traffic.js";
import { type Authenticator, authentication } from "./auth.js";
import { type ForwardedHeader, parseTrustedProxies } from "./client-address.js";
import { errorHandling, type RetiredModels } from "./errors.js";
import { responseAccounting } from "./metering-hooks.js";
import { type LoadShedding, loadShedding, type OverloadOptions } from "./overload.js";
import { acceptProxyProtocol } from "./proxy-protocol.js";
import { lazyRequestLogger } from "./request-logger.js";
import { embeddingsRoutes } from "./routes/embeddings.js";
import { generationRoutes } from "./routes/generation.js";
import { healthRoutes } from "./routes/health.js";
import { modelRoutes } from "./routes/models.js";
import { statusRoutes } from "./routes/status.js";
import { type ApiTlsFiles, httpsOptions, reloadTls, type ServedCertificate } from "./tls.js";

export type { Authenticator, AuthFailure, AuthOutcome } from "./auth.js";
export { sendError, toApiError } from "./errors.js";
export { billedModelName } from "./metering-hooks.js";
export type { LoadShedding, OverloadOptions } from "./overload.js";

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
  /** The price versions in force, shown per model by GET /v1/models; absent: every model unpriced. */
  prices?: PriceBook | undefined;
  /** Telemetry of finished generation requests (status, latency, TTFT, tokens); optional. */
  traffic?: TrafficRecorder | undefined;
  /** The cluster's model catalogue: a refused request naming one of its models is billed under that name. */
  catalogue?: ({ has(name: string): boolean } & Partial<RetiredModels>) | undefined;
  /**
   * Balancers (CIDRs) whose forwarded headers and PROXY headers are believed; empty: the socket's
   * peer is the client.
   */
  trustedProxies?: readonly string[] | undefined;
  /** The header trusted balancers write the client chain into; the other one is ignored. */
  forwardedHeader?: ForwardedHeader | undefined;
  /** Read a PROXY protocol v2 header on every connection (from trusted proxies only). */
  proxyProtocol?: boolean | undefined;
  /** The public status page (/status, /status.json, no API key); absent: those routes are not served. */
  statusPage?: (() => Promise<RenderedStatus>) | undefined;
  /** Serve HTTPS with this certificate and key instead of plain HTTP. */
  tls?: ApiTlsFiles | undefined;
  /** Load shedding while the agent's event loop is saturated (api.overload); absent: none. */
  overload?: OverloadOptions | undefined;
}

/** The public API server; `reloadTls` re-reads the certificate files (SIGHUP) when serving HTTPS. */
export type ApiServer = FastifyInstance & {
  /** Null without api.tls. Throws (and keeps the old certificate) when the new files do not load. */
  reloadTls(): ServedCertificate | null;
  /** Requests shed for overload so far, and whether they are shed now (for /metrics). */
  shedding: LoadShedding;
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
    // request.log is made on a request's first log line, not for every request (request-logger.ts).
    childLoggerFactory: lazyRequestLogger,
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

  // Plain functions rather than registered plugins (fastify-plugin is not a dependency): each adds its
  // hooks and routes to this instance at once, in this order, with no encapsulation to see through;
  // the hooks come before the not-found handler and the routes, so those run behind them. Shedding
  // comes first: an overloaded node must not spend the address, key and gate work on a refusal.
  const shedding = loadShedding(app, options.overload ?? DISABLED, logger);
  authentication(app, { authenticator, gate, trusted, forwardedHeader });
  responseAccounting(app, {
    models,
    gate,
    logger,
    meter: options.meter,
    traffic: options.traffic,
    catalogue: options.catalogue,
  });
  errorHandling(app, { logger, bodyLimitBytes: options.bodyLimitBytes });
  healthRoutes(app, { models, accepting, meter: options.meter, overloaded: shedding.overloaded });
  const retirements = retiredModels(options.catalogue);
  modelRoutes(app, { models, prices: options.prices, retirements });
  if (options.statusPage) statusRoutes(app, { page: options.statusPage });
  generationRoutes(app, {
    models,
    logger,
    gate,
    inFlight,
    meter: options.meter,
    accepting,
    writeTimeoutMs: options.writeTimeoutMs ?? 30_000,
    retirements,
  });
  embeddingsRoutes(app, { models, logger, gate, inFlight, meter: options.meter, accepting, retirements });

  if (options.proxyProtocol) {
    acceptProxyProtocol(app.server, { trusted, headerTimeoutMs: options.requestTimeoutMs, logger });
  }
  const tlsFiles = options.tls;
  return Object.assign(app, {
    shedding,
    reloadTls: () => (tlsFiles ? reloadTls(app.server as HttpsServer, tlsFiles, logger) : null),
  });
}

const DISABLED: OverloadOptions = {
  enabled: false,
  maxEventLoopDelayMs: 0,
  maxEventLoopUtilization: 0,
  sampleIntervalMs: 1000,
  retryAfterSeconds: 1,
  minInFlight: 1,
  limitEventLoopDelayMs: 0,
  limitAboveInFlight: 1,
};

/** The catalogue's retirements when it tracks them (a catalogue of names alone retires nothing). */
function retiredModels(
  catalogue: ({ has(name: string): boolean } & Partial<RetiredModels>) | undefined,
): RetiredModels | undefined {
  if (!catalogue?.retired || !catalogue.retirement) return undefined;
  return catalogue as RetiredModels;
}
