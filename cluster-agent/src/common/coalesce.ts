/**
 * Runs an idempotent task (a cache's full reload) so that concurrent triggers share one run, and a
 * trigger that arrives during a run queues exactly one more run after it: the data the late trigger
 * wanted to see may have changed after the running reload read it.
 */
export class CoalescedTask {
  #running: Promise<void> | undefined;
  #again: string | undefined;

  constructor(private readonly task: (reason: string) => Promise<void>) {}

  /** The run in progress, if any (for shutdown to wait on). */
  get running(): Promise<void> | undefined {
    return this.#running;
  }

  trigger(reason: string): Promise<void> {
    if (this.#running) {
      this.#again = reason;
      return this.#running;
    }
    this.#running = this.task(reason).finally(() => {
      this.#running = undefined;
      const again = this.#again;
      this.#again = undefined;
      if (again) void this.trigger(again).catch(() => {});
    });
    return this.#running;
  }
}
