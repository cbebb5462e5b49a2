// Optional TOTP two-factor: set up (a pending secret), enable with a first code, disable with the
// password and a code. Every accepted code's time step is stored and a code of that step or an older
// one is refused, so a code works once.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError } from "../common/errors.js";
import { transaction } from "../store/db.js";
import {
  acceptTotpStep,
  clearTotp,
  getPortalUser,
  type PortalUser,
  setPendingTotp,
} from "../store/portal-users.js";
import { parseBody } from "./body.js";
import { auditCustomer, type PortalPrincipal, requirePortal } from "./context.js";
import { checkPassword } from "./passwords.js";
import { openTotpSecret, sealTotpSecret } from "./secrets.js";
import type { PortalServices } from "./server.js";
import { matchTotp, newTotpSecret, totpUri } from "./totp.js";

const codeBody = z.object({ code: z.string().max(16) }).strict();
const disableBody = z.object({ password: z.string().max(1000), code: z.string().max(16) }).strict();

/** Checks a code against the user's secret and records its step; false for a wrong or replayed code. */
export async function acceptTotp(
  s: Pick<PortalServices, "pepper" | "now" | "store">,
  user: PortalUser,
  code: string,
  options: { enable?: boolean } = {},
): Promise<boolean> {
  if (!user.totpSecret) return false;
  const step = await matchTotp(openTotpSecret(s.pepper, user.totpSecret), code.trim(), s.now());
  if (step === undefined) return false;
  return acceptTotpStep(s.store.pool, user.id, step, options);
}

function invalidCode(): ApiError {
  return new ApiError(
    400,
    "invalid_request_error",
    "That code is wrong or was already used; enter the current code from your authenticator app.",
    "code",
    "invalid_totp",
  );
}

export function totpRoutes(app: FastifyInstance, s: PortalServices): void {
  const db = s.store.pool;
  const me = async (principal: PortalPrincipal) => {
    const user = await getPortalUser(db, principal.accountId, principal.userId);
    if (!user)
      throw new ApiError(401, "authentication_error", "Log in to continue.", null, "not_authenticated");
    return user;
  };

  app.post("/api/totp/setup", async (request) => {
    const principal = requirePortal(request);
    const user = await me(principal);
    if (user.totpEnabledAt)
      throw new ApiError(
        409,
        "invalid_request_error",
        "Two-factor authentication is already on; turn it off first to set up a new app.",
        null,
        "conflict",
      );
    const secret = newTotpSecret();
    await setPendingTotp(db, user.id, sealTotpSecret(s.pepper, secret));
    return { secret, otpauthUrl: totpUri(secret, s.config.branding.productName, user.email) };
  });

  app.post("/api/totp/enable", async (request) => {
    const principal = requirePortal(request);
    const { code } = parseBody(codeBody, request.body);
    const user = await me(principal);
    if (user.totpEnabledAt || !user.totpSecret)
      throw new ApiError(
        409,
        "invalid_request_error",
        user.totpEnabledAt
          ? "Two-factor authentication is already on."
          : "Set up two-factor authentication first.",
        null,
        "conflict",
      );
    if (!(await acceptTotp(s, user, code, { enable: true }))) throw invalidCode();
    await auditCustomer(s, principal, { action: "user.totp-enable", target: user.id });
    return { message: "Two-factor authentication is on: you will need a code from your app to log in." };
  });

  app.post("/api/totp/disable", async (request) => {
    const principal = requirePortal(request);
    const body = parseBody(disableBody, request.body);
    const user = await me(principal);
    if (!user.totpEnabledAt)
      throw new ApiError(
        409,
        "invalid_request_error",
        "Two-factor authentication is not on.",
        null,
        "conflict",
      );
    if (!(await checkPassword(user.passwordHash, body.password)))
      throw new ApiError(
        400,
        "invalid_request_error",
        "Your password is wrong.",
        "password",
        "invalid_credentials",
      );
    if (!(await acceptTotp(s, user, body.code))) throw invalidCode();
    await transaction(db, async (tx) => {
      await clearTotp(tx, user.id);
      await auditCustomer(s, principal, { action: "user.totp-disable", target: user.id }, tx);
    });
    return { message: "Two-factor authentication is off." };
  });
}
