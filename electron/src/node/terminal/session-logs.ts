// Where a terminal's session log goes: always a new file in the console's own folder, named by the Node
// side from the node and the time. The renderer only asks for a log; it never names a path, so a
// compromised page cannot append ssh output to ~/.bashrc or anywhere else on the operator's machine.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * A file name for one session's log: the node name reduced to letters, digits, `.`, `_` and `-` (no
 * separator, no leading dot, so never `..`), a UTC timestamp and a random suffix (two tabs to one node
 * in the same second get two files).
 */
export function sessionLogName(
  node: string,
  now: Date = new Date(),
  suffix = randomBytes(3).toString("hex"),
) {
  const safe =
    node
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .replace(/^[._-]+/, "")
      .slice(0, 64) || "node";
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${safe}-${stamp}-${suffix}.log`;
}

/** The path of a new session log for `node` in `dir` (created owner-only when missing). */
export function newSessionLogPath(dir: string, node: string, now?: Date): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, sessionLogName(node, now));
}
