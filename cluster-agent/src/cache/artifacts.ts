/**
 * The node's on-disk cache of model artifacts, addressed by sha256 (`<dir>/sha256/<hex>`): two versions
 * with the same bytes share one file. Bounded in bytes with least-recently-used eviction that never
 * touches a pinned (live or staged) artifact. Nothing reaches `sha256/` unverified: downloads land in
 * `tmp/`, are hashed while written and renamed into place only when hash and size match; a cached file
 * is hashed again the first time it is used after a start, because the disk may have changed meanwhile.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Dispatcher } from "undici";
import type { Logger } from "../common/log.js";
import { acquireFileLock } from "../store/file-lock.js";
import { type ArtifactIndex, emptyIndex, loadIndex, type PinReason, saveIndex } from "./artifact-index.js";
import { createDispatcher, hashFile, openSource, redactUri, syncDir, writeVerified } from "./fetch.js";

export type { PinReason } from "./artifact-index.js";

export interface ArtifactCacheOptions {
  dir: string;
  maxBytes: number;
  logger?: Logger | undefined;
  /** Base URL of a peer agent by node name, for agent://<node>/<sha256> URIs. */
  peerUrl?: ((node: string) => string | undefined) | undefined;
  /** A download that sends nothing for this long is abandoned (default 60 s). */
  idleTimeoutMs?: number | undefined;
  /** How long to wait for another process to release the cache directory (default 10 s). */
  lockTimeoutMs?: number | undefined;
  /**
   * HTTP client for http(s) and agent:// fetches, e.g. one with the cluster's mTLS settings for peers;
   * by default a plain undici Agent with `idleTimeoutMs` and redirects followed. A given one is not closed.
   */
  dispatcher?: Dispatcher | undefined;
  /** HTTP client per peer node for agent:// URIs, checking the peer's identity (cache/peers.ts). */
  peerDispatcher?: ((node: string) => Dispatcher) | undefined;
  /** Clock for last-use times; tests pass their own. */
  now?: (() => number) | undefined;
}

export interface ArtifactRef {
  /** file:, http:, https:, agent://<node>/<sha256>, or an absolute path. */
  uri: string;
  sha256: string;
  size: number;
}

export interface StagedArtifact {
  path: string;
  sha256: string;
  size: number;
  /** False when the cache already held it. */
  fetched: boolean;
}

export interface CacheEntry {
  sha256: string;
  size: number;
  lastUsedAt: Date;
  pins: PinReason[];
  /** Hashed since this cache was opened. */
  verified: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class ArtifactCache {
  readonly dir: string;
  readonly maxBytes: number;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  readonly #indexPath: string;
  readonly #filesDir: string;
  readonly #tmpDir: string;
  readonly #dispatcher: Dispatcher;
  readonly #options: ArtifactCacheOptions;
  #index: ArtifactIndex = emptyIndex();
  #opening: Promise<void> | undefined;
  #unlock: (() => Promise<void>) | undefined;
  #closed = false;
  readonly #verified = new Set<string>();
  /** Work on one artifact (verify, fetch) in progress: concurrent callers share it. */
  readonly #inflight = new Map<string, Promise<StagedArtifact | undefined>>();
  /** Bytes promised to downloads in progress, so parallel downloads cannot overfill the cache together. */
  #reserved = 0;
  #saving: Promise<void> = Promise.resolve();

  constructor(options: ArtifactCacheOptions) {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes <= 0)
      throw new Error(`maxBytes must be a positive whole number (got ${options.maxBytes}).`);
    this.#options = options;
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
    this.#indexPath = join(options.dir, "index.json");
    this.#filesDir = join(options.dir, "sha256");
    this.#tmpDir = join(options.dir, "tmp");
    this.#dispatcher = options.dispatcher ?? createDispatcher(options.idleTimeoutMs ?? 60_000);
  }

  /** Takes the directory for this process and reconciles the index with it; every method calls it. */
  open(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`The artifact cache ${this.dir} is closed.`));
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<void> {
    await mkdir(this.#filesDir, { recursive: true });
    try {
      // One process owns the directory: two writers of index.json would lose each other's pins.
      this.#unlock = await acquireFileLock(join(this.dir, "lock"), this.#options.lockTimeoutMs ?? 10_000);
    } catch (error) {
      throw new Error(
        `The artifact cache ${this.dir} is in use by another process (a running agent?): ${(error as Error).message}`,
      );
    }
    // Partial downloads of a previous run are never resumed: their bytes were not verified.
    await rm(this.#tmpDir, { recursive: true, force: true });
    await mkdir(this.#tmpDir, { recursive: true });
    this.#index = await loadIndex(this.#indexPath, (reason) =>
      this.#log?.warn(
        { dir: this.dir, reason },
        "artifact cache index unreadable; rebuilding it from the files",
      ),
    );
    const onDisk = new Map<string, { size: number; mtimeMs: number }>();
    for (const name of await readdir(this.#filesDir)) {
      const info = await stat(join(this.#filesDir, name));
      if (SHA256_HEX.test(name) && info.isFile())
        onDisk.set(name, { size: info.size, mtimeMs: info.mtimeMs });
      else this.#log?.warn({ dir: this.#filesDir, name }, "ignoring a file that is not a cached artifact");
    }
    for (const hex of this.#index.entries.keys()) if (!onDisk.has(hex)) this.#index.entries.delete(hex);
    for (const [hex, file] of onDisk) {
      // A file renamed in just before a crash has no entry yet; its mtime is the best last-use guess.
      const entry = this.#index.entries.get(hex);
      this.#index.entries.set(hex, { size: file.size, lastUsedAt: entry?.lastUsedAt ?? file.mtimeMs });
    }
    await this.#save();
  }

  /** Path of an artifact's file (whether or not it is cached). */
  pathOf(sha256: string): string {
    return join(this.#filesDir, sha256);
  }

  /**
   * Makes the artifact available locally and returns its path: the cached file when present and
   * verified, else fetched. `pin` pins it before anything else happens, so it cannot be evicted between
   * arriving and being pinned.
   */
  async stage(ref: ArtifactRef, options: { pin?: PinReason } = {}): Promise<StagedArtifact> {
    const sha256 = checkRef(ref);
    await this.open();
    const pinned = options.pin !== undefined && this.#index.pins.get(sha256)?.has(options.pin) === true;
    if (options.pin && !pinned) await this.pin(sha256, options.pin);
    try {
      const staged = await this.#shared(sha256, { ...ref, sha256 });
      return staged!;
    } catch (error) {
      if (options.pin && !pinned) await this.unpin(sha256, options.pin).catch(() => {});
      throw error;
    }
  }

  /** A cached, verified artifact's path and size (verifying it first if needed), or undefined. */
  async lookup(hex: string): Promise<{ path: string; size: number } | undefined> {
    const sha256 = hex.toLowerCase();
    if (!SHA256_HEX.test(sha256)) return undefined;
    await this.open();
    const found = await this.#shared(sha256, undefined).catch(() => undefined);
    return found && { path: found.path, size: found.size };
  }

  /** Keeps an artifact (cached or still to come) from eviction until unpinned for the same reason. */
  async pin(hex: string, reason: PinReason): Promise<void> {
    const sha256 = hex.toLowerCase();
    if (!SHA256_HEX.test(sha256)) throw new Error(`"${hex}" is not a sha256 (64 hex characters).`);
    await this.open();
    const reasons = this.#index.pins.get(sha256) ?? new Set<PinReason>();
    reasons.add(reason);
    this.#index.pins.set(sha256, reasons);
    await this.#save();
  }

  async unpin(hex: string, reason: PinReason): Promise<void> {
    const sha256 = hex.toLowerCase();
    await this.open();
    const reasons = this.#index.pins.get(sha256);
    if (!reasons?.delete(reason)) return;
    if (reasons.size === 0) this.#index.pins.delete(sha256);
    await this.#save();
  }

  async entries(): Promise<CacheEntry[]> {
    await this.open();
    return [...this.#index.entries].map(([sha256, entry]) => ({
      sha256,
      size: entry.size,
      lastUsedAt: new Date(entry.lastUsedAt),
      pins: [...(this.#index.pins.get(sha256) ?? [])].sort(),
      verified: this.#verified.has(sha256),
    }));
  }

  /** Bytes held by cached files plus bytes promised to downloads in progress. */
  usedBytes(): number {
    let used = this.#reserved;
    for (const entry of this.#index.entries.values()) used += entry.size;
    return used;
  }

  /** Waits for work in progress to settle, writes the index and releases the directory. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inflight.values()]);
    await this.#opening?.catch(() => {});
    await this.#saving;
    if (!this.#options.dispatcher) await this.#dispatcher.close();
    await this.#unlock?.();
  }

  /** Runs one artifact's work once for all concurrent callers; a lookup never starts a download. */
  #shared(sha256: string, ref: ArtifactRef | undefined): Promise<StagedArtifact | undefined> {
    const running = this.#inflight.get(sha256);
    // A lookup in progress may end with nothing cached; a stage waiting on it then fetches after all.
    if (running) return running.then((result) => (result || !ref ? result : this.#shared(sha256, ref)));
    const task = this.#work(sha256, ref).finally(() => this.#inflight.delete(sha256));
    this.#inflight.set(sha256, task);
    return task;
  }

  async #work(sha256: string, ref: ArtifactRef | undefined): Promise<StagedArtifact | undefined> {
    const path = this.pathOf(sha256);
    const entry = this.#index.entries.get(sha256);
    if (entry && ref && entry.size !== ref.size)
      throw new Error(
        `size mismatch: the cached artifact ${sha256} is ${entry.size} bytes, expected ${ref.size}; the catalogue entry is wrong.`,
      );
    if (entry && !this.#verified.has(sha256)) {
      const actual = await hashFile(path).catch((error: Error) => ({ sha256: error.message, size: -1 }));
      if (actual.sha256 === sha256 && actual.size === entry.size) this.#verified.add(sha256);
      else {
        this.#log?.warn({ sha256, got: actual.sha256 }, "cached artifact failed verification; removing it");
        this.#index.entries.delete(sha256);
        await rm(path, { force: true });
        await this.#save();
      }
    }
    if (this.#verified.has(sha256) && this.#index.entries.has(sha256)) {
      const size = this.#touch(sha256);
      await this.#save();
      return { path, sha256, size, fetched: false };
    }
    if (!ref) return undefined;
    await this.#fetch(ref);
    return { path, sha256, size: ref.size, fetched: true };
  }

  async #fetch(ref: ArtifactRef): Promise<void> {
    const evicted = this.#reserve(ref.sha256, ref.size);
    const tmp = join(this.#tmpDir, `${ref.sha256}.${randomBytes(6).toString("hex")}.part`);
    const started = this.#now();
    try {
      // The space is only really free once the evicted files are gone.
      await Promise.all(evicted);
      const source = await openSource(ref.uri, ref, {
        peerUrl: this.#options.peerUrl,
        dispatcher: this.#dispatcher,
        peerDispatcher: this.#options.peerDispatcher,
        idleTimeoutMs: this.#options.idleTimeoutMs ?? 60_000,
      });
      await writeVerified(source, tmp, ref);
      // Read-only: a cached artifact is never edited in place, and a stray write would be caught late.
      await chmod(tmp, 0o444);
      await rename(tmp, this.pathOf(ref.sha256));
      await syncDir(this.#filesDir);
    } catch (error) {
      await rm(tmp, { force: true });
      throw new Error(`Cannot stage ${ref.sha256} from ${redactUri(ref.uri)}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      this.#reserved -= ref.size;
    }
    this.#index.entries.set(ref.sha256, { size: ref.size, lastUsedAt: this.#now() });
    this.#verified.add(ref.sha256);
    await this.#save();
    this.#log?.info({ sha256: ref.sha256, bytes: ref.size, ms: this.#now() - started }, "artifact staged");
  }

  /**
   * Makes room for `size` more bytes by evicting unpinned, idle artifacts, least recently used first.
   * Everything up to the reservation happens synchronously, so two downloads never count the same space.
   */
  #reserve(sha256: string, size: number): Promise<void>[] {
    const free = () => this.maxBytes - this.usedBytes();
    if (size > this.maxBytes)
      throw new Error(
        `Cannot stage ${sha256}: it is ${size} bytes, more than the whole artifact cache (${this.maxBytes} bytes); raise artifacts.maxBytes.`,
      );
    const victims = [...this.#index.entries]
      .filter(([hex]) => !this.#index.pins.get(hex)?.size && !this.#inflight.has(hex))
      .sort(([, a], [, b]) => a.lastUsedAt - b.lastUsedAt);
    const chosen: string[] = [];
    let reclaimable = 0;
    for (const [hex, entry] of victims) {
      if (free() + reclaimable >= size) break;
      chosen.push(hex);
      reclaimable += entry.size;
    }
    if (free() + reclaimable < size)
      throw new Error(
        `Cannot stage ${sha256}: it needs ${size} bytes but only ${free() + reclaimable} of ${this.maxBytes} can be freed; ` +
          `the rest is pinned (live or staged versions) or being downloaded. Free ${size - free() - reclaimable} more bytes or raise artifacts.maxBytes.`,
      );
    this.#reserved += size;
    return chosen.map((hex) => {
      this.#index.entries.delete(hex);
      this.#verified.delete(hex);
      this.#log?.info({ sha256: hex }, "evicting least recently used artifact");
      // The file goes after its entry: a crash in between leaves a file the next open re-adopts.
      return rm(this.pathOf(hex), { force: true }).catch((error: Error) =>
        this.#log?.warn({ sha256: hex, err: error.message }, "cannot remove evicted artifact"),
      );
    });
  }

  #touch(sha256: string): number {
    const entry = this.#index.entries.get(sha256)!;
    entry.lastUsedAt = this.#now();
    return entry.size;
  }

  /** Writes the index after earlier writes, so the newest state always lands last. */
  #save(): Promise<void> {
    // A lost index write costs last-use times at worst (the files are the truth), so it only warns.
    this.#saving = this.#saving
      .then(() => saveIndex(this.#indexPath, this.#index))
      .catch((error: Error) =>
        this.#log?.warn({ dir: this.dir, err: error.message }, "cannot write the artifact cache index"),
      );
    return this.#saving;
  }
}

function checkRef(ref: ArtifactRef): string {
  const sha256 = ref.sha256.toLowerCase();
  if (!SHA256_HEX.test(sha256)) throw new Error(`"${ref.sha256}" is not a sha256 (64 hex characters).`);
  if (!Number.isSafeInteger(ref.size) || ref.size <= 0)
    throw new Error(`The size must be a whole number of bytes above 0 (got ${ref.size}).`);
  return sha256;
}
