/**
 * Runs an idempotent task (a cache's full reload) so that concurrent triggers share one run, and a
 * trigger that arrives during a run queues exactly one more run after it: the data the late trigger
 * wanted to see may have changed after the running reload read it. So a late trigger resolves with
 * that queued run, never with the one already under way, and `await trigger()` always means "a run
 * that began after this call has finished".
 */
export class CoalescedTask {
  #running: Promise<void> | undefined;
  /** The run queued behind #running, not yet begun; every trigger meanwhile joins it (the last reason wins). */
  #queued: { reason: string; promise: Promise<void> } | undefined;

  constructor(private readonly task: (reason: string) => Promise<void>) {}

  /** The last run begun or queued, if any (for shutdown to wait on). */
  get running(): Promise<void> | undefined {
    return this.#queued?.promise ?? this.#running;
  }

  trigger(reason: string): Promise<void> {
    if (this.#queued) {
      this.#queued.reason = reason;
      return this.#queued.promise;
    }
    if (!this.#running) return this.#start(reason);
    const queued = { reason, promise: Promise.resolve() };
    queued.promise = this.#running
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        return this.#start(queued.reason);
      });
    // A late trigger's caller may ignore the result, as the callers of a queued reload used to.
    queued.promise.catch(() => {});
    this.#queued = queued;
    return queued.promise;
  }

  #start(reason: string): Promise<void> {
    const run = this.task(reason).finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }
}
