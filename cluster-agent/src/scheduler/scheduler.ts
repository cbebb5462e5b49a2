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
  /**
   * The fraction of queueLimit one account's waiting requests may take (default 0.5; at least one
   * place): past it that account's new requests get 429 while other accounts still queue.
   */
  accountQueueShare?: number;
}

export const DEFAULT_ACCOUNT_QUEUE_SHARE = 0.5;

/** Places in the queue one account may hold: its share of the queue, at least one. */
export function accountQueueLimit(queueLimit: number, share = DEFAULT_ACCOUNT_QUEUE_SHARE): number {
  return Math.max(1, Math.floor(queueLimit * share));
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
 * slots go to accounts in round-robin order, so one account's burst cannot starve the others. Round
 * robin alone does not stop one account from taking every place in the queue, so that the others are
 * refused before they could wait their turn: each account may hold only its share of the places.
 */
export class Scheduler {
  private active = 0;
  private queued = 0;
  /** Insertion order is the round-robin order; an account is moved to the end after it is served. */
  private readonly queues = new Map<string, Waiter[]>();
  private admittedTotal = 0;
  private rejectedTotal = 0;

  private readonly perAccount: number;

  constructor(private readonly options: SchedulerOptions) {
    this.perAccount = accountQueueLimit(options.queueLimit, options.accountQueueShare);
  }

  /**
   * Refuses at once what acquire() would refuse now for want of a place in the queue, so a request
   * that cannot wait is turned away before the work that comes before queueing (tokenizing it).
   * acquire() checks again: the queue may have changed in between.
   */
  checkRoom(account: string): void {
    if (this.active < this.options.slots && this.queued === 0) return;
    const refusal = this.refusal(account);
    if (refusal) {
      this.rejectedTotal++;
      throw refusal;
    }
  }

  /** Places this node's queue gives one account; for tests and documentation of the running config. */
  get accountQueueLimit(): number {
    return this.perAccount;
  }

  /** How long a request may wait for a slot; requests held for a rotating model wait as long. */
  get queueTimeoutMs(): number {
    return this.options.queueTimeoutMs;
  }

  /**
   * A slot now, or null: never queues. For a request that already holds a slot and could use another
   * (n choices); taking only free slots, with no one waiting, keeps holders from waiting on each other.
   */
  tryAcquire(): Release | null {
    if (this.active >= this.options.slots || this.queued > 0) return null;
    this.active++;
    return this.makeRelease();
  }

  acquire(account: string, signal: CancelSignal): Promise<Release> {
    if (signal.aborted) return Promise.reject(new ClientGoneError());
    if (this.active < this.options.slots && this.queued === 0) {
      this.active++;
      this.admittedTotal++;
      return Promise.resolve(this.makeRelease());
    }
    const refusal = this.refusal(account);
    if (refusal) {
      this.rejectedTotal++;
      return Promise.reject(refusal);
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

  /** Why a request of `account` cannot wait now, or undefined when it can. */
  private refusal(account: string): ApiError | undefined {
    // The account's own share first: it is what the account can change, and what it is told. A share
    // as large as the whole queue (a queue of one place, or a share of 1) is no share: a full queue
    // is then the model's overload, for everyone alike.
    const mine = this.queues.get(account)?.length ?? 0;
    if (mine >= this.perAccount && this.perAccount < this.options.queueLimit) return this.shareExceeded(mine);
    if (this.queued >= this.options.queueLimit) return this.overloaded("queue is full");
    return undefined;
  }

  private shareExceeded(waiting: number): ApiError {
    // A hint that grows with the account's backlog, as for a full queue; not a promise.
    const retryAfter = Math.min(30, Math.max(1, Math.ceil(waiting / Math.max(1, this.options.slots))));
    return new ApiError(
      429,
      "requests",
      `Too many requests of this account are waiting for the model \`${this.options.name}\` (${waiting}, the most one account may queue on this server). Wait for some to finish, then retry after ${retryAfter} s.`,
      null,
      "queue_share_exceeded",
      { "retry-after": String(retryAfter) },
    );
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
