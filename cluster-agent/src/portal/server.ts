// The customer portal's HTTP server: its own listener, the React app at / and the JSON API under
// /api. Every answer carries a strict CSP and the other browser hardening headers; /api answers are
// never cached. Nothing here logs a body, a cookie or a URL's query (links carry tokens).
import type { AddressInfo } from "node:net";
import fastifyCookie from "@fastify/cookie";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from "fastify";
import {
  connectionPeer,
  type ForwardedHeader,
  parseTrustedProxies,
  resolveClientAddress,
} from "../api/client-address.js";
import { sendError, toApiError } from "../api/errors.js";
import { httpsOptions } from "../api/tls.js";
import { ApiError } from "../common/errors.js";
import { nextRequestId } from "../common/ids.js";
import { parseListenAddress } from "../config/listen-address.js";
import { type PortalConfig, portalBaseUrl, portalSecureCookies } from "../config/portal.js";
import { StoreError } from "../store/db.js";
import { accountRoutes } from "./account-routes.js";
import { authRoutes } from "./auth-routes.js";
import type { PortalDeps } from "./context.js";
import { legalRoutes } from "./legal-routes.js";
import { paymentRoutes } from "./payment-routes.js";
import { PortalSessions } from "./sessions.js";
import { defaultAssetsDir, staticApp } from "./static.js";
import { teamRoutes } from "./team-routes.js";
import { Throttle } from "./throttle.js";

export const PORTAL_BODY_LIMIT = 64 * 1024;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** What refuses a client address: the agent's suspensions (IP blocks) and its IP blocker. */
export interface AddressGuard {
  /** Throws the 403 an API client would get when the address is blocked. */
  check(ip: string): void;
  /**
   * A refused login (wrong credentials or code, or throttled): a security event, and a failure counted
   * toward the IP blocker's threshold (throttled attempts excepted: they were not checked).
   */
  failed(ip: string, code: "invalid_credentials" | "invalid_totp" | "throttled", accountId?: string): void;
}

export interface PortalServerOptions extends PortalDeps {
  config: PortalConfig;
  trustedProxies?: readonly string[] | undefined;
  forwardedHeader?: ForwardedHeader | undefined;
  guard?: AddressGuard | undefined;
  /** Request timeout, as the API's. */
  requestTimeoutMs?: number | undefined;
}

/** Everything the portal's own routes are given: the account routes' deps and the identity parts. */
export interface PortalServices extends PortalDeps {
  config: PortalConfig;
  sessions: PortalSessions;
  /** The base URL for links in emails (publicUrl, else the listener's address). */
  baseUrl(): string;
  clientIp(request: FastifyRequest): string;
  guard: AddressGuard;
  throttles: {
    loginAccount: Throttle;
    loginAddress: Throttle;
    resetAccount: Throttle;
    resetAddress: Throttle;
  };
}

export interface PortalServer {
  app: FastifyInstance;
  /** The base URL it serves at, e.g. http://127.0.0.1:8088 */
  url: string;
  /** Where customers reach it (portal.publicUrl, else `url`): the links in emails. */
  publicUrl: string;
  close(): Promise<void>;
}

export async function startPortalServer(options: PortalServerOptions): Promise<PortalServer> {
  const { config, logger } = options;
  const tls = config.tls ? httpsOptions(config.tls) : undefined;
  const trusted = parseTrustedProxies(options.trustedProxies ?? []);
  const forwardedHeader = options.forwardedHeader ?? "x-forwarded-for";
  const timeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    ...(tls ? { https: tls.options } : {}),
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: PORTAL_BODY_LIMIT,
    requestTimeout: timeout,
    http: { requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval: 1000 },
    requestIdHeader: false,
    genReqId: () => `req_${nextRequestId()}`,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
  });
  // JSON only (anything else is a 415); an empty body (a DELETE sent with a JSON content type) is no
  // body rather than a parse error.
  const json = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (body === "") done(null, undefined);
    else json(request, String(body), done);
  });
  let baseUrl = "";
  const settings = {
    idleMs: config.session.idleMinutes * 60_000,
    absoluteMs: config.session.absoluteHours * 3_600_000,
    secure: portalSecureCookies(config),
    origin: "",
  };
  const clientIp = (request: FastifyRequest) =>
    resolveClientAddress(connectionPeer(request.raw.socket), request.headers, trusted, forwardedHeader);
  const sessions = new PortalSessions({ ...options, clientIp }, settings);
  const t = config.throttle;
  const services: PortalServices = {
    store: options.store,
    recorder: options.recorder,
    pepper: options.pepper,
    logger,
    node: options.node,
    now: options.now,
    payments: options.payments,
    billing: options.billing,
    config,
    sessions,
    baseUrl: () => baseUrl,
    clientIp,
    guard: options.guard ?? { check: () => {}, failed: () => {} },
    throttles: {
      loginAccount: new Throttle(t.loginPerAccount),
      loginAddress: new Throttle(t.loginPerAddress),
      resetAccount: new Throttle(t.resetPerAccount),
      resetAddress: new Throttle(t.resetPerAddress),
    },
  };

  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("content-security-policy", CSP);
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "no-referrer");
    reply.header("x-frame-options", "DENY");
    reply.header("cross-origin-opener-policy", "same-origin");
    if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
    return payload;
  });
  app.setErrorHandler(async (error, request, reply) => {
    const apiError =
      error instanceof StoreError
        ? new ApiError(
            error.code === "not_found" ? 404 : error.code === "conflict" ? 409 : 400,
            "invalid_request_error",
            error.message,
            null,
            error.code === "invalid" ? "invalid_request" : error.code,
          )
        : toApiError(error);
    if (apiError.status >= 500) {
      const err = error as Error;
      // Name, message and stack only: never the request, its cookies or its body.
      logger.error(
        { reqId: request.id, err: { type: err?.name, message: err?.message, stack: err?.stack } },
        "portal request failed",
      );
    }
    return sendError(reply, apiError);
  });
  // Registered for its cookie parser and serializer (loaded by the plugin), which sessions.ts uses.
  await app.register(fastifyCookie);
  sessions.install(app);
  authRoutes(app, services);
  teamRoutes(app, services);
  legalRoutes(app, services);
  await app.register(async (scope) => accountRoutes(scope, services));
  await app.register(async (scope) => paymentRoutes(scope, services));
  app.all("/api/*", async (request) => {
    throw new ApiError(
      404,
      "invalid_request_error",
      `Unknown portal URL: ${request.method} ${request.url.split("?")[0]!.slice(0, 200)}.`,
      null,
      "not_found",
    );
  });
  staticApp(app, config.assetsDir ?? defaultAssetsDir());

  const listen = parseListenAddress(config.listen);
  await app.listen(listen);
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  baseUrl = portalBaseUrl(config, `${host}:${address.port}`);
  const own = portalBaseUrl({ ...config, publicUrl: undefined }, `${host}:${address.port}`);
  // The public URL's origin is what browsers send; the listener's own origin is accepted too, for an
  // operator reaching one agent directly.
  settings.origin = new URL(baseUrl).origin;
  sessions.alsoAllow(new URL(own).origin);
  return { app, url: own, publicUrl: baseUrl, close: () => app.close() };
}
