import { mkdirSync, readdirSync, statSync, writeSync } from "node:fs";
import { type FileHandle, open, readFile, rename, rm, truncate } from "node:fs/promises";
import { join } from "node:path";
import type { UsageEvent } from "../domain/usage-event.js";
import { encodeRecord } from "./record.js";

/** Where the shipper has got to: every record before `offset` in segment `segment` is in the store. */
export interface SpoolCursor {
  segment: number;
  offset: number;
}

export interface SpoolOptions {
  dir: string;
  /** Records written within this window share one fsync (group commit). */
  fsyncIntervalMs: number;
  /**
   * What an append waits for. "write" (default): the record is in the operating system's hands, so it
   * survives the agent being killed (kill -9, OOM, crash) and costs microseconds; a power loss can
   * take the last fsyncIntervalMs of records. "fsync": the record is on the disk, surviving power loss
   * too, at the cost of up to one fsync interval of latency on every response's last byte.
   */
  durability?: "write" | "fsync";
  /** A segment is sealed and a new one begun once it reaches this size. */
  segmentBytes: number;
  /** Unshipped bytes beyond which new requests are refused (see Meter.ensureCapacity). */
  maxBytes: number;
}

/** Why the spool cannot take records now: the disk's error code (ENOSPC, EDQUOT, EIO…) and since when. */
export interface SpoolFailure {
  code: string;
  since: number;
}

/**
 * What a probe writes to learn that the disk takes records again: room for a few hundred records, so a
 * disk with a few bytes free does not flap between refusing and failing appends.
 */
const PROBE_BYTES = 64 * 1024;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Batch {
  buffers: Buffer[];
  bytes: number;
  waiters: Waiter[];
}

const SEGMENT = /^(\d{12})\.seg$/;

/**
 * A tick's records go to the file with one synchronous write when nothing else holds it: a write of a
 * few kilobytes into the page cache takes microseconds, where a thread-pool round trip added a few
 * hundred to every response. SLOW_WRITES_IN_A_ROW writes in a row slower than SLOW_WRITE_MS (the
 * kernel throttling writers while the disk is busy) send the writes back to the thread pool for
 * SLOW_WRITE_BACKOFF_MS, off the event loop. One slow write alone is as often the thread preempted
 * during it on a busy machine, and a thread-pool write costs about 30 µs of CPU against 1.5: a whole
 * minute of them for one preemption cost a streamed response about 25 µs.
 */
const SLOW_WRITE_MS = 5;
const SLOW_WRITES_IN_A_ROW = 2;
const SLOW_WRITE_BACKOFF_MS = 60_000;
const segmentName = (n: number) => `${String(n).padStart(12, "0")}.seg`;

/** On the thread pool, not the event loop: a directory fsync can take milliseconds on a busy disk. */
async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The durable local spool of usage events: append-only segment files of checksummed records. Appends
 * of one tick are written together at once; fsyncs happen in groups, once per interval. An append
 * resolves when its record is written (or, with durability "fsync", synced), so a caller that waits
 * for it before sending a response's last byte never loses the record of a response the client saw
 * complete. The shipper reads only synced bytes.
 * Each process writes a fresh segment; segments left by an earlier process are sealed, and a torn
 * record at their end (a crash mid-write) is skipped by the reader.
 */
export class Spool {
  /** Sizes of the segments on disk; the active (last) one counts only bytes already fsynced. */
  private readonly sizes = new Map<number, number>();
  private active = 0;
  private handle: FileHandle | null = null;
  /** Appended, not yet written. */
  private pending: Batch = { buffers: [], bytes: 0, waiters: [] };
  private writeScheduled = false;
  /** Taken from `pending` and being written now: still counted by depthBytes until it is unsynced. */
  private writingBytes = 0;
  /** Written to the active segment, not yet synced (and the appends waiting for that sync). */
  private unsyncedBytes = 0;
  private syncWaiters: Waiter[] = [];
  private syncTimer: NodeJS.Timeout | null = null;
  /** Writes, syncs and rotations run one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  /**
   * Steps queued or running that hold the file (a write on the thread pool, a rotation, the cleanup
   * after a failure): a tick's write waits behind them. A group fsync does not hold it: the bytes
   * it covers are those written before it began, so writes go on meanwhile instead of every response
   * finishing in that window waiting for the disk.
   */
  private holding = 0;
  /** Until when (epoch ms) writes stay on the thread pool after slow synchronous ones. */
  private asyncWritesUntil = 0;
  /** Synchronous writes in a row slower than SLOW_WRITE_MS. */
  private slowWrites = 0;
  private closed = false;
  private listeners = new Set<() => void>();
  private failure: SpoolFailure | null = null;
  /** Records and bytes appended by this process, for telemetry's estimate of events per byte. */
  appendedRecords = 0;
  appendedBytes = 0;

  private constructor(readonly options: SpoolOptions) {}

  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    mkdirSync(options.dir, { recursive: true });
    for (const name of readdirSync(options.dir)) {
      const match = SEGMENT.exec(name);
      if (match) spool.sizes.set(Number(match[1]), statSync(join(options.dir, name)).size);
    }
    const cursor = await spool.readCursor();
    spool.active = Math.max(cursor.segment, ...spool.sizes.keys(), 0) + 1;
    await spool.openSegment();
    return spool;
  }

  /** Segment numbers on disk, oldest first. */
  segments(): number[] {
    return [...this.sizes.keys()].sort((a, b) => a - b);
  }

  /** Bytes of a segment a reader may read: all of a sealed one, the fsynced part of the active one. */
  readableBytes(segment: number): number {
    return this.sizes.get(segment) ?? 0;
  }

  isSealed(segment: number): boolean {
    return segment !== this.active;
  }

  path(segment: number): string {
    return join(this.options.dir, segmentName(segment));
  }

  /** Bytes not yet shipped (including records waiting for their write or fsync). */
  depthBytes(cursor: SpoolCursor): number {
    let total = this.pending.bytes + this.writingBytes + this.unsyncedBytes;
    for (const [segment, size] of this.sizes) {
      if (segment > cursor.segment) total += size;
      else if (segment === cursor.segment) total += Math.max(0, size - cursor.offset);
    }
    return total;
  }

  /**
   * Set when the disk refused a write or fsync; appends waiting on it were rejected. The meter refuses
   * new requests while it is set, and probe() clears it once the disk takes a write again.
   */
  get writeFailure(): SpoolFailure | null {
    return this.failure;
  }

  /**
   * Writes, syncs and removes a probe file beside the segments; clears writeFailure when that works.
   * Resolves whether the spool can take records now.
   */
  async probe(): Promise<boolean> {
    if (!this.failure) return true;
    const path = join(this.options.dir, "probe.tmp");
    try {
      const handle = await open(path, "w");
      try {
        await handle.writeFile(Buffer.alloc(PROBE_BYTES));
        await handle.datasync();
      } finally {
        await handle.close();
      }
      this.failure = null;
      return true;
    } catch {
      return false;
    } finally {
      await rm(path, { force: true }).catch(() => {});
    }
  }

  /** Called after each group fsync, so a shipper can wake without polling. */
  onDurable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Appends one event; resolves when it is written (or synced, per durability); rejects if the disk refused it. */
  append(event: UsageEvent): Promise<void> {
    if (this.closed) return Promise.reject(new Error("spool is closed"));
    const record = encodeRecord(event);
    this.pending.buffers.push(record);
    this.pending.bytes += record.length;
    this.appendedRecords++;
    this.appendedBytes += record.length;
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(this.writeTick);
    }
    return new Promise<void>((resolve, reject) => this.pending.waiters.push({ resolve, reject }));
  }

  /** Writes and fsyncs everything appended so far. */
  async flush(): Promise<void> {
    await this.enqueue(() => this.writeOut(), true);
    await this.enqueue(() => this.syncOut(), false);
  }

  /** Queues a step on the chain; `holdsFile` steps keep the ticks' writes behind them (see `holding`). */
  private enqueue(step: () => Promise<void>, holdsFile: boolean): Promise<void> {
    if (holdsFile) this.holding++;
    const counted = async () => {
      try {
        await step();
      } finally {
        if (holdsFile) this.holding--;
      }
    };
    this.chain = this.chain.then(counted, counted);
    return this.chain;
  }

  /** Runs `work` holding the file, from inside a step that does not hold it. */
  private async holdingFile(work: () => Promise<void>): Promise<void> {
    this.holding++;
    try {
      await work();
    } finally {
      this.holding--;
    }
  }

  /** The tick's appends: written at once when no step holds the file, else queued behind it. */
  private readonly writeTick = (): void => {
    if (this.holding > 0 || this.handle === null || Date.now() < this.asyncWritesUntil) {
      void this.enqueue(() => this.writeOut(), true);
      return;
    }
    this.writeScheduled = false;
    const batch = this.pending;
    if (batch.bytes === 0) return;
    this.pending = { buffers: [], bytes: 0, waiters: [] };
    const before = (this.sizes.get(this.active) ?? 0) + this.unsyncedBytes;
    const started = performance.now();
    try {
      const data = batch.buffers.length === 1 ? batch.buffers[0]! : Buffer.concat(batch.buffers, batch.bytes);
      let written = 0;
      while (written < batch.bytes) {
        written += writeSync(this.handle.fd, data, written, batch.bytes - written);
      }
    } catch (error) {
      this.writingBytes = batch.bytes;
      // Queued: a group fsync running now may seal this segment first, so the batch names its own.
      const segment = this.active;
      void this.enqueue(() => this.writeFailed(batch, error, segment, before), true);
      return;
    }
    if (performance.now() - started <= SLOW_WRITE_MS) this.slowWrites = 0;
    else if (++this.slowWrites >= SLOW_WRITES_IN_A_ROW) {
      this.slowWrites = 0;
      this.asyncWritesUntil = Date.now() + SLOW_WRITE_BACKOFF_MS;
    }
    this.written(batch);
  };

  private async writeOut(): Promise<void> {
    this.writeScheduled = false;
    const batch = this.pending;
    if (batch.bytes === 0) return;
    this.pending = { buffers: [], bytes: 0, waiters: [] };
    this.writingBytes = batch.bytes;
    const before = (this.sizes.get(this.active) ?? 0) + this.unsyncedBytes;
    try {
      const handle = this.handle!;
      const data = batch.buffers.length === 1 ? batch.buffers[0]! : Buffer.concat(batch.buffers, batch.bytes);
      let written = 0;
      while (written < batch.bytes) {
        written += (await handle.write(data, written, batch.bytes - written)).bytesWritten;
      }
    } catch (error) {
      await this.writeFailed(batch, error, this.active, before);
      return;
    }
    this.written(batch);
  }

  /** A batch the disk refused: its appends fail, and none of its bytes stay in the segment. */
  private async writeFailed(batch: Batch, error: unknown, segment: number, before: number): Promise<void> {
    this.writingBytes = 0;
    this.fail(error);
    for (const waiter of batch.waiters) waiter.reject(error as Error);
    // A full disk often takes part of a batch. Cut the segment back to where the batch began, so that
    // no record of a request answered with an error is shipped (and billed) after all; the
    // truncation frees the space it took. If even that fails, seal whatever reached the file (a
    // segment sealed meanwhile ends before the batch already).
    const cut = await truncate(this.path(segment), before).then(
      () => true,
      () => false,
    );
    if (!cut && segment === this.active) await this.sealAfterFailure();
  }

  /** A batch now in the file: its appends resolve (or wait for the next fsync, per durability). */
  private written(batch: Batch): void {
    this.writingBytes = 0;
    this.unsyncedBytes += batch.bytes;
    if ((this.options.durability ?? "write") === "write") {
      for (const waiter of batch.waiters) waiter.resolve();
    } else {
      this.syncWaiters.push(...batch.waiters);
    }
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = null;
      void this.enqueue(() => this.syncOut(), false);
    }, this.options.fsyncIntervalMs);
  }

  /**
   * The group fsync. Ticks go on writing while it runs (it does not hold the file), so it covers, and
   * makes readable, exactly the bytes written before it began; those written meanwhile wait for the
   * next one. Sealing a full segment holds the file, and syncs those too first.
   */
  private async syncOut(): Promise<void> {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.unsyncedBytes === 0) return;
    // The bytes stay in unsyncedBytes until they are readable: depthBytes must not see them nowhere
    // while the fsync runs, or "the spool drained" would be true before the shipper has even seen them.
    const bytes = this.unsyncedBytes;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    try {
      await this.handle!.datasync();
    } catch (error) {
      // What was written meanwhile is in the same file, unsynced: those appends fail with the rest.
      await this.syncFailed(error, [...waiters, ...this.syncWaiters]);
      return;
    }
    const size = (this.sizes.get(this.active) ?? 0) + bytes;
    if (size >= this.options.segmentBytes) {
      await this.holdingFile(() => this.sealFull(waiters));
      return;
    }
    // Not full: this segment grows on.
    this.sizes.set(this.active, size);
    this.unsyncedBytes -= bytes;
    this.durable(waiters);
  }

  /**
   * A segment synced past its size is sealed holding the file: the bytes written during that fsync are
   * synced first, so the sealed segment is readable to its end. If the next segment cannot be created
   * now, this one grows on and the next sync retries.
   */
  private async sealFull(waiters: Waiter[]): Promise<void> {
    const late = this.syncWaiters;
    this.syncWaiters = [];
    try {
      await this.handle!.datasync();
    } catch (error) {
      await this.syncFailed(error, late);
      // The first fsync's bytes are in the segment just sealed.
      this.durable(waiters);
      return;
    }
    waiters.push(...late);
    const size = (this.sizes.get(this.active) ?? 0) + this.unsyncedBytes;
    const sealed = await this.rotate(size).then(
      () => true,
      () => false,
    );
    if (!sealed) {
      this.sizes.set(this.active, size);
      this.unsyncedBytes = 0;
    }
    this.durable(waiters);
  }

  /** An fsync the disk refused: its appends fail, and the segment is sealed with what reached it. */
  private async syncFailed(error: unknown, waiters: Waiter[]): Promise<void> {
    this.fail(error);
    for (const waiter of waiters) waiter.reject(error as Error);
    this.syncWaiters = [];
    await this.holdingFile(() => this.sealAfterFailure());
  }

  private durable(waiters: Waiter[]): void {
    for (const waiter of waiters) waiter.resolve();
    for (const listener of this.listeners) listener();
  }

  private fail(error: unknown): void {
    this.failure ??= { code: (error as NodeJS.ErrnoException).code ?? "EIO", since: Date.now() };
  }

  /**
   * Whatever part reached the file is sealed there (the reader skips a torn record); later records
   * go to a fresh segment so the active one's readable size stays exact.
   */
  private async sealAfterFailure(): Promise<void> {
    this.unsyncedBytes = 0;
    try {
      const size = statSync(this.path(this.active)).size;
      this.sizes.set(this.active, size);
      await this.rotate(size);
    } catch {
      // The disk is still refusing; the next write reports it again.
    }
  }

  async readCursor(): Promise<SpoolCursor> {
    try {
      const parsed = JSON.parse(await readFile(join(this.options.dir, "cursor.json"), "utf8"));
      if (Number.isSafeInteger(parsed.segment) && Number.isSafeInteger(parsed.offset)) return parsed;
    } catch {
      // No cursor yet: nothing has been shipped.
    }
    return { segment: 0, offset: 0 };
  }

  /** Persists the cursor atomically (write, fsync, rename), then deletes segments wholly behind it. */
  async commitCursor(cursor: SpoolCursor): Promise<void> {
    const path = join(this.options.dir, "cursor.json");
    const temp = `${path}.tmp`;
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(JSON.stringify(cursor));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await fsyncDir(this.options.dir);
    for (const segment of this.segments()) {
      if (segment >= cursor.segment || segment === this.active) continue;
      await rm(this.path(segment), { force: true });
      this.sizes.delete(segment);
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.handle?.close();
    this.handle = null;
  }

  private async openSegment(): Promise<void> {
    this.handle = await this.createSegment(this.active);
    this.sizes.set(this.active, 0);
  }

  private async createSegment(segment: number): Promise<FileHandle> {
    const handle = await open(this.path(segment), "a");
    // The new file's directory entry must survive a crash, or its fsynced records would vanish.
    await fsyncDir(this.options.dir);
    return handle;
  }

  /**
   * Seals the active segment at `finalSize` and starts the next. The reader sees both at once: were
   * the last bytes readable while the segment still looked active, a shipper could read them, stop
   * there (an active segment may grow), and leave the sealed segment on disk until some later pass.
   */
  private async rotate(finalSize: number): Promise<void> {
    const next = await this.createSegment(this.active + 1);
    const previous = this.handle;
    this.sizes.set(this.active, finalSize);
    this.unsyncedBytes = 0; // counted in finalSize now
    this.active++;
    this.handle = next;
    this.sizes.set(this.active, 0);
    // Its records are synced already; a failing close loses nothing.
    await previous?.close().catch(() => {});
  }
}
