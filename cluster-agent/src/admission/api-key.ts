import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmod, link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

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
const MIN_PEPPER_BYTES = 32;

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

export interface PepperSource {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The pepper is the server secret under which key HMACs are computed. Every agent of a cluster must
 * use the same one (set ENTRIM_KEY_PEPPER to the same value everywhere, or copy `<dataDir>/key-pepper`),
 * otherwise a key created through one agent is unknown to the others. Losing it invalidates every key.
 * A single node without the variable gets a random pepper file on first use.
 */
export async function loadPepper({ dataDir, env = process.env }: PepperSource): Promise<Buffer> {
  const fromEnv = env.ENTRIM_KEY_PEPPER?.trim();
  if (fromEnv) return decodePepper(fromEnv, "ENTRIM_KEY_PEPPER");
  const file = join(dataDir, "key-pepper");
  // 0711: the embedded PostgreSQL's unprivileged user must be able to traverse the data dir.
  await mkdir(dataDir, { recursive: true, mode: 0o711 });
  // Written whole to a private temporary file, then linked into place: link() fails if the pepper
  // already exists, so a concurrent process either wins or reads the winner's complete file, never a
  // half-written one.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const handle = await open(temporary, "wx", 0o600);
    try {
      await handle.writeFile(`${randomBytes(MIN_PEPPER_BYTES).toString("base64")}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temporary, 0o600);
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw pepperFileError(file, error);
  } finally {
    await unlink(temporary).catch(() => {});
  }
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `The key pepper file ${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\`.`,
    );
  }
  return decodePepper((await readFile(file, "utf8")).trim(), file);
}

/** Hex when it looks like hex, base64 (or base64url) otherwise; at least 32 bytes either way. */
export function decodePepper(text: string, source: string): Buffer {
  const isHex = text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text);
  const bytes = isHex ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  if (!isHex && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new Error(`The key pepper in ${source} is neither hex nor base64.`);
  }
  if (bytes.length < MIN_PEPPER_BYTES) {
    throw new Error(
      `The key pepper in ${source} is ${bytes.length} bytes; it must be at least ${MIN_PEPPER_BYTES} random bytes (hex or base64), e.g. \`openssl rand -base64 32\`.`,
    );
  }
  return bytes;
}

function pepperFileError(file: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EROFS" || code === "EPERM") {
    return new Error(
      `Cannot create the key pepper file ${file} (${code}): the data directory is not writable.`,
    );
  }
  return error as Error;
}
