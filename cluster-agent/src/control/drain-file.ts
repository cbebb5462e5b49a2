import { open, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

/** An operator's drain as this node keeps it; times are epoch milliseconds. */
export interface DrainRecord {
  state: "draining" | "drained";
  by: string;
  reason: string;
  requestedAt: number;
  deadlineAt: number;
}

/** `<dataDir>/drain.json`: present while the node is draining or drained, absent while serving. */
export function drainFilePath(dataDir: string): string {
  return join(dataDir, "drain.json");
}

/**
 * The saved drain, or null when there is none. A file that exists but cannot be read or parsed yields
 * a drained record that says so: a node that cannot tell whether an operator took it out of service
 * stays out (fail closed) until someone looks and undrains it.
 */
export async function readDrainFile(path: string): Promise<DrainRecord | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    return unreadable(path, (error as Error).message);
  }
  try {
    const r = JSON.parse(text) as Partial<DrainRecord>;
    if (
      (r.state === "draining" || r.state === "drained") &&
      typeof r.by === "string" &&
      typeof r.reason === "string" &&
      typeof r.requestedAt === "number" &&
      typeof r.deadlineAt === "number"
    ) {
      return {
        state: r.state,
        by: r.by,
        reason: r.reason,
        requestedAt: r.requestedAt,
        deadlineAt: r.deadlineAt,
      };
    }
    return unreadable(path, "unexpected content");
  } catch (error) {
    return unreadable(path, (error as Error).message);
  }
}

function unreadable(path: string, why: string): DrainRecord {
  return {
    state: "drained",
    by: "unknown",
    reason: `the drain file ${path} could not be read (${why}); undrain to serve again`,
    requestedAt: 0,
    deadlineAt: 0,
  };
}

/**
 * Writes the record so that a crash at any moment leaves either the old file or the new one, never a
 * torn one: temp file, fsync, rename over, fsync the directory (so the rename itself is durable).
 */
export async function writeDrainFile(path: string, record: DrainRecord): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, "w", 0o600);
  try {
    await file.writeFile(`${JSON.stringify(record)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  await syncDir(dirname(path));
}

/** Removes the record durably: an undrain must not come back after a power cut. */
export async function removeDrainFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await syncDir(dirname(path));
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
