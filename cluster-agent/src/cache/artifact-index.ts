/**
 * The artifact cache's small index file: per artifact its size and last use (for LRU eviction across
 * restarts), and the pins that keep live and staged versions from being evicted. The files themselves
 * are the truth about what is cached: the index is reconciled with the directory at open.
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";

export type PinReason = "live" | "staged";
export const PIN_REASONS: readonly PinReason[] = ["live", "staged"];

export interface IndexEntry {
  size: number;
  /** Milliseconds since the epoch. */
  lastUsedAt: number;
}

export interface ArtifactIndex {
  entries: Map<string, IndexEntry>;
  /** By sha256; a pin may name an artifact not (yet) in the cache, so it is protected once it arrives. */
  pins: Map<string, Set<PinReason>>;
}

interface IndexFile {
  version: 1;
  entries: Record<string, IndexEntry>;
  pins: Record<string, PinReason[]>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function emptyIndex(): ArtifactIndex {
  return { entries: new Map(), pins: new Map() };
}

/**
 * Reads the index; a missing file is an empty index, an unreadable one is reported through `onCorrupt`
 * and treated as empty (entries are rebuilt from the directory; only last-use times and pins are lost).
 */
export async function loadIndex(path: string, onCorrupt: (reason: string) => void): Promise<ArtifactIndex> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyIndex();
    throw error;
  }
  const index = emptyIndex();
  try {
    const parsed = JSON.parse(text) as IndexFile;
    if (parsed.version !== 1) throw new Error(`unknown index version ${String(parsed.version)}`);
    for (const [hex, entry] of Object.entries(parsed.entries ?? {})) {
      if (SHA256_HEX.test(hex) && Number.isSafeInteger(entry.size) && Number.isFinite(entry.lastUsedAt))
        index.entries.set(hex, { size: entry.size, lastUsedAt: entry.lastUsedAt });
    }
    for (const [hex, reasons] of Object.entries(parsed.pins ?? {})) {
      const valid = reasons.filter((r) => PIN_REASONS.includes(r));
      if (SHA256_HEX.test(hex) && valid.length > 0) index.pins.set(hex, new Set(valid));
    }
  } catch (error) {
    onCorrupt((error as Error).message);
    return emptyIndex();
  }
  return index;
}

/** Replaces the index file atomically: a crash leaves the old or the new one, never half of one. */
export async function saveIndex(path: string, index: ArtifactIndex): Promise<void> {
  const data: IndexFile = {
    version: 1,
    entries: Object.fromEntries([...index.entries].sort(([a], [b]) => a.localeCompare(b))),
    pins: Object.fromEntries(
      [...index.pins].filter(([, r]) => r.size > 0).map(([hex, r]) => [hex, [...r].sort()]),
    ),
  };
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(data, null, 1)}\n`);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
