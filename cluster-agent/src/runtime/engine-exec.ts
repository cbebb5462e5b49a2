/**
 * Which programs a node runs as engines, and as whom. The catalogue names an engine's command, but a
 * catalogue entry is cluster data any admin writes: a node starts only executables its own
 * configuration allows (engines.allowedExecutables), found on its own PATH and compared after every
 * symbolic link is resolved, so neither a PATH in the catalogue's env nor a link planted in an allowed
 * place can swap in another program.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, sep } from "node:path";

/** Thrown when an engine may not be started; the message says what to change. */
export class EngineRefused extends Error {
  override name = "EngineRefused";
}

export interface ResolvedExecutable {
  /** The program as found: an absolute path, links not resolved (what the engine sees as argv[0]). */
  found: string;
  /** The same with every link resolved: what is compared with the allowlist and started. */
  real: string;
}

function executableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds a command's executable the way a shell would, but on the PATH the node's configuration gives
 * engines, never one the catalogue sets. A relative path with a slash is refused: it would depend on
 * the agent's working directory.
 */
export function resolveExecutable(file: string, path: string): ResolvedExecutable {
  let found: string | undefined;
  if (isAbsolute(file)) found = executableFile(file) ? file : undefined;
  else if (file.includes("/"))
    throw new EngineRefused(
      `the engine's executable "${file}" is a relative path; name it by its absolute path.`,
    );
  else {
    for (const dir of path.split(delimiter)) {
      if (!isAbsolute(dir)) continue;
      const candidate = join(dir, file);
      if (executableFile(candidate)) {
        found = candidate;
        break;
      }
    }
  }
  if (found === undefined)
    throw new EngineRefused(
      `the engine's executable "${file}" was not found${isAbsolute(file) ? "" : ` on the engines' PATH (${path})`} ` +
        "or is not executable.",
    );
  return { found, real: realpathSync(found) };
}

/**
 * Resolves an allowlist entry: a file allows that program, a directory (the entry may end in /)
 * allows every program below it. Entries that do not exist allow nothing.
 */
function allows(entry: string, real: string): boolean {
  let resolved: string;
  try {
    resolved = realpathSync(entry);
  } catch {
    return false;
  }
  if (resolved === real) return true;
  try {
    return (
      statSync(resolved).isDirectory() && real.startsWith(resolved.endsWith(sep) ? resolved : resolved + sep)
    );
  } catch {
    return false;
  }
}

/**
 * Resolves a command's executable and checks it against the node's allowlist; throws EngineRefused
 * saying which configuration entry would allow it.
 */
export function allowedExecutable(
  file: string,
  path: string,
  allowed: readonly string[],
): ResolvedExecutable {
  const resolved = resolveExecutable(file, path);
  if (!allowed.some((entry) => allows(entry, resolved.real)))
    throw new EngineRefused(
      `the engine's executable ${resolved.real}${resolved.real === file ? "" : ` (from "${file}")`} is not ` +
        "allowed on this node: add it (or its directory) to engines.allowedExecutables in the node's " +
        "configuration if this node should run it.",
    );
  return resolved;
}

export interface EngineUser {
  uid: number;
  gid: number;
  home: string;
  /** For messages: "nobody:nogroup". */
  name: string;
}

function getent(database: "passwd" | "group", key: string): string[] | undefined {
  try {
    const line = execFileSync("getent", [database, key], { encoding: "utf8" }).split("\n")[0] ?? "";
    return line.length > 0 ? line.split(":") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The user (and group) engines run as, looked up through the system's user database (getent, so
 * LDAP and sssd users count). Only root can start a process as another user; any other agent gets an
 * error that says so rather than an EPERM at the first start.
 */
export function engineUser(
  user: string,
  group: string | undefined,
  isRoot = process.getuid?.() === 0,
): EngineUser {
  if (!isRoot)
    throw new EngineRefused(
      `engines.user is "${user}", but the agent does not run as root, so it cannot start engines as ` +
        "another user: run the agent as root, or remove engines.user and run the agent itself as the user " +
        "engines should have.",
    );
  const pw = getent("passwd", user);
  if (pw === undefined || pw.length < 6)
    throw new EngineRefused(`engines.user "${user}" is not a user on this machine (getent passwd ${user}).`);
  const uid = Number(pw[2]);
  let gid = Number(pw[3]);
  let groupName = String(gid);
  if (group !== undefined) {
    const gr = getent("group", group);
    if (gr === undefined || gr.length < 3)
      throw new EngineRefused(
        `engines.group "${group}" is not a group on this machine (getent group ${group}).`,
      );
    gid = Number(gr[2]);
    groupName = gr[0] ?? group;
  } else {
    groupName = getent("group", String(gid))?.[0] ?? groupName;
  }
  if (uid === 0)
    throw new EngineRefused(
      `engines.user "${user}" is root: name an unprivileged user, or remove engines.user.`,
    );
  return { uid, gid, home: pw[5] ?? "/", name: `${pw[0]}:${groupName}` };
}
