import type { CancelSignal } from "../common/cancellation.js";
import { ApiError } from "../common/errors.js";

export interface SchedulerOptions {
  /** Name shown in overload errors (the public model id). */
  name: string;
  /** Generations that may run at once: the runtime's slots. */
  slots: number;
  /** Requests that may wait for a slot; beyond it new requests get 503 at once. */
  queueLimit: number;
  /** A waiter that gets no slot in this time gets 503. */
  queueTimeoutMs: number;
}

/** Held while a generation runs; release exactly once (further calls are ignored). */
export type Release = () => void;

interface Waiter {
  account: string;
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  signal: CancelSignal;
  onAbort: () => void;
}

/** Thrown to a waiter whose client went away; the API layer sends nothing more for it. */
export class ClientGoneError extends Error {
  constructor() {
    super("client disconnected while queued");
    this.name = "ClientGoneError";
  }
}

/**
 * Admits generations to a runtime's slots. Waiting is bounded (a full queue answers 503 instead of
 * holding memory without limit) and fair across accounts: each account has its own FIFO, and freed
 * slots go to accounts in round-robin order, so one account's burst cannot starve the others.
 */
export class Scheduler {
  private active = 0;
  private queued = 0;
  /** Insertion order is the round-robin order; an account is moved to the end after it is served. */
  private readonly queues = new Map<string, Waiter[]>();
  private admittedTotal = 0;
  private rejectedTotal = 0;

  constructor(private readonly options: SchedulerOptions) {}

  /** How long a request may wait for a slot; requests held for a rotating model wait as long. */
  get queueTimeoutMs(): number {
    return this.options.queueTimeoutMs;
  }

  acquire(account: string, signal: CancelSignal): Promise<Release> {
    if (signal.aborted) return Promise.reject(new ClientGoneError());
    if (this.active < this.options.slots && this.queued === 0) {
      this.active++;
      this.admittedTotal++;
      return Promise.resolve(this.makeRelease());
    }
    if (this.queued >= this.options.queueLimit) {
      this.rejectedTotal++;
      return Promise.reject(this.overloaded("queue is full"));
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        account,
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.remove(waiter);
          reject(new ClientGoneError());
        },
        timer: setTimeout(() => {
          this.remove(waiter);
          this.rejectedTotal++;
          reject(this.overloaded("no slot became free in time"));
        }, this.options.queueTimeoutMs),
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      let queue = this.queues.get(account);
      if (!queue) {
        queue = [];
        this.queues.set(account, queue);
      }
      queue.push(waiter);
      this.queued++;
    });
  }

  stats(): { active: number; queued: number; slots: number; admittedTotal: number; rejectedTotal: number } {
    return {
      active: this.active,
      queued: this.queued,
      slots: this.options.slots,
      admittedTotal: this.admittedTotal,
      rejectedTotal: this.rejectedTotal,
    };
  }

  private makeRelease(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.dispatch();
    };
  }

  private dispatch(): void {
    while (this.active < this.options.slots && this.queued > 0) {
      const next = this.queues.entries().next();
      if (next.done) return;
      const [account, queue] = next.value;
      const waiter = queue.shift()!;
      this.queues.delete(account);
      if (queue.length > 0) this.queues.set(account, queue);
      this.queued--;
      clearTimeout(waiter.timer);
      waiter.signal.removeEventListener("abort", waiter.onAbort);
      this.active++;
      this.admittedTotal++;
      waiter.resolve(this.makeRelease());
    }
  }

  private remove(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.signal.removeEventListener("abort", waiter.onAbort);
    const queue = this.queues.get(waiter.account);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    this.queued--;
    if (queue.length === 0) this.queues.delete(waiter.account);
  }

  private overloaded(why: string): ApiError {
    const retryAfter = Math.min(30, Math.max(1, Math.ceil(this.queued / Math.max(1, this.options.slots))));
    return new ApiError(
      503,
      "server_error",
      `The model \`${this.options.name}\` is overloaded (${why}). Retry after ${retryAfter} s.`,
      null,
      "model_overloaded",
      { "retry-after": String(retryAfter) },
    );
  }
}
