// Sliding-window throttles for login and the emails a stranger can trigger (reset, verification):
// per account (email address) and per client address. Counted in this agent's memory: behind a
// balancer each agent counts alone, so the cluster allows up to (agents × max); the IP blocker's
// suspension is what stops a spread-out attack everywhere at once.
import { ApiError } from "../common/errors.js";

export interface Allowance {
  max: number;
  windowSeconds: number;
}

export class Throttle {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly allowance: Allowance,
    /** Keys tracked at once; the least recently hit is forgotten beyond it (memory stays bounded). */
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds until `key` may try again at `now`; 0 while it is under its allowance. */
  retryAfter(key: string, now: number): number {
    const times = this.live(key, now);
    if (times.length < this.allowance.max) return 0;
    return Math.max(1, Math.ceil((times[0]! + this.allowance.windowSeconds * 1000 - now) / 1000));
  }

  hit(key: string, now: number): void {
    const times = this.live(key, now);
    this.hits.delete(key); // re-inserted: Map order is least recently hit first
    times.push(now);
    if (times.length > this.allowance.max) times.shift();
    this.hits.set(key, times);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
  }

  clear(key: string): void {
    this.hits.delete(key);
  }

  private live(key: string, now: number): number[] {
    const times = this.hits.get(key) ?? [];
    const since = now - this.allowance.windowSeconds * 1000;
    while (times.length > 0 && times[0]! <= since) times.shift();
    return times;
  }
}

export function throttled(seconds: number, what: string): ApiError {
  return new ApiError(
    429,
    "rate_limit_error",
    `Too many ${what}. Wait ${seconds} seconds, then try again.`,
    null,
    "throttled",
    { "retry-after": String(seconds) },
  );
}
