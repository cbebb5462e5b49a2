import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AdmissionGate } from "../admission/gate.js";
import { ApiError } from "../common/errors.js";
import { parseApiKey } from "../domain/api-key.js";
import type { Principal } from "../domain/principal.js";
import {
  connectionPeer,
  type ForwardedHeader,
  type parseTrustedProxies,
  resolveClientAddress,
} from "./client-address.js";
import { sendError, toApiError } from "./errors.js";

/** Why a request's credentials were refused; never carries the presented key. */
export type AuthFailure = "missing" | "malformed" | "unknown" | "revoked" | "expired" | "account_inactive";

export type AuthOutcome = ({ ok: true } & Principal) | { ok: false; reason: AuthFailure };

export interface Authenticator {
  /** Synchronous for cached keys (the common case); a promise only when the store must be asked. */
  authenticate(authorization: string | undefined): AuthOutcome | Promise<AuthOutcome>;
}

function bearerToken(header: string | undefined): string {
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : "";
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
    case "expired":
      // Only after the secret verified: whoever holds the key learns nothing new from "expired".
      return new ApiError(
        401,
        "invalid_request_error",
        "This API key has expired. Create a new key (in the customer portal or with your operator) and use it instead.",
        null,
        "expired_api_key",
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

/** Origin-form only: "/path?query". Absolute-form ("http://host/path") and "*" are for proxies. */
const badTarget = new ApiError(
  400,
  "invalid_request_error",
  'The request target must be a path that starts with "/" (e.g. POST /v1/chat/completions); absolute URLs and "*" are not accepted.',
  null,
  "invalid_request_target",
);

export interface AuthenticationOptions {
  authenticator: Authenticator;
  /** The admission gates, composed: IP checks before, principal checks after authentication. */
  gate: Required<AdmissionGate>;
  /** Balancers whose forwarded headers are believed (parseTrustedProxies). */
  trusted: ReturnType<typeof parseTrustedProxies>;
  forwardedHeader: ForwardedHeader;
}

/**
 * The front door of every request: the real client address, the request id, the request target's
 * form, then (for /v1 routes) the IP gates, the API key and the principal's gates.
 *
 * A callback-style hook: it runs for every request, and the cached-key path stays synchronous
 * without a promise per request. Answering early means sending and not calling done().
 */
export function authentication(app: FastifyInstance, options: AuthenticationOptions): void {
  const { authenticator, gate, trusted, forwardedHeader } = options;
  const admitted = (request: FastifyRequest, reply: FastifyReply, outcome: AuthOutcome): boolean => {
    if (!outcome.ok) {
      const verified =
        outcome.reason === "revoked" || outcome.reason === "expired" || outcome.reason === "account_inactive";
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
}
