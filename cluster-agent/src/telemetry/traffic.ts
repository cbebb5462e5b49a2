import type { TrafficStats__Output } from "@entrim/proto";

/** What the API reports of each finished public request; positional so the hot path allocates nothing. */
export interface TrafficRecorder {
  /**
   * @param status HTTP status the client got.
   * @param latencyMs From arrival to the response's last byte.
   * @param ttftMs From arrival to the first token; negative when none was measured (plain responses,
   *   refusals).
   */
  record(
    status: number,
    latencyMs: number,
    ttftMs: number,
    promptTokens: number,
    cachedTokens: number,
    completionTokens: number,
  ): void;
}

/** TrafficStats less what the window cannot know (in flight and queued come from the schedulers). */
export type WindowStats = Omit<TrafficStats__Output, "requestsInFlight" | "requestsQueued"> & {
  requestsInFlight: number;
  requestsQueued: number;
  /** Totals since start, for Prometheus counters. */
  clientErrorsTotal: number;
  serverErrorsTotal: number;
  cachedTokensTotal: number;
};

/**
 * Latency histogram buckets: 16 per doubling from 0.1 ms, so a bucket spans a factor 2^(1/16) and a
 * percentile reported at its bucket's geometric middle is within 2^(1/32) - 1 ≈ 2.2% of the true value.
 * 384 buckets reach 0.1 ms × 2^24 ≈ 28 minutes; anything longer lands in the last one.
 */
const MIN_MS = 0.1;
const PER_DOUBLING = 16;
const BUCKETS = 384;
/** The documented worst-case relative error of a reported percentile. */
export const PERCENTILE_RELATIVE_ERROR = 2 ** (1 / (2 * PER_DOUBLING)) - 1;

function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  const i = Math.ceil(Math.log2(ms / MIN_MS) * PER_DOUBLING);
  return i < BUCKETS ? i : BUCKETS - 1;
}

function bucketValue(i: number): number {
  return i === 0 ? MIN_MS : MIN_MS * 2 ** ((i - 0.5) / PER_DOUBLING);
}

/** Counter slots per second bucket. */
const REQUESTS = 0;
const CLIENT_ERRORS = 1;
const SERVER_ERRORS = 2;
const PROMPT = 3;
const CACHED = 4;
const COMPLETION = 5;
const COUNTERS = 6;

export interface TrafficWindowOptions {
  /** Seconds the rates and percentiles cover (default 60). */
  windowSeconds?: number;
  /** Clock (epoch ms); tests inject one. */
  now?: () => number;
}

/**
 * The last `windowSeconds` of finished requests in one bucket per second: counters and two log-bucket
 * histograms (latency, TTFT) each. Recording touches a handful of preallocated typed-array cells; the
 * window is summed only when read (once per telemetry sample, not per request).
 */
export class TrafficWindow implements TrafficRecorder {
  private readonly seconds: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  /** Which epoch second each slot holds; a slot from an older second is cleared before reuse. */
  private readonly slotSecond: Float64Array;
  private readonly counters: Float64Array;
  private readonly latency: Uint32Array;
  private readonly ttft: Uint32Array;
  private readonly merged = new Float64Array(BUCKETS);
  private requestsTotal = 0;
  private clientErrorsTotal = 0;
  private serverErrorsTotal = 0;
  private promptTotal = 0;
  private cachedTotal = 0;
  private completionTotal = 0;

  constructor(options: TrafficWindowOptions = {}) {
    this.seconds = options.windowSeconds ?? 60;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.slotSecond = new Float64Array(this.seconds).fill(-1);
    this.counters = new Float64Array(this.seconds * COUNTERS);
    this.latency = new Uint32Array(this.seconds * BUCKETS);
    this.ttft = new Uint32Array(this.seconds * BUCKETS);
  }

  record(
    status: number,
    latencyMs: number,
    ttftMs: number,
    promptTokens: number,
    cachedTokens: number,
    completionTokens: number,
  ): void {
    const slot = this.slot(Math.floor(this.now() / 1000));
    const c = slot * COUNTERS;
    const counters = this.counters;
    counters[c + REQUESTS]!++;
    if (status >= 500) {
      counters[c + SERVER_ERRORS]!++;
      this.serverErrorsTotal++;
    } else if (status >= 400) {
      counters[c + CLIENT_ERRORS]!++;
      this.clientErrorsTotal++;
    }
    counters[c + PROMPT]! += promptTokens;
    counters[c + CACHED]! += cachedTokens;
    counters[c + COMPLETION]! += completionTokens;
    this.latency[slot * BUCKETS + bucketOf(latencyMs)]!++;
    if (ttftMs >= 0) this.ttft[slot * BUCKETS + bucketOf(ttftMs)]!++;
    this.requestsTotal++;
    this.promptTotal += promptTokens;
    this.cachedTotal += cachedTokens;
    this.completionTotal += completionTokens;
  }

  /** Rates, percentiles and error counts over the window, totals since start. */
  stats(): WindowStats {
    const nowMs = this.now();
    const current = Math.floor(nowMs / 1000);
    const sums = new Float64Array(COUNTERS);
    const live: number[] = [];
    for (let slot = 0; slot < this.seconds; slot++) {
      const second = this.slotSecond[slot]!;
      if (second <= current - this.seconds || second > current) continue;
      live.push(slot);
      for (let k = 0; k < COUNTERS; k++) sums[k]! += this.counters[slot * COUNTERS + k]!;
    }
    // Rates divide by the time the live slots actually cover: from the start of the oldest second to
    // now (the current second is partial), or since start for an agent younger than the window.
    const oldest = (current - this.seconds + 1) * 1000;
    const span = Math.max(1, (nowMs - Math.max(oldest, this.startedAt)) / 1000);
    const requests = sums[REQUESTS]!;
    const [ttftP50Ms, ttftP95Ms, ttftP99Ms] = this.percentiles(this.ttft, live);
    const [latencyP50Ms, latencyP95Ms, latencyP99Ms] = this.percentiles(this.latency, live);
    return {
      requestsInFlight: 0,
      requestsQueued: 0,
      requestsPerSecond: requests / span,
      promptTokensPerSecond: sums[PROMPT]! / span,
      completionTokensPerSecond: sums[COMPLETION]! / span,
      ttftP50Ms,
      ttftP95Ms,
      ttftP99Ms,
      latencyP50Ms,
      latencyP95Ms,
      latencyP99Ms,
      clientErrors: sums[CLIENT_ERRORS]!,
      serverErrors: sums[SERVER_ERRORS]!,
      errorRate: requests > 0 ? sums[SERVER_ERRORS]! / requests : 0,
      cacheHitRate: sums[PROMPT]! > 0 ? sums[CACHED]! / sums[PROMPT]! : 0,
      requestsTotal: this.requestsTotal,
      promptTokensTotal: this.promptTotal,
      completionTokensTotal: this.completionTotal,
      clientErrorsTotal: this.clientErrorsTotal,
      serverErrorsTotal: this.serverErrorsTotal,
      cachedTokensTotal: this.cachedTotal,
    };
  }

  private slot(second: number): number {
    const slot = second % this.seconds;
    if (this.slotSecond[slot] !== second) {
      this.slotSecond[slot] = second;
      this.counters.fill(0, slot * COUNTERS, (slot + 1) * COUNTERS);
      this.latency.fill(0, slot * BUCKETS, (slot + 1) * BUCKETS);
      this.ttft.fill(0, slot * BUCKETS, (slot + 1) * BUCKETS);
    }
    return slot;
  }

  /** p50, p95, p99 (nearest rank) over the live slots; 0 when the window holds no sample. */
  private percentiles(histogram: Uint32Array, live: number[]): [number, number, number] {
    const merged = this.merged.fill(0);
    let count = 0;
    for (const slot of live) {
      const base = slot * BUCKETS;
      for (let i = 0; i < BUCKETS; i++) merged[i]! += histogram[base + i]!;
    }
    for (let i = 0; i < BUCKETS; i++) count += merged[i]!;
    if (count === 0) return [0, 0, 0];
    const out: [number, number, number] = [0, 0, 0];
    const ranks = [Math.ceil(0.5 * count), Math.ceil(0.95 * count), Math.ceil(0.99 * count)];
    let seen = 0;
    let next = 0;
    for (let i = 0; i < BUCKETS && next < 3; i++) {
      seen += merged[i]!;
      while (next < 3 && seen >= ranks[next]!) out[next++] = bucketValue(i);
    }
    return out;
  }
}
