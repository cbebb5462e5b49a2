// Shapes shared by the identity routes: the user as the app sees it, the sign-up consent fields, and
// the refusal of a version that is not the one in force.
import { z } from "zod";
import { ApiError } from "../common/errors.js";
import type { PortalConfig } from "../config/portal.js";
import type { Db } from "../store/db.js";
import { currentLegalVersions } from "../store/legal-documents.js";
import type { PortalUser } from "../store/portal-users.js";

export function userView(user: PortalUser) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    totpEnabled: user.totpEnabledAt !== null,
  };
}

export const nameField = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters");
export const emailField = z
  .string()
  .trim()
  .max(320, "must be at most 320 characters")
  .regex(/^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/, "must be an email address such as name@example.eu");
export const passwordField = z.string().max(1000, "is too long");

const mustAccept = (what: string) => z.literal(true, { error: `must be true: ${what}` });

export const consentFields = {
  acceptTerms: mustAccept("accept the terms of service to continue"),
  acceptPrivacy: mustAccept("accept the privacy policy to continue"),
  ageConfirmed: mustAccept("confirm that you are 18 or older"),
  termsVersion: z.string().max(64),
  privacyVersion: z.string().max(64),
};

/**
 * The versions accepted must be the ones in force (the newest published ones whose date has come, else
 * the config's): an old page must be reloaded, not silently upgraded.
 */
export async function assertCurrentVersions(
  db: Db,
  config: PortalConfig,
  body: { termsVersion: string; privacyVersion: string },
  now: Date,
): Promise<void> {
  const current = await currentLegalVersions(db, config.legal, now);
  for (const [param, sent, inForce, what] of [
    ["termsVersion", body.termsVersion, current.terms.version, "terms of service"],
    ["privacyVersion", body.privacyVersion, current.privacy.version, "privacy policy"],
  ] as const) {
    if (sent !== inForce)
      throw new ApiError(
        400,
        "invalid_request_error",
        `The ${what} changed (now version ${inForce}): reload the page, read it and accept the current version.`,
        param,
        "outdated_version",
      );
  }
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
