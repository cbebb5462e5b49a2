// The portal's secrets: one-time tokens (cookies and emailed links) and the sealed TOTP secret. Tokens
// are 256 random bits, shown to the browser once and stored only as SHA-256; the TOTP secret must be
// read back to check codes, so it is sealed with AES-256-GCM under a key derived from the pepper.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";

/** A fresh token (base64url, 43 characters) and the hash that is stored. */
export function newToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** Whether a string could be one of our tokens; anything else is refused before any lookup. */
export function looksLikeToken(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}

function derive(pepper: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", pepper, Buffer.alloc(0), info, 32));
}

const TOTP_INFO = "entrim portal totp";
const CSRF_INFO = "entrim portal csrf";

/** nonce (12) ‖ ciphertext ‖ tag (16), as the migration describes the column. */
export function sealTotpSecret(pepper: Buffer, secret: string): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(pepper, TOTP_INFO), nonce);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function openTotpSecret(pepper: Buffer, sealed: Buffer): string {
  const decipher = createDecipheriv("aes-256-gcm", derive(pepper, TOTP_INFO), sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]).toString(
    "utf8",
  );
}

/**
 * The CSRF token: a keyed hash of the double-submit cookie and the session cookie as the browser holds
 * them, so a token is worthless with another browser's cookies, and it changes exactly when the
 * session cookie does (login, logout), not when a session expires on the server.
 */
export function csrfKey(pepper: Buffer): Buffer {
  return derive(pepper, CSRF_INFO);
}

export function csrfTokenFor(key: Buffer, csrfCookie: string, sessionCookie: string | undefined): string {
  return createHmac("sha256", key)
    .update(`${csrfCookie}|${sessionCookie ?? "-"}`)
    .digest("base64url");
}
