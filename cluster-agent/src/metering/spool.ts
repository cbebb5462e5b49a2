import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, statSync } from "node:fs";
import { type FileHandle, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { encodeRecord } from "./record.js";
import type { UsageEvent } from "./usage-event.js";

/** Where the shipper has got to: every record before `offset` in segment `segment` is in the store. */
export interface SpoolCursor {
  segment: number;
  offset: number;
}

export interface SpoolOptions {
  dir: string;
  /** Records appended within this window share one write and one fsync (group commit). */
  fsyncIntervalMs: number;
  /** A segment is sealed and a new one begun once it reaches this size. */
  segmentBytes: number;
  /** Unshipped bytes beyond which new requests are refused (see Meter.ensureCapacity). */
  maxBytes: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

const SEGMENT = /^(\d{12})\.seg$/;
const segmentName = (n: number) => `${String(n).padStart(12, "0")}.seg`;

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The durable local spool of usage events: append-only segment files of checksummed records. An
 * append resolves once the group fsync that holds it is done, so a caller that waits for it before
 * sending a response's last byte never loses the record of a response the client saw complete.
 * Each process writes a fresh segment; segments left by an earlier process are sealed, and a torn
 * record at their end (a crash mid-write) is skipped by the reader.
 */
export class Spool {
  /** Sizes of the segments on disk; the active (last) one counts only bytes already fsynced. */
  private readonly sizes = new Map<number, number>();
  private active = 0;
  private handle: FileHandle | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private listeners = new Set<() => void>();

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

  /** Bytes not yet shipped (including records waiting for their fsync). */
  depthBytes(cursor: SpoolCursor): number {
    let total = this.pendingBytes;
    for (const [segment, size] of this.sizes) {
      if (segment > cursor.segment) total += size;
      else if (segment === cursor.segment) total += Math.max(0, size - cursor.offset);
    }
    return total;
  }

  /** Called after each group fsync, so a shipper can wake without polling. */
  onDurable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Appends one event; resolves when it is on disk (fsynced), rejects if the disk refused it. */
  append(event: UsageEvent): Promise<void> {
    if (this.closed) return Promise.reject(new Error("spool is closed"));
    const record = encodeRecord(event);
    this.pending.push(record);
    this.pendingBytes += record.length;
    this.timer ??= setTimeout(() => void this.flush(), this.options.fsyncIntervalMs);
    return new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Writes and fsyncs everything appended so far; one flush at a time. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const buffers = this.pending;
    const waiters = this.waiters;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.waiters = [];
    this.pendingBytes = 0;
    this.flushing = (async () => {
      try {
        const handle = this.handle!;
        const data = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, bytes);
        let written = 0;
        while (written < bytes) {
          written += (await handle.write(data, written, bytes - written)).bytesWritten;
        }
        await handle.datasync();
        this.sizes.set(this.active, (this.sizes.get(this.active) ?? 0) + bytes);
        for (const waiter of waiters) waiter.resolve();
        if ((this.sizes.get(this.active) ?? 0) >= this.options.segmentBytes) await this.rotate();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error as Error);
        // Whatever part reached the file is sealed there (the reader skips a torn record); later
        // records go to a fresh segment so the active one's readable size stays exact.
        try {
          this.sizes.set(this.active, statSync(this.path(this.active)).size);
          await this.rotate();
        } catch {
          // The disk is still refusing; the next flush reports it again.
        }
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
    for (const listener of this.listeners) listener();
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
    fsyncDir(this.options.dir);
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
    this.handle = await open(this.path(this.active), "a");
    this.sizes.set(this.active, 0);
    // The new file's directory entry must survive a crash, or its fsynced records would vanish.
    fsyncDir(this.options.dir);
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.active++;
    await this.openSegment();
  }
}
