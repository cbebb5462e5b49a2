/**
 * Health of one model version as its runtime sees it: every generation's outcome and duration. The
 * rollout gates need numbers of the *new* version only, and the node's TrafficWindow mixes every model
 * and version (and counts refusals that are not the version's fault), so each version the reconciler
 * builds gets its own tally by wrapping its runtime.
 */
import type { Runtime } from "../runtime/types.js";

const MAX_SAMPLES = 20_000;

export class VersionHealthTally {
  /** Epoch ms when each generation ended, its duration, and whether it failed; a ring of samples. */
  private readonly at = new Float64Array(MAX_SAMPLES);
  private readonly ms = new Float64Array(MAX_SAMPLES);
  private readonly failed = new Uint8Array(MAX_SAMPLES);
  private count = 0;
  /** Samples before this are ignored: warm-up generations are the rotation's, not customers'. */
  private since = 0;

  constructor(private readonly now: () => number = Date.now) {}

  record(durationMs: number, ok: boolean): void {
    const i = this.count % MAX_SAMPLES;
    this.at[i] = this.now();
    this.ms[i] = durationMs;
    this.failed[i] = ok ? 0 : 1;
    this.count++;
  }

  /** Forgets everything recorded so far (called when the version starts taking customers). */
  reset(): void {
    this.since = this.count;
  }

  /** Requests, failures and p95 duration of the generations that ended in the last `windowSeconds`. */
  stats(windowSeconds: number): { requests: number; errors: number; p95Ms: number } {
    const from = this.now() - windowSeconds * 1000;
    const durations: number[] = [];
    let errors = 0;
    const first = Math.max(this.since, this.count - MAX_SAMPLES);
    for (let k = first; k < this.count; k++) {
      const i = k % MAX_SAMPLES;
      if (this.at[i]! < from) continue;
      durations.push(this.ms[i]!);
      errors += this.failed[i]!;
    }
    durations.sort((a, b) => a - b);
    const p95Ms = durations.length > 0 ? durations[Math.ceil(0.95 * durations.length) - 1]! : 0;
    return { requests: durations.length, errors, p95Ms };
  }
}

/**
 * The runtime with generate() measured into `tally`. A generation that rejects is a failure; one the
 * client cancelled is not counted at all (its duration says nothing about the version).
 */
export function measuredRuntime(runtime: Runtime, tally: VersionHealthTally): Runtime {
  return new Proxy(runtime, {
    get(target, property, receiver) {
      if (property !== "generate") {
        const value = Reflect.get(target, property, receiver);
        // Methods run against the real runtime: its private fields do not exist on the proxy.
        return typeof value === "function" ? value.bind(target) : value;
      }
      return async (...args: Parameters<Runtime["generate"]>) => {
        const started = performance.now();
        try {
          const result = await target.generate(...args);
          if (!result.aborted) tally.record(performance.now() - started, true);
          return result;
        } catch (error) {
          tally.record(performance.now() - started, false);
          throw error;
        }
      };
    },
  });
}
