import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys look like `sk-entrim-<id>-<secret>`. The id is public (it names the key in logs, the
 * console and the database); the secret is 256 random bits and never leaves the customer except as a
 * bearer token. The store keeps only HMAC-SHA256(secret) under a cluster-wide pepper: a leaked
 * database dump alone cannot be turned back into usable keys. A fast MAC is right here because the
 * secret has full entropy; slow password hashes exist for low-entropy human passwords.
 */
export const API_KEY_PREFIX = "sk-entrim-";
export const API_KEY_ID_LENGTH = 12;
/** 32 bytes in unpadded base64url. */
export const API_KEY_SECRET_LENGTH = 43;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + API_KEY_ID_LENGTH + 1 + API_KEY_SECRET_LENGTH;

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

export interface GeneratedApiKey {
  id: string;
  secret: string;
  /** The full bearer token; show it to the customer once and then forget it. */
  token: string;
}

export function generateApiKey(): GeneratedApiKey {
  // 256 is a multiple of 32, so masking a random byte keeps every id character uniform.
  const idBytes = randomBytes(API_KEY_ID_LENGTH);
  let id = "";
  for (const byte of idBytes) id += ID_ALPHABET[byte & 31];
  const secret = randomBytes(32).toString("base64url");
  return { id, secret, token: `${API_KEY_PREFIX}${id}-${secret}` };
}

export function isApiKeyId(value: string): boolean {
  if (value.length !== API_KEY_ID_LENGTH) return false;
  for (let i = 0; i < value.length; i++) if (!isIdChar(value.charCodeAt(i))) return false;
  return true;
}

/**
 * Splits a token into id and secret, or null when it is not exactly one of our keys. A linear scan
 * over a fixed-length string: no regular expression, so hostile input cannot make it slow.
 */
export function parseApiKey(token: string): { id: string; secret: string } | null {
  if (token.length !== API_KEY_LENGTH || !token.startsWith(API_KEY_PREFIX)) return null;
  const idEnd = API_KEY_PREFIX.length + API_KEY_ID_LENGTH;
  if (token.charCodeAt(idEnd) !== 0x2d) return null;
  for (let i = API_KEY_PREFIX.length; i < idEnd; i++) if (!isIdChar(token.charCodeAt(i))) return null;
  for (let i = idEnd + 1; i < token.length; i++) if (!isBase64UrlChar(token.charCodeAt(i))) return null;
  // The last of 43 characters carries 2 padding bits that a real 32-byte encoding leaves at zero;
  // refusing other values keeps exactly one textual form per secret.
  if ((BASE64URL.indexOf(token[token.length - 1]!) & 3) !== 0) return null;
  return { id: token.slice(API_KEY_PREFIX.length, idEnd), secret: token.slice(idEnd + 1) };
}

export function hashSecret(secret: string, pepper: Buffer): Buffer {
  return createHmac("sha256", pepper).update(secret).digest();
}

export function verifySecret(secret: string, hmac: Buffer, pepper: Buffer): boolean {
  const actual = hashSecret(secret, pepper);
  // timingSafeEqual throws on a length mismatch; a malformed stored value simply does not match.
  return hmac.length === actual.length && timingSafeEqual(actual, hmac);
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function isIdChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x32 && c <= 0x37);
}

function isBase64UrlChar(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x5f
  );
}
