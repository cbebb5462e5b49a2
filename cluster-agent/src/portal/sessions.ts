// Sessions and CSRF, as one onRequest layer in front of every /api route. The session cookie holds a
// random token (only its SHA-256 is stored); a session ends after the idle time without a request or
// at its absolute end, whichever comes first. CSRF is a double submit: an HttpOnly cookie holds a
// random value, and the token the app echoes in `x-csrf-token` is an HMAC of that value and the
// session cookie, so a token is worthless with another browser's cookies. A present Origin header
// must be the portal's own. A session that ends on the server (expiry, reset, removal) leaves its
// cookie in the browser: the app's token stays valid, and the next request answers 401, not 403.
import { randomBytes, timingSafeEqual } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../common/errors.js";
import type { Db } from "../store/db.js";
import {
  createPortalSession,
  endPortalSession,
  findPortalSession,
  touchPortalSession,
} from "../store/portal-sessions.js";
import type { PortalUser } from "../store/portal-users.js";
import type { PortalDeps } from "./context.js";
import { csrfKey, csrfTokenFor, hashToken, looksLikeToken, newToken } from "./secrets.js";

export const SESSION_COOKIE = "entrim_portal";
export const CSRF_COOKIE = "entrim_portal_csrf";
/** last_seen_at is written at most this often: one write a minute per session, not one per request. */
const TOUCH_MS = 60_000;

export interface SessionSettings {
  idleMs: number;
  absoluteMs: number;
  /** Cookies carry Secure. */
  secure: boolean;
  /** The portal's own origin (scheme://host:port); a request's Origin must be this one. */
  origin: string;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The CSRF cookie's value for this request (set by GET /api/session when it was missing). */
    csrfCookie: string | undefined;
    /** The session cookie as the browser sent it (or as login just set it); the CSRF token binds it. */
    sessionCookie: string | undefined;
  }
}

// The package's parse/serialize only: its plugin (which would parse every request) is not registered.
const { parse, serialize } = fastifyCookie.fastifyCookie;

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function csrfFailed(message: string): ApiError {
  return new ApiError(403, "invalid_request_error", message, null, "csrf_failed");
}

export class PortalSessions {
  private readonly key: Buffer;
  private readonly extraOrigins = new Set<string>();

  constructor(
    private readonly deps: PortalDeps & { clientIp(request: FastifyRequest): string },
    readonly settings: SessionSettings,
  ) {
    this.key = csrfKey(deps.pepper);
  }

  /** Another origin this portal is reached at (the listener's own, besides the public URL). */
  alsoAllow(origin: string): void {
    this.extraOrigins.add(origin);
  }

  /** Adds the session and CSRF hook to every /api request of `app`. */
  install(app: FastifyInstance): void {
    app.decorateRequest("csrfCookie", undefined);
    app.decorateRequest("sessionCookie", undefined);
    app.addHook("onRequest", async (request) => {
      // /pay/ (the link in invoice emails) needs the session too; GETs are never CSRF-checked.
      if (!request.url.startsWith("/api/") && !request.url.startsWith("/pay/")) return;
      const cookies = parse(request.headers.cookie ?? "");
      request.csrfCookie = cookies[CSRF_COOKIE] || undefined;
      const token = cookies[SESSION_COOKIE];
      if (looksLikeToken(token)) {
        request.sessionCookie = token;
        await this.resolve(request, token);
      }
      if (UNSAFE.has(request.method)) this.checkCsrf(request);
    });
  }

  private async resolve(request: FastifyRequest, token: string) {
    const session = await findPortalSession(this.deps.store.pool, hashToken(token));
    const now = this.deps.now();
    if (!session) return;
    if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() >= this.settings.idleMs) {
      await endPortalSession(this.deps.store.pool, session.userId, session.id, now);
      return;
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_MS)
      await touchPortalSession(this.deps.store.pool, session.id, now);
    request.portal = {
      userId: session.userId,
      accountId: session.accountId,
      role: session.role,
      sessionId: session.id,
    };
  }

  private checkCsrf(request: FastifyRequest): void {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== this.settings.origin && !this.extraOrigins.has(origin))
      throw csrfFailed(
        "This request came from another site and was refused. Open the portal at its own address.",
      );
    const sent = request.headers["x-csrf-token"];
    if (typeof sent !== "string" || !request.csrfCookie)
      throw csrfFailed("The security token is missing: reload the page and try again.");
    const expected = this.csrfToken(request);
    const a = Buffer.from(sent);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      throw csrfFailed("The security token is out of date: reload the page and try again.");
  }

  /** The CSRF token for this request's cookies; sets the CSRF cookie first when it is missing. */
  csrfToken(request: FastifyRequest, reply?: FastifyReply): string {
    if (!request.csrfCookie) {
      request.csrfCookie = randomBytes(32).toString("base64url");
      reply?.header("set-cookie", this.cookie(CSRF_COOKIE, request.csrfCookie));
    }
    return csrfTokenFor(this.key, request.csrfCookie, request.sessionCookie);
  }

  /** Starts a session for `user` (inside the caller's transaction when `db` is one); sets the cookie. */
  async start(db: Db, request: FastifyRequest, reply: FastifyReply, user: PortalUser): Promise<void> {
    const now = this.deps.now();
    const { token, hash } = newToken();
    const session = await createPortalSession(db, {
      tokenHash: hash,
      userId: user.id,
      accountId: user.accountId,
      now,
      expiresAt: new Date(now.getTime() + this.settings.absoluteMs),
      ip: this.deps.clientIp(request),
      userAgent: typeof request.headers["user-agent"] === "string" ? request.headers["user-agent"] : null,
    });
    request.portal = { userId: user.id, accountId: user.accountId, role: user.role, sessionId: session.id };
    request.sessionCookie = token;
    this.appendCookie(reply, this.cookie(SESSION_COOKIE, token));
  }

  /** Logout: the browser forgets the session cookie (and the CSRF token changes with it). */
  clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
    request.sessionCookie = undefined;
    this.appendCookie(reply, this.cookie(SESSION_COOKIE, "", 0));
  }

  private appendCookie(reply: FastifyReply, cookie: string): void {
    const existing = reply.getHeader("set-cookie");
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
    reply.header("set-cookie", [...list.filter((c) => !c.startsWith(cookie.split("=")[0]!)), cookie]);
  }

  private cookie(name: string, value: string, maxAge?: number): string {
    return serialize(name, value, {
      httpOnly: true,
      sameSite: "strict",
      path: "/",
      secure: this.settings.secure,
      ...(maxAge === undefined ? {} : { maxAge }),
    });
  }
}
