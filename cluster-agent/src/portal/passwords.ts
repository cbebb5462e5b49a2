// Passwords: argon2id hashes only (the privacy policy promises an encrypted hash, never the password),
// and rules a customer can read in the refusal.
import type { Algorithm } from "@node-rs/argon2";
import { hash, verify } from "@node-rs/argon2";
import { ApiError } from "../common/errors.js";

// `Algorithm` is a const enum the package does not ship at runtime (isolatedModules cannot inline it):
// 2 is Argon2id. The library's defaults for memory (19 MiB), time (2) and lanes (1) are OWASP's.
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/**
 * Compares a password with a stored hash. Without a hash (an unknown email) a dummy hash is verified
 * anyway, so the answer takes as long and an attacker cannot tell registered addresses by the clock.
 */
export async function checkPassword(stored: string | undefined, password: string): Promise<boolean> {
  try {
    const ok = await verify(stored ?? (await dummyHash()), password);
    return stored !== undefined && ok;
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(`entrim-dummy-${Math.random()}`);
  return dummy;
}

/** Refuses a password the rules do not allow: 12–200 characters and not the email address. */
export function assertPasswordRules(password: string, email: string, param: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX)
    throw new ApiError(
      400,
      "invalid_request_error",
      `Choose a password of ${PASSWORD_MIN} to ${PASSWORD_MAX} characters; a few unrelated words make a good one.`,
      param,
      "invalid_password",
    );
  if (password.trim().toLowerCase() === email.trim().toLowerCase())
    throw new ApiError(
      400,
      "invalid_request_error",
      "Your password cannot be your email address; choose another.",
      param,
      "invalid_password",
    );
}
