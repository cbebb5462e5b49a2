/**
 * A per-minute usage counter with a hard bound: whatever `add` counted stays counted for strictly
 * more than `windowMs`, so the amounts admitted in ANY sliding window of `windowMs` never exceed what
 * the caller allowed at the moment of the last admission in it (see docs/rate-limits.md).
 *
 * Usage is kept in `ceil(windowMs / bucketMs) + 1` buckets of `bucketMs` (61 one-second buckets for a
 * minute): an amount added in bucket b expires when bucket b + 61 begins, i.e. between 60 and 61 s
 * after it was added. The extra bucket is what turns the usual "approximately a minute" of bucketed
 * counters into "never less than a minute"; the price is up to one bucket of conservatism (up to two
 * where `bucketMs` does not divide `windowMs`).
 * Memory is one small array of numbers (on the heap: a typed array's separate buffer would cost
 * more than the counts for the abuse rules' 13-entry rings, one per client address); every operation
 * is O(1) amortised and allocates nothing.
 */
export class SlidingWindow {
  private readonly counts: number[];
  private readonly slots: number;
  private total = 0;
  /** Absolute number (time / bucketMs) of the newest bucket the ring holds. */
  private head = Number.NEGATIVE_INFINITY;

  constructor(
    readonly windowMs = 60_000,
    readonly bucketMs = 1_000,
  ) {
    if (!(bucketMs > 0 && windowMs >= bucketMs)) throw new Error("needs 0 < bucketMs <= windowMs");
    this.slots = Math.ceil(windowMs / bucketMs) + 1;
    this.counts = Array.from({ length: this.slots }, () => 0);
  }

  /** What is counted at `now`. */
  used(now: number): number {
    this.advance(now);
    return this.total;
  }

  /** Counts `amount` at `now`; returns the bucket it went into, for a later `adjust`. */
  add(now: number, amount: number): number {
    this.advance(now);
    this.counts[this.head % this.slots]! += amount;
    this.total += amount;
    return this.head;
  }

  /**
   * Changes what an earlier `add` counted (a negative delta gives back the unused part of a
   * reservation). A bucket that has already expired is left alone: what it held no longer counts.
   */
  adjust(bucket: number, delta: number, now: number): void {
    this.advance(now);
    if (bucket <= this.head - this.slots) return;
    const slot = bucket % this.slots;
    const next = Math.max(0, this.counts[slot]! + delta);
    this.total += next - this.counts[slot]!;
    this.counts[slot] = next;
  }

  /**
   * Milliseconds from `now` until at most `allowed` remains counted: when a request needing
   * `limit - allowed` fits again. 0 if it already fits.
   */
  msUntilAtMost(allowed: number, now: number): number {
    this.advance(now);
    if (this.total <= allowed) return 0;
    let left = this.total;
    for (let bucket = this.head - this.slots + 1; bucket <= this.head; bucket++) {
      left -= this.counts[bucket % this.slots]!;
      if (left <= allowed) return this.expiry(bucket) - now;
    }
    return this.expiry(this.head) - now;
  }

  /** Milliseconds from `now` until nothing is counted any more (OpenAI's "reset" headers). */
  msUntilEmpty(now: number): number {
    this.advance(now);
    if (this.total <= 0) return 0;
    for (let bucket = this.head; bucket > this.head - this.slots; bucket--) {
      if (this.counts[bucket % this.slots]! > 0) return this.expiry(bucket) - now;
    }
    return 0;
  }

  private expiry(bucket: number): number {
    return (bucket + this.slots) * this.bucketMs;
  }

  private advance(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    if (bucket <= this.head) return;
    if (bucket - this.head >= this.slots) {
      this.counts.fill(0);
      this.total = 0;
    } else {
      for (let b = this.head + 1; b <= bucket; b++) {
        const slot = b % this.slots;
        this.total -= this.counts[slot]!;
        this.counts[slot] = 0;
      }
      // Float sums of integers stay exact below 2^53; this only guards against drift from refunds.
      if (this.total < 0.5) this.total = 0;
    }
    this.head = bucket;
  }
}
