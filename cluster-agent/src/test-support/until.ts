import { setTimeout as sleep } from "node:timers/promises";

export interface UntilOptions {
  /** Fails after this long; default 30 s. */
  timeoutMs?: number;
  /** Pause between checks; default 50 ms. */
  intervalMs?: number;
}

/** What `until` returns: the check's value, never a falsy one. */
export type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/**
 * Polls `check` until it returns a truthy value and returns that value; fails naming `what` after
 * `timeoutMs`. The one polling helper of every test: state that arrives by NOTIFY, a spool or a
 * timer is waited for, never slept for, and the wait ends as soon as the state is there.
 */
export async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 30_000, intervalMs = 50 }: UntilOptions = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(intervalMs);
  }
}
