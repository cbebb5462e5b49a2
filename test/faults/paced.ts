import type { Outcome, SdkLoad } from "./harness.js";

/**
 * Constant load through an SdkLoad, but with the habit of a real client: after a failed request a
 * worker waits `backoffMs` before the next one. While a node is down, connection refusals come back
 * in microseconds; without the pause a handful of workers would count thousands of attempts that no
 * client makes. Every request is still recorded by the SdkLoad.
 */
export class PacedLoad {
  /** Every request with when it left and when its outcome came back (epoch ms), in order of return. */
  readonly timeline: { outcome: Outcome; startedAt: number; endedAt: number }[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    readonly load: SdkLoad,
    private readonly o: { workers?: number; backoffMs?: number; prompts?: string[] } = {},
  ) {}

  start(): this {
    this.running = true;
    const workers = this.o.workers ?? 4;
    const prompts = this.o.prompts ?? ["Say hello.", "Count to three.", "Name a colour."];
    this.loops = Array.from({ length: workers }, async (_, w) => {
      for (let i = w; this.running; i += workers) {
        const startedAt = Date.now();
        const outcome = await this.load.once(prompts[i % prompts.length]!);
        this.timeline.push({ outcome, startedAt, endedAt: Date.now() });
        if (!outcome.ok) await new Promise((resolve) => setTimeout(resolve, this.o.backoffMs ?? 100));
      }
    });
    return this;
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
    return this.load.outcomes;
  }
}
