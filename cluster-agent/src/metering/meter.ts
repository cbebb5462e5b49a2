import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import { costPicoEur, embeddingCostPicoEur, NO_PRICES, type PriceBook } from "../domain/pricing.js";
import type { TokenUsage } from "../domain/token-usage.js";
import type { UsageEndpoint, UsageEvent } from "../domain/usage-event.js";
import type { Db } from "../store/db.js";
import { normalizeClientIp } from "./client-ip.js";
import { Shipper } from "./shipper.js";
import { Spool } from "./spool.js";
import type { UnshippedSpend } from "./unshipped-spend.js";

export interface MeterOptions {
  dir: string;
  db: Db;
  node: string;
  logger?: Logger | undefined;
  priceBook?: PriceBook | undefined;
  maxBytes: number;
  segmentBytes: number;
  fsyncIntervalMs: number;
  durability?: "write" | "fsync";
  batchSize: number;
  shipIntervalMs: number;
  /** The shortest time between two shipments (see ShipperOptions.minIntervalMs); default 0. */
  shipMinIntervalMs?: number | undefined;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** The alarm is raised when the store has been unreachable this long... */
  alarmAfterMs: number;
  /** ...or the spool holds more than this fraction of maxBytes. */
  alarmDepthFraction: number;
  /** Told of each event's cost as it is spooled and of each shipment (prepaid balances count both). */
  unshipped?: UnshippedSpend | undefined;
}

/** What the API knows about a finished request; the meter adds node, time of finish and cost. */
export interface RequestOutcome {
  requestId: string;
  receivedAt: number;
  firstTokenAt: number | null;
  accountId: string;
  keyId: string;
  model: string;
  status: UsageEvent["status"];
  httpStatus: number;
  usage: TokenUsage | null;
  userAgent: string | undefined;
  clientIp: string;
  /** The endpoint called; embeddings are billed at the embedding price. Absent: recorded as "". */
  endpoint?: UsageEndpoint | undefined;
}

export interface MeterStatus {
  depthBytes: number;
  maxBytes: number;
  segments: number;
  /** Since when the shipper has failed without a success (epoch ms), or null. */
  oldestUnshippedAt: number | null;
  shippedTotal: number;
  failedAttempts: number;
  skippedRecords: number;
  /** Rejected-request events not written because the spool was full or could not be written. */
  droppedRejections: number;
  alarm: boolean;
  /** The disk error (ENOSPC, EIO…) that keeps the spool from taking records, or null. */
  writeError: string | null;
}

const STOP_DRAIN_MS = 5000;
/** Roughly one encoded usage event (ids, times, counts, model, user agent); only for estimates. */
const TYPICAL_RECORD_BYTES = 300;
const NO_USAGE: TokenUsage = { promptTokens: 0, cachedTokens: 0, completionTokens: 0 };

/**
 * The API's side of metering: one usage event per request into the durable spool, a shipper that
 * moves them to the store, and the back-pressure that keeps every served request billable.
 */
export class Meter {
  private alarm = false;
  private writeError: string | null = null;
  private droppedRejections = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly priceBook: PriceBook;

  private constructor(
    private readonly options: MeterOptions,
    readonly spool: Spool,
    readonly shipper: Shipper,
  ) {
    this.priceBook = options.priceBook ?? NO_PRICES;
  }

  static async start(options: MeterOptions): Promise<Meter> {
    const spool = await Spool.open({
      dir: options.dir,
      fsyncIntervalMs: options.fsyncIntervalMs,
      durability: options.durability,
      segmentBytes: options.segmentBytes,
      maxBytes: options.maxBytes,
    });
    const shipper = new Shipper({
      spool,
      db: options.db,
      logger: options.logger,
      batchSize: options.batchSize,
      intervalMs: options.shipIntervalMs,
      minIntervalMs: options.shipMinIntervalMs,
      backoffInitialMs: options.backoffInitialMs,
      backoffMaxMs: options.backoffMaxMs,
      onShipped: options.unshipped && ((events) => options.unshipped?.shippedEvents(events)),
    });
    await shipper.start();
    const meter = new Meter(options, spool, shipper);
    meter.timer = setInterval(() => void meter.tick(), 1000).unref();
    return meter;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.spool.flush();
    await this.shipper.stop();
    // One last attempt, so a clean shutdown leaves nothing behind when the store is there; bounded, so
    // a store that is away does not hold the shutdown (the events wait in the spool for the next start).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.shipper.drain().catch(() => false),
      new Promise((resolve) => {
        timer = setTimeout(resolve, STOP_DRAIN_MS);
      }),
    ]);
    clearTimeout(timer);
    await this.spool.close();
  }

  /** Refuses a new request while the spool is full: a request that cannot be billed is not served. */
  ensureCapacity(): void {
    const refusal = this.refusal();
    if (refusal) throw refusal;
  }

  /**
   * Why new requests are refused now, or null: the spool holds maxBytes unshipped, or its disk refused
   * the last write (full, out of quota, failing). The second is known from a failed append, so the
   * requests in flight at that moment end with an error and are not billed; every later one is refused
   * here, before it generates anything, until a probe shows the disk takes writes again.
   */
  refusal(): ApiError | null {
    const failure = this.spool.writeFailure;
    if (failure) {
      return new ApiError(
        503,
        "server_error",
        "This node cannot record usage right now (its usage spool's disk refuses writes); retry shortly or on another node.",
        null,
        failure.code === "ENOSPC" || failure.code === "EDQUOT" ? "spool_full" : "spool_unwritable",
        { "retry-after": "10" },
      );
    }
    if (this.depthBytes() < this.options.maxBytes) return null;
    return new ApiError(
      503,
      "server_error",
      "This node cannot take requests right now (its usage records cannot reach the store); retry shortly.",
      null,
      "spool_full",
      { "retry-after": "30" },
    );
  }

  /**
   * Appends the request's usage event; resolves once it is durable (at most one fsync interval,
   * which the API spends before the response's last byte only).
   */
  record(outcome: RequestOutcome): Promise<void> {
    const event = this.toEvent(outcome);
    const unshipped = this.options.unshipped;
    if (!unshipped) return this.spool.append(event);
    unshipped.recorded(event);
    // A write the disk refused bills nothing (the request fails): its cost leaves the local count too.
    return this.spool.append(event).catch((error: unknown) => {
      unshipped.dropped(event.requestId);
      throw error;
    });
  }

  /** For requests refused before they ran: never waited for, skipped (and counted) when full. */
  recordRejection(outcome: RequestOutcome): void {
    if (this.spool.writeFailure || this.depthBytes() >= this.options.maxBytes) {
      this.droppedRejections++;
      return;
    }
    this.record(outcome).catch((error: Error) =>
      this.options.logger?.error({ err: { message: error.message } }, "could not spool a usage event"),
    );
  }

  /** Once a second: probes a spool whose disk refused writes (so the node recovers by itself), reports. */
  private async tick(): Promise<void> {
    if (this.spool.writeFailure) await this.spool.probe();
    this.status();
  }

  status(): MeterStatus {
    const failure = this.spool.writeFailure;
    const writeError = failure?.code ?? null;
    if (writeError !== this.writeError) {
      this.writeError = writeError;
      if (failure) {
        this.options.logger?.error(
          { code: failure.code, dir: this.options.dir },
          "usage spool cannot write: new requests are refused until its disk takes writes again",
        );
      } else this.options.logger?.info({ dir: this.options.dir }, "usage spool writes again: serving");
    }
    const { stats } = this.shipper;
    const depthBytes = this.depthBytes();
    const away = stats.failingSince !== null && Date.now() - stats.failingSince >= this.options.alarmAfterMs;
    const alarm = away || depthBytes >= this.options.maxBytes * this.options.alarmDepthFraction;
    if (alarm !== this.alarm) {
      this.alarm = alarm;
      const detail = { depthBytes, maxBytes: this.options.maxBytes, failingSince: stats.failingSince };
      if (alarm) this.options.logger?.error(detail, "usage spool alarm: events are not reaching the store");
      else this.options.logger?.info(detail, "usage spool alarm cleared");
    }
    return {
      depthBytes,
      maxBytes: this.options.maxBytes,
      segments: this.spool.segments().length,
      oldestUnshippedAt: stats.failingSince,
      shippedTotal: stats.shippedTotal,
      failedAttempts: stats.failedAttempts,
      skippedRecords: stats.skippedRecords,
      droppedRejections: this.droppedRejections,
      alarm,
      writeError,
    };
  }

  /**
   * The spool as telemetry reports it. Records vary in size and segments left by an earlier process are
   * not counted record by record, so pendingEvents is an estimate: the unshipped bytes divided by the
   * mean record size this process has written (a typical record's size before the first one). The age
   * of the oldest unshipped event is known only while shipping fails (the start of the failure run);
   * while the store answers, events ship within one interval and the age reads 0.
   */
  spoolStatus(): {
    pendingEvents: number;
    pendingBytes: number;
    capacityBytes: number;
    alarm: boolean;
    oldestPendingAgeMs: number;
  } {
    const status = this.status();
    const { appendedRecords, appendedBytes } = this.spool;
    const meanBytes = appendedRecords > 0 ? appendedBytes / appendedRecords : TYPICAL_RECORD_BYTES;
    const since = status.oldestUnshippedAt;
    return {
      pendingEvents: status.depthBytes > 0 ? Math.max(1, Math.round(status.depthBytes / meanBytes)) : 0,
      pendingBytes: status.depthBytes,
      capacityBytes: status.maxBytes,
      alarm: status.alarm,
      oldestPendingAgeMs: status.depthBytes > 0 && since !== null ? Math.max(0, Date.now() - since) : 0,
    };
  }

  private depthBytes(): number {
    return this.spool.depthBytes(this.shipper.position);
  }

  private toEvent(o: RequestOutcome): UsageEvent {
    const usage = o.usage ?? NO_USAGE;
    const price = this.priceBook.priceAt(o.model, o.receivedAt);
    return {
      requestId: o.requestId,
      receivedAt: o.receivedAt,
      firstTokenAt: o.firstTokenAt,
      finishedAt: Date.now(),
      accountId: o.accountId,
      keyId: o.keyId,
      model: o.model,
      modelVersion: "",
      node: this.options.node,
      status: o.status,
      httpStatus: o.httpStatus,
      promptTokens: usage.promptTokens,
      cachedTokens: Math.min(usage.cachedTokens, usage.promptTokens),
      completionTokens: usage.completionTokens,
      costPicoEur:
        o.endpoint === "embeddings"
          ? embeddingCostPicoEur(usage.promptTokens, price)
          : costPicoEur(usage, price),
      priceVersion: price?.version ?? null,
      userAgent: o.userAgent ?? null,
      clientIp: normalizeClientIp(o.clientIp),
      endpoint: o.endpoint ?? "",
    };
  }
}
