// Reconnect delays: exponential with full jitter so a fleet of consoles does not reconnect in step after
// an agent restarts, capped so a node coming back is noticed within seconds.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly options: BackoffOptions = { initialMs: 250, maxMs: 10_000 }) {}

  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt++;
    const random = this.options.random ?? Math.random;
    // Never below half the ceiling: full jitter alone can retry immediately in a tight loop.
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}
