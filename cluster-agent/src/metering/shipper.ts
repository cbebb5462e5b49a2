import { open } from "node:fs/promises";
import type { Logger } from "../common/log.js";
import type { UsageEvent } from "../domain/usage-event.js";
import type { Db } from "../store/db.js";
import { insertUsageEvents, isDataError } from "../store/usage-events.js";
import { decodeRecords, MAX_PAYLOAD_BYTES } from "./record.js";
import type { Spool, SpoolCursor } from "./spool.js";

export interface ShipperOptions {
  spool: Spool;
  db: Db;
  logger?: Logger | undefined;
  /** Events per INSERT. */
  batchSize: number;
  /** How often an idle shipper looks for new records (it also wakes after each group fsync). */
  intervalMs: number;
  /**
   * The shortest time from one shipment's start to the next: records made durable sooner wait for
   * it and go in the same, larger batch. An INSERT and a cursor commit cost about the same for ten
   * events as for a thousand, so shipping after every group fsync (every few milliseconds) spent the
   * node's and the store's CPU on per-batch overhead. 0 ships after every group fsync.
   */
  minIntervalMs?: number | undefined;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Called once a batch is in the store (before its cursor is committed). */
  onShipped?: ((events: UsageEvent[]) => void) | undefined;
}

export interface ShipperStats {
  shippedTotal: number;
  /** Failed attempts since the last success (0 while the store answers). */
  failedAttempts: number;
  /** When the current run of failures began (epoch ms), or null. */
  failingSince: number | null;
  /** Damaged or torn records skipped since start. */
  skippedRecords: number;
  /** Events the store refused as invalid, dropped so they cannot block the rest. */
  rejectedEvents: number;
}

interface Batch {
  events: UsageEvent[];
  skipped: number;
  next: SpoolCursor;
}

const PIPELINE = 2;

/** Bytes read per file read; far above one record, so a read always makes progress. */
const READ_BYTES = 4 * 1024 * 1024;

/**
 * Ships the spool to `usage_events`: reads from the durable cursor, inserts a batch, then commits the
 * cursor (and deletes segments behind it). A crash between insert and commit re-sends one batch, which
 * the store ignores (ON CONFLICT DO NOTHING): at-least-once delivery, exactly-once effect.
 */
export class Shipper {
  private cursor: SpoolCursor = { segment: 0, offset: 0 };
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Records became durable since the current (or last) drain began: a bounded drain left them. */
  private durableSinceDrain = false;
  private unsubscribe: (() => void) | null = null;
  readonly stats: ShipperStats = {
    shippedTotal: 0,
    failedAttempts: 0,
    failingSince: null,
    skippedRecords: 0,
    rejectedEvents: 0,
  };

  constructor(private readonly options: ShipperOptions) {}

  get position(): SpoolCursor {
    return this.cursor;
  }

  async start(): Promise<void> {
    this.cursor = await this.options.spool.readCursor();
    this.running = true;
    this.unsubscribe = this.options.spool.onDurable(() => {
      this.durableSinceDrain = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
  }

  /**
   * Ships everything readable now; resolves when nothing is left or an attempt fails. With `bounded`,
   * it starts no batch beyond what was readable when it began: records made durable meanwhile wait
   * for the next shipment, so a steady trickle does not keep one drain going with small batches.
   */
  async drain(bounded = false): Promise<boolean> {
    // Up to PIPELINE inserts in flight: the store works on one batch while the next is read and sent,
    // and a multi-core store inserts both at once. Cursors are still committed strictly in order.
    const inFlight: { batch: Batch; inserted: Promise<void> }[] = [];
    const end = bounded ? this.readableEnd() : null;
    let from = this.cursor;
    for (;;) {
      while (inFlight.length < PIPELINE && (end === null || before(from, end))) {
        const batch = await this.read(from);
        if (!batch) break;
        from = batch.next;
        const inserted = batch.events.length > 0 ? this.insert(batch.events) : Promise.resolve();
        inserted.catch(() => {}); // awaited below, in order
        inFlight.push({ batch, inserted });
      }
      const head = inFlight.shift();
      if (!head) return true;
      if (!(await this.ship(head.batch, head.inserted))) {
        // Later batches that did land are re-sent from the cursor next time: harmless duplicates.
        await Promise.allSettled(inFlight.map((f) => f.inserted));
        return false;
      }
    }
  }

  private async run(): Promise<void> {
    let delay = this.options.backoffInitialMs;
    while (this.running) {
      const started = performance.now();
      const shippedBefore = this.stats.shippedTotal;
      this.durableSinceDrain = false;
      let ok: boolean;
      try {
        ok = await this.drain(true);
      } catch (error) {
        this.options.logger?.error({ err: { message: (error as Error).message } }, "usage shipper failed");
        ok = false;
      }
      if (!this.running) break;
      const wait = ok ? this.options.intervalMs : delay;
      delay = ok ? this.options.backoffInitialMs : Math.min(delay * 2, this.options.backoffMaxMs);
      // After a shipment that carried nothing there is nothing to gather for: the next record goes at once.
      const shipped = this.stats.shippedTotal > shippedBefore;
      const notBefore = shipped ? started + (this.options.minIntervalMs ?? 0) : 0;
      // Jitter spreads the retries of many agents after an outage of the shared store.
      const sleeping = this.sleep(ok ? wait : wait / 2 + Math.random() * (wait / 2), ok, notBefore);
      // Records that came while it shipped found no sleeper to wake: they wake this one (at notBefore).
      if (ok && this.durableSinceDrain) this.wake?.();
      await sleeping;
    }
  }

  /**
   * Waits `ms`, or less when new records are durable (`wakeOnAppend`), though not before `notBefore`
   * (a performance.now() time); stop() ends any sleep at once.
   */
  private sleep(ms: number, wakeOnAppend: boolean, notBefore: number): Promise<void> {
    return new Promise((resolve) => {
      let timer = setTimeout(done, ms).unref();
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      function stopOnly() {
        if (!self.running) done();
      }
      function appended() {
        const early = notBefore - performance.now();
        if (early <= 0 || !self.running) return done();
        // Too soon after the last shipment: ship these with whatever follows them, at notBefore.
        clearTimeout(timer);
        timer = setTimeout(done, early).unref();
        self.wake = stopOnly;
      }
      // While failing, new records must not cut the backoff short; stop() still does (running false).
      this.wake = wakeOnAppend ? appended : stopOnly;
    });
  }

  private async ship(batch: Batch, inserted: Promise<void>): Promise<boolean> {
    const { logger } = this.options;
    try {
      await inserted;
      this.options.onShipped?.(batch.events);
      await this.options.spool.commitCursor(batch.next);
    } catch (error) {
      if (this.stats.failedAttempts === 0) {
        this.stats.failingSince = Date.now();
        logger?.warn(
          { err: { code: (error as { code?: string }).code, message: (error as Error).message } },
          "usage shipper cannot reach the store; events wait in the spool",
        );
      }
      this.stats.failedAttempts++;
      return false;
    }
    if (this.stats.failedAttempts > 0) {
      logger?.info({ failedAttempts: this.stats.failedAttempts }, "usage shipper reached the store again");
    }
    this.stats.failedAttempts = 0;
    this.stats.failingSince = null;
    this.stats.shippedTotal += batch.events.length;
    this.cursor = batch.next;
    if (batch.skipped > 0) {
      // Counted once the cursor has passed them, so a retried batch is not counted twice.
      this.stats.skippedRecords += batch.skipped;
      logger?.warn({ skipped: batch.skipped }, "skipped damaged or torn usage records in the spool");
    }
    return true;
  }

  private async insert(events: UsageEvent[]): Promise<void> {
    try {
      await insertUsageEvents(this.options.db, events);
    } catch (error) {
      if (!isDataError(error)) throw error;
      // One bad row must not hold back the rest: insert one by one and drop only those refused.
      let rejected = 0;
      for (const event of events) {
        try {
          await insertUsageEvents(this.options.db, [event]);
        } catch (single) {
          if (!isDataError(single)) throw single;
          rejected++;
        }
      }
      this.stats.rejectedEvents += rejected;
      this.options.logger?.error(
        { rejected, code: (error as { code?: string }).code },
        "the store refused usage events as invalid; dropped them",
      );
    }
  }

  /** Where the readable records end now: the last segment's readable bytes. */
  private readableEnd(): SpoolCursor {
    const { spool } = this.options;
    const segment = spool.segments().at(-1) ?? this.cursor.segment;
    return { segment, offset: spool.readableBytes(segment) };
  }

  /** The next batch from `from`, or null when everything readable has been shipped. */
  private async read(from: SpoolCursor): Promise<Batch | null> {
    const { spool, batchSize } = this.options;
    let { segment, offset } = from;
    const events: UsageEvent[] = [];
    let skipped = 0;
    for (const seg of spool.segments()) {
      if (seg < segment) continue;
      if (seg > segment) {
        // The previous segment is sealed and fully read: move on.
        segment = seg;
        offset = 0;
      }
      const end = spool.readableBytes(seg);
      const sealed = spool.isSealed(seg);
      while (offset < end && events.length < batchSize) {
        const want = Math.min(end - offset, Math.max(READ_BYTES, MAX_PAYLOAD_BYTES * 2));
        const buf = await readAt(spool.path(seg), offset, want);
        const final = sealed && offset + buf.length >= end;
        const decoded = decodeRecords(buf, final, batchSize - events.length);
        events.push(...decoded.events);
        skipped += decoded.skipped;
        offset += decoded.consumed;
        if (decoded.consumed === 0) break;
      }
      // A sealed segment read to its end is passed even when the batch is full, so the commit of the
      // batch that shipped its last records also deletes it (instead of a later, empty batch).
      if (!sealed || offset < end) break;
    }
    if (events.length === 0 && segment === from.segment && offset === from.offset) return null;
    return { events, skipped, next: { segment, offset } };
  }
}

/** Whether cursor `a` is before `b` in the spool. */
function before(a: SpoolCursor, b: SpoolCursor): boolean {
  return a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
