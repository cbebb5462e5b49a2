import { CoalescedTask } from "../common/coalesce.js";
import { HintQueue } from "../common/hints.js";
import type { Store } from "./store.js";

export interface StoreMirrorOptions {
  store: Pick<Store, "listen">;
  /** The channel the tables' triggers notify on. */
  channel: string;
  /**
   * The full read of the tables into memory. Rejecting keeps what the mirror already holds; the load
   * logs its own failure (the background triggers only swallow it).
   */
  load: (reason: string) => Promise<void>;
  /** Full reload, a safety net under NOTIFY and the repair for missed notifications. */
  resyncIntervalMs: number;
  /**
   * Without hints every notification means "something changed": a full reload (coalesced). With
   * them a payload names rows (`key` returns their key, or undefined when it cannot be read), which
   * `read` re-reads from the tables, batched one query at a time (see HintQueue). A payload is only
   * ever a hint: what it says about a row is never applied.
   */
  hints?: {
    key: (payload: string) => string | undefined;
    read: (keys: string[]) => Promise<void>;
  };
  /** What a background reload's failure (interval, reconnect, notification) is handed to; ignored by default. */
  onBackgroundError?: (error: Error, reason: string) => void;
}

/**
 * The lifecycle every in-memory copy of a store table shares: LISTEN on the channel, then the first
 * full load, then a full reload on a timer and after every reconnect of the LISTEN connection
 * (notifications sent while it was away are lost). The order is the subtle part: LISTEN is in effect
 * before the first load reads the tables, so a change committed between the two is seen by one or the
 * other, never by neither. Reloads coalesce (CoalescedTask): a trigger during a run queues exactly
 * one more, so `await resync()` always means "a load that began after this call has finished".
 */
export class StoreMirror {
  readonly #reloads: CoalescedTask;
  readonly #hints: HintQueue | undefined;
  #unlisten: (() => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StoreMirrorOptions) {
    this.#reloads = new CoalescedTask(options.load);
    const hints = options.hints;
    this.#hints = hints && new HintQueue({ read: hints.read, reload: () => this.resync("notifications") });
  }

  /** LISTEN, then the first load; rejects if either fails. The timer starts once the load succeeded. */
  async start(): Promise<void> {
    this.#unlisten = await this.options.store.listen(
      this.options.channel,
      (payload) => this.#onPayload(payload),
      {
        onReconnect: () => this.#background("reconnect"),
      },
    );
    await this.resync("start");
    this.#timer = setInterval(() => this.#background("interval"), this.options.resyncIntervalMs).unref();
  }

  /** Stops the timer and the LISTEN, and waits for a re-read of hinted rows under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#unlisten?.();
    this.#unlisten = undefined;
    await this.#hints?.running?.catch(() => {});
  }

  /** A full reload; concurrent calls coalesce. Rejects (keeping the old state) when the load fails. */
  resync(reason: string): Promise<void> {
    return this.#reloads.trigger(reason);
  }

  /** The reload under way or queued, if any (for shutdown to wait on). */
  get running(): Promise<void> | undefined {
    return this.#reloads.running;
  }

  #background(reason: string): void {
    this.resync(reason).catch((error: Error) => this.options.onBackgroundError?.(error, reason));
  }

  #onPayload(payload: string): void {
    const key = this.options.hints?.key(payload);
    // An unreadable payload still says that something changed: reload all (coalesced).
    if (this.#hints && key !== undefined) this.#hints.add(key).catch(() => {});
    else this.#background(this.#hints ? "unreadable notification" : "notify");
  }
}
