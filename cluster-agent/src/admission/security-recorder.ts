import { isIP } from "node:net";
import type { Logger } from "../common/log.js";
import { type AbuseTrip, TIMELINE_LIMIT, upsertAbuseFlags } from "../store/abuse-flags.js";
import type { Db } from "../store/db.js";
import {
  insertSecurityEvents,
  type SecurityDetail,
  type SecurityEvent,
  type SecurityEventKind,
} from "../store/security-events.js";
import type { RuleTrip } from "./abuse-rules.js";

/** What a caller hands the recorder; everything but the kind is optional. */
export interface SecurityEventInput {
  kind: SecurityEventKind;
  ip?: string | null | undefined;
  accountId?: string | null | undefined;
  keyId?: string | null | undefined;
  code?: string | null | undefined;
  detail?: SecurityDetail | undefined;
  occurredAt?: Date | undefined;
}

export interface RecorderOptions {
  store: { pool: Db };
  node: string;
  logger?: Logger | undefined;
  flushIntervalMs?: number;
  /** Events held in memory at most; beyond it the oldest are dropped (and counted). */
  bufferLimit?: number;
  /** Rows per INSERT. */
  batchSize?: number;
  now?: () => number;
}

export interface RecorderStats {
  buffered: number;
  pendingFlags: number;
  stored: number;
  /** Dropped because the buffer was full (store away too long, or a flood). */
  dropped: number;
  /** Refused by the store as invalid data; dropped so that they cannot block the rest. */
  rejected: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const CODE = /^[a-z0-9_]{1,64}$/;
const SAFE_STRING = /^[A-Za-z0-9_./:*-]{1,64}$/;

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; store the address they really have. */
export function normalizeIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  return isIP(plain) ? plain : null;
}

/** Numbers, booleans and identifier-like strings only: a second line of defence against content. */
export function safeDetail(detail: SecurityDetail | undefined): SecurityDetail {
  const out: Record<string, number | boolean | string | null> = {};
  if (!detail) return out;
  for (const [name, value] of Object.entries(detail)) {
    if (!ID.test(name)) continue;
    if (typeof value === "number" ? Number.isFinite(value) : typeof value === "boolean" || value === null) {
      out[name] = value;
    } else if (typeof value === "string" && SAFE_STRING.test(value)) {
      out[name] = value;
    }
  }
  return out;
}

const isDataError = (error: unknown) => /^(22|23)/.test(String((error as { code?: unknown })?.code ?? ""));

/**
 * Buffers security events and rule trips in memory and writes them in batches off the request path.
 * record() never waits and never throws. When the store is away the buffer is kept and retried; when
 * it is full the oldest events go first. Logs carry counts and error codes only.
 */
export class SecurityEventRecorder {
  private buffer: SecurityEvent[] = [];
  private trips = new Map<string, AbuseTrip>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  private readonly counts = { stored: 0, dropped: 0, rejected: 0 };
  private readonly limit: number;
  private readonly now: () => number;

  constructor(private readonly options: RecorderOptions) {
    this.limit = options.bufferLimit ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get stats(): RecorderStats {
    return { buffered: this.buffer.length, pendingFlags: this.trips.size, ...this.counts };
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 1000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  record(input: SecurityEventInput): void {
    if (this.buffer.length >= this.limit) {
      this.buffer.shift();
      this.counts.dropped++;
    }
    this.buffer.push({
      occurredAt: input.occurredAt ?? new Date(this.now()),
      node: this.options.node,
      kind: input.kind,
      ip: normalizeIp(input.ip),
      accountId: input.accountId && ID.test(input.accountId) ? input.accountId : null,
      keyId: input.keyId && ID.test(input.keyId) ? input.keyId : null,
      code: input.code && CODE.test(input.code) ? input.code : null,
      detail: safeDetail(input.detail),
    });
  }

  /** Folds a rule trip into the pending flag for its subject; one upsert per subject and flush. */
  recordTrip(trip: RuleTrip): void {
    const key = `${trip.rule}\u0000${trip.subjectType}\u0000${trip.subject}`;
    const at = new Date(trip.at);
    const entry = { at: at.toISOString(), observed: trip.observed };
    const pending = this.trips.get(key);
    if (pending) {
      pending.lastSeen = at;
      pending.count++;
      pending.evidence.timeline = [...(pending.evidence.timeline ?? []), entry].slice(-TIMELINE_LIMIT);
      return;
    }
    if (this.trips.size >= this.limit) {
      this.counts.dropped++;
      return;
    }
    this.trips.set(key, {
      subjectType: trip.subjectType,
      subject: trip.subject,
      rule: trip.rule,
      firstSeen: at,
      lastSeen: at,
      count: 1,
      evidence: { ...trip.limits, node: this.options.node, timeline: [entry] },
    });
  }

  /** Writes everything buffered; concurrent calls share one run. Resolves even when the store is away. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    const db = this.options.store.pool;
    const size = this.options.batchSize ?? 1000;
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, size);
        try {
          this.counts.stored += await insertSecurityEvents(db, batch);
        } catch (error) {
          if (!isDataError(error)) {
            this.requeue(batch);
            throw error;
          }
          await this.insertOneByOne(batch);
        }
      }
      if (this.trips.size > 0) {
        const trips = [...this.trips.values()];
        this.trips = new Map();
        try {
          await upsertAbuseFlags(db, trips);
        } catch (error) {
          if (isDataError(error)) this.counts.rejected += trips.length;
          else for (const trip of trips) this.requeueTrip(trip);
          throw error;
        }
      }
      if (this.failing) {
        this.failing = false;
        this.options.logger?.info({ ...this.stats }, "security events are being stored again");
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        // The code only: a driver message can quote a value.
        const code = (error as { code?: unknown })?.code ?? "unknown";
        this.options.logger?.warn(
          { code, ...this.stats },
          "cannot store security events; keeping them in memory",
        );
      }
    }
  }

  private async insertOneByOne(batch: SecurityEvent[]): Promise<void> {
    for (const [index, event] of batch.entries()) {
      try {
        this.counts.stored += await insertSecurityEvents(this.options.store.pool, [event]);
      } catch (error) {
        if (!isDataError(error)) {
          this.requeue(batch.slice(index));
          throw error;
        }
        this.counts.rejected++;
      }
    }
  }

  private requeue(batch: SecurityEvent[]): void {
    this.buffer = batch.concat(this.buffer);
    const over = this.buffer.length - this.limit;
    if (over > 0) {
      this.buffer.splice(0, over);
      this.counts.dropped += over;
    }
  }

  private requeueTrip(trip: AbuseTrip): void {
    const key = `${trip.rule}\u0000${trip.subjectType}\u0000${trip.subject}`;
    const newer = this.trips.get(key);
    if (!newer) {
      this.trips.set(key, trip);
      return;
    }
    newer.firstSeen = trip.firstSeen;
    newer.count += trip.count;
    newer.evidence.timeline = [...(trip.evidence.timeline ?? []), ...(newer.evidence.timeline ?? [])].slice(
      -TIMELINE_LIMIT,
    );
  }
}
