import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

const MIN_PEPPER_BYTES = 32;

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
