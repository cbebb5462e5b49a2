// Sign-up, email verification, login and logout, password reset and change: the identity half of
// the portal's contract (see docs/portal.md). Failures that could tell a stranger whether an address
// is registered answer exactly like successes; login failures feed the throttles and the IP blocker.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError } from "../common/errors.js";
import { createAccount } from "../store/accounts.js";
import { type Db, StoreError, transaction } from "../store/db.js";
import { endPortalSession, endPortalSessionsOf } from "../store/portal-sessions.js";
import {
  consumePortalToken,
  createPortalToken,
  peekPortalToken,
  voidPortalTokens,
} from "../store/portal-tokens.js";
import {
  createPortalUser,
  findPortalUserByEmail,
  getPortalAccount,
  getPortalUser,
  markPortalUserVerified,
  type PortalUser,
  recordTermsAcceptance,
  setPortalUserName,
  setPortalUserPassword,
} from "../store/portal-users.js";
import { parseBody } from "./body.js";
import { auditCustomer, requirePortal } from "./context.js";
import {
  assertCurrentVersions,
  consentFields,
  emailField,
  emailKey,
  nameField,
  passwordField,
  userView,
} from "./identity.js";
import { legalView } from "./legal-routes.js";
import { mailReset, mailSignupAttempt, mailVerify } from "./mails.js";
import { assertPasswordRules, checkPassword, hashPassword } from "./passwords.js";
import { hashToken, looksLikeToken, newToken } from "./secrets.js";
import type { PortalServices } from "./server.js";
import { sessionRoutes } from "./session-routes.js";
import { throttled } from "./throttle.js";
import { acceptTotp, totpRoutes } from "./totp-routes.js";

const VERIFY_MS = 48 * 3_600_000;
const RESET_MS = 3_600_000;

const SIGNED_UP = "Check your inbox: we sent a link to confirm your email address. Open it, then log in.";
const RESENT = "If that address has an unconfirmed login, we sent it a new confirmation link.";
const RESET_SENT =
  "If that address has a login, we sent it a link to choose a new password (valid for one hour).";

const signupBody = z
  .object({
    name: nameField,
    email: emailField,
    company: z.string().trim().max(200, "must be at most 200 characters").optional(),
    password: passwordField,
    ...consentFields,
  })
  .strict();
const loginBody = z
  .object({ email: z.string().max(320), password: passwordField, totpCode: z.string().max(16).optional() })
  .strict();
const tokenBody = z.object({ token: z.string().max(200) }).strict();
const emailBody = z.object({ email: z.string().max(320) }).strict();
const resetBody = z.object({ token: z.string().max(200), password: passwordField }).strict();
const changeBody = z.object({ currentPassword: passwordField, newPassword: passwordField }).strict();
const meBody = z.object({ name: nameField }).strict();

function badToken(): ApiError {
  return new ApiError(
    400,
    "invalid_request_error",
    "This link is not valid any more (used, expired or mistyped). Ask for a new one.",
    "token",
    "invalid_token",
  );
}

export function authRoutes(app: FastifyInstance, s: PortalServices): void {
  const db = s.store.pool;
  const mailContext = {
    productName: s.config.branding.productName,
    supportEmail: s.config.branding.supportEmail,
  };
  const link = (path: string, token: string) => `${s.baseUrl()}${path}?token=${token}`;

  /** Throttles what a stranger can trigger by email address and client address; throws 429. */
  const throttle = (kind: "login" | "reset", email: string, ip: string): { hit(): void; clear(): void } => {
    const [account, address] =
      kind === "login"
        ? [s.throttles.loginAccount, s.throttles.loginAddress]
        : [s.throttles.resetAccount, s.throttles.resetAddress];
    const now = s.now().getTime();
    const wait = Math.max(account.retryAfter(emailKey(email), now), address.retryAfter(ip, now));
    if (wait > 0) throw throttled(wait, kind === "login" ? "login attempts" : "emails asked for");
    return {
      hit: () => {
        account.hit(emailKey(email), now);
        address.hit(ip, now);
      },
      clear: () => account.clear(emailKey(email)),
    };
  };

  /**
   * A fresh single-use link for `user` (earlier unused ones of the purpose stop working), mailed in
   * the caller's transaction: the token and its email commit together or not at all.
   */
  const mailUserLink = async (
    tx: Db,
    user: PortalUser,
    purpose: "verify_email" | "reset_password",
    send: typeof mailVerify,
  ) => {
    const now = s.now();
    await voidPortalTokens(tx, user.id, purpose, now);
    const { token, hash } = newToken();
    await createPortalToken(tx, {
      tokenHash: hash,
      purpose,
      accountId: user.accountId,
      userId: user.id,
      now,
      expiresAt: new Date(now.getTime() + (purpose === "verify_email" ? VERIFY_MS : RESET_MS)),
    });
    await send(tx, mailContext, {
      to: user.email,
      accountId: user.accountId,
      name: user.name,
      url: link(purpose === "verify_email" ? "/verify-email" : "/reset-password", token),
    });
  };
  const sendVerification = (tx: Db, user: PortalUser) => mailUserLink(tx, user, "verify_email", mailVerify);

  app.get("/api/session", async (request, reply) => {
    const principal = request.portal;
    const user = principal ? await getPortalUser(db, principal.accountId, principal.userId) : undefined;
    const account = principal ? await getPortalAccount(db, principal.accountId) : undefined;
    return {
      csrfToken: s.sessions.csrfToken(request, reply),
      user: user ? userView(user) : null,
      account: account ?? null,
      legal: await legalView(db, s.config, principal?.accountId, s.now()),
      branding: {
        productName: s.config.branding.productName,
        supportEmail: s.config.branding.supportEmail ?? null,
      },
    };
  });

  app.post("/api/signup", async (request, reply) => {
    const body = parseBody(signupBody, request.body);
    await assertCurrentVersions(db, s.config, body, s.now());
    assertPasswordRules(body.password, body.email, "password");
    const ip = s.clientIp(request);
    throttle("reset", body.email, ip).hit();
    const passwordHash = await hashPassword(body.password);
    const now = s.now();
    await transaction(db, async (tx) => {
      const existing = await findPortalUserByEmail(tx, body.email);
      if (existing) {
        // The same answer as a new sign-up; the address's owner hears of it (or gets a fresh link).
        if (existing.emailVerifiedAt === null) await sendVerification(tx, existing);
        else
          await mailSignupAttempt(tx, mailContext, {
            to: existing.email,
            accountId: existing.accountId,
            name: existing.name,
            loginUrl: `${s.baseUrl()}/login`,
          });
        return;
      }
      let account: Awaited<ReturnType<typeof createAccount>>;
      try {
        account = await createAccount(tx, { name: body.name, email: body.email, company: body.company });
      } catch (error) {
        // An account an operator created with this address: the same answer, nothing created.
        if (error instanceof StoreError && error.code === "conflict") return;
        throw error;
      }
      const user = await createPortalUser(tx, {
        accountId: account.id,
        email: body.email,
        name: body.name,
        role: "owner",
        passwordHash,
      });
      await recordTermsAcceptance(tx, {
        accountId: account.id,
        userId: user.id,
        termsVersion: body.termsVersion,
        privacyVersion: body.privacyVersion,
        now,
      });
      await sendVerification(tx, user);
      await auditCustomer(s, { userId: user.id }, { action: "account.signup", target: account.id }, tx);
    });
    return reply.code(201).send({ message: SIGNED_UP });
  });

  app.post("/api/verify-email", async (request) => {
    const { token } = parseBody(tokenBody, request.body);
    if (!looksLikeToken(token)) throw badToken();
    await transaction(db, async (tx) => {
      const used = await consumePortalToken(tx, hashToken(token), "verify_email", s.now());
      if (!used?.userId) throw badToken();
      await markPortalUserVerified(tx, used.userId);
      await auditCustomer(
        s,
        { userId: used.userId },
        { action: "user.verify-email", target: used.userId },
        tx,
      );
    });
    return { message: "Your email address is confirmed. You can log in now." };
  });

  app.post("/api/verify-email/resend", async (request, reply) => {
    const { email } = parseBody(emailBody, request.body);
    const limit = throttle("reset", email, s.clientIp(request));
    limit.hit();
    const user = await findPortalUserByEmail(db, email.trim());
    if (user && user.emailVerifiedAt === null) await transaction(db, (tx) => sendVerification(tx, user));
    return reply.code(202).send({ message: RESENT });
  });

  app.post("/api/login", async (request, reply) => {
    const body = parseBody(loginBody, request.body);
    const ip = s.clientIp(request);
    s.guard.check(ip);
    let limit: ReturnType<typeof throttle>;
    try {
      limit = throttle("login", body.email, ip);
    } catch (error) {
      s.guard.failed(ip, "throttled");
      throw error;
    }
    const user = await findPortalUserByEmail(db, body.email.trim());
    const fail = (code: "invalid_credentials" | "invalid_totp", message: string) => {
      limit.hit();
      s.guard.failed(ip, code, user?.accountId);
      return new ApiError(401, "authentication_error", message, null, code);
    };
    if (!(await checkPassword(user?.passwordHash, body.password)) || !user)
      throw fail("invalid_credentials", "The email address or the password is wrong.");
    if (user.emailVerifiedAt === null)
      throw new ApiError(
        403,
        "permission_error",
        "Confirm your email address first: open the link we sent you, or ask for a new one.",
        null,
        "email_not_verified",
      );
    if (user.totpEnabledAt !== null && user.totpSecret) {
      if (!body.totpCode)
        throw new ApiError(
          401,
          "authentication_error",
          "Enter the 6-digit code from your authenticator app.",
          "totpCode",
          "totp_required",
        );
      if (!(await acceptTotp(s, user, body.totpCode)))
        throw fail(
          "invalid_totp",
          "That code is wrong or was already used; enter the current code from your app.",
        );
    }
    limit.clear();
    await s.sessions.start(db, request, reply, user);
    return {
      csrfToken: s.sessions.csrfToken(request, reply),
      user: userView(user),
      account: (await getPortalAccount(db, user.accountId)) ?? null,
    };
  });

  app.post("/api/logout", async (request, reply) => {
    if (request.portal) {
      await endPortalSession(db, request.portal.userId, request.portal.sessionId, s.now());
      request.portal = undefined;
    }
    s.sessions.clearSessionCookie(request, reply);
    return { csrfToken: s.sessions.csrfToken(request, reply) };
  });

  app.post("/api/password/forgot", async (request, reply) => {
    const { email } = parseBody(emailBody, request.body);
    const limit = throttle("reset", email, s.clientIp(request));
    limit.hit();
    const user = await findPortalUserByEmail(db, email.trim());
    if (user) {
      await transaction(db, (tx) => mailUserLink(tx, user, "reset_password", mailReset));
    }
    return reply.code(202).send({ message: RESET_SENT });
  });

  app.post("/api/password/reset", async (request) => {
    const body = parseBody(resetBody, request.body);
    if (!looksLikeToken(body.token)) throw badToken();
    const hash = hashToken(body.token);
    const pending = await peekPortalToken(db, hash, "reset_password", s.now());
    if (!pending?.userId) throw badToken();
    const user = await getPortalUser(db, pending.accountId, pending.userId);
    if (!user) throw badToken();
    assertPasswordRules(body.password, user.email, "password");
    const passwordHash = await hashPassword(body.password);
    await transaction(db, async (tx) => {
      const now = s.now();
      if (!(await consumePortalToken(tx, hash, "reset_password", now))) throw badToken();
      await setPortalUserPassword(tx, user.id, passwordHash);
      // The link reached the inbox, which is what verification proves.
      await markPortalUserVerified(tx, user.id);
      await endPortalSessionsOf(tx, user.id, now);
      await auditCustomer(s, { userId: user.id }, { action: "user.password-reset", target: user.id }, tx);
    });
    return {
      message: "Your password is changed and every session is logged out. Log in with the new password.",
    };
  });

  app.post("/api/password/change", async (request) => {
    const principal = requirePortal(request);
    const body = parseBody(changeBody, request.body);
    const user = await getPortalUser(db, principal.accountId, principal.userId);
    if (!user)
      throw new ApiError(401, "authentication_error", "Log in to continue.", null, "not_authenticated");
    if (!(await checkPassword(user.passwordHash, body.currentPassword)))
      throw new ApiError(
        400,
        "invalid_request_error",
        "Your current password is wrong.",
        "currentPassword",
        "invalid_credentials",
      );
    assertPasswordRules(body.newPassword, user.email, "newPassword");
    const passwordHash = await hashPassword(body.newPassword);
    await transaction(db, async (tx) => {
      await setPortalUserPassword(tx, user.id, passwordHash);
      await endPortalSessionsOf(tx, user.id, s.now(), principal.sessionId);
      await auditCustomer(s, principal, { action: "user.password-change", target: user.id }, tx);
    });
    return { message: "Your password is changed; your other sessions are logged out." };
  });

  app.patch("/api/me", async (request) => {
    const principal = requirePortal(request);
    const { name } = parseBody(meBody, request.body);
    const user = await transaction(db, async (tx) => {
      const updated = await setPortalUserName(tx, principal.accountId, principal.userId, name);
      await auditCustomer(s, principal, { action: "user.profile-update", target: principal.userId }, tx);
      return updated;
    });
    if (!user)
      throw new ApiError(401, "authentication_error", "Log in to continue.", null, "not_authenticated");
    return { user: userView(user) };
  });

  sessionRoutes(app, s);
  totpRoutes(app, s);
}
