import type { TokenUsage } from "../domain/token-usage.js";
import type { LimitValues } from "../store/limits.js";
import type { AdmissionGate, Reservation, ReservationRequest } from "./gate.js";
import {
  concurrencyExceeded,
  formatDuration,
  msUntilNextMonth,
  requestsExceeded,
  type Scope,
  spendCapReached,
  tokensExceeded,
} from "./rate-limit-errors.js";
import { SlidingWindow } from "./sliding-window.js";

/** Where limits come from (the LimitsCache): an account's own row, and a key's overrides. */
export interface LimitLookup {
  account(accountId: string): LimitValues | undefined;
  key(keyId: string): LimitValues | undefined;
}

/** This node's share of a cluster-wide limit (ClusterShare); without one a node enforces it whole. */
export interface ShareSource {
  share(limit: number): number;
}

export interface RateLimiterOptions {
  limits: LimitLookup;
  shares?: ShareSource | undefined;
  /** EUR the account spent this calendar month; the spend cap is enforced only when this is given. */
  spendSource?: ((accountId: string) => number | undefined) | undefined;
  /** EUR the key spent this calendar month, for keys with a spend cap of their own. */
  keySpendSource?: ((keyId: string) => number | undefined) | undefined;
  now?: () => number;
  /** How often idle counters are dropped (default 60 s). */
  sweepIntervalMs?: number;
}

/** Usage of one key or one account on this node. Windows exist only once a limit needs them. */
class Usage {
  requests: SlidingWindow | undefined;
  tokens: SlidingWindow | undefined;
  inFlight = 0;
}

interface RequestContext {
  keyLimits: LimitValues | undefined;
  key: Usage | undefined;
  accountLimits: LimitValues | undefined;
  account: Usage | undefined;
  now: number;
}

const WHOLE: ShareSource = { share: (limit) => limit };
const NO_BUCKET = Number.NaN;

/** Header names per limit family, written once (names built per request cost a string each). */
interface FamilyHeaders {
  limit: string;
  remaining: string;
  reset: string;
}
const REQUESTS_HEADERS: FamilyHeaders = {
  limit: "x-ratelimit-limit-requests",
  remaining: "x-ratelimit-remaining-requests",
  reset: "x-ratelimit-reset-requests",
};
const TOKENS_HEADERS: FamilyHeaders = {
  limit: "x-ratelimit-limit-tokens",
  remaining: "x-ratelimit-remaining-tokens",
  reset: "x-ratelimit-reset-tokens",
};

/**
 * The rate-limit stage of admission: per key and per account, requests per minute, tokens per
 * minute, requests at once and a monthly spend cap. Everything is decided synchronously in
 * `reserve`, in memory, before the request runs, and before its prompt is even tokenized: the request
 * counts against the per-minute window at once, and so do an upper bound on its prompt tokens plus its
 * whole completion budget; `reconcile` brings that down to the exact count once the prompt is
 * tokenized, and `settle` gives back what it did not use. Concurrent requests therefore cannot
 * overshoot a limit: each sees the others' reservations. The algorithm and its exact bounds are in
 * docs/rate-limits.md.
 */
export class RateLimiter implements AdmissionGate {
  private readonly keys = new Map<string, Usage>();
  private readonly accounts = new Map<string, Usage>();
  private readonly now: () => number;
  private readonly shares: ShareSource;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.shares = options.shares ?? WHOLE;
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.options.sweepIntervalMs ?? 60_000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Counters tracked (keys + accounts), for tests and metrics. */
  get tracked(): number {
    return this.keys.size + this.accounts.size;
  }

  reserve(request: ReservationRequest): Reservation | undefined {
    const { keyId, accountId } = request.principal;
    const keyLimits = this.options.limits.key(keyId);
    const accountLimits = this.options.limits.account(accountId);
    if (keyLimits === undefined && accountLimits === undefined) return undefined;
    const now = this.now();
    const need = request.promptTokens + request.maxTokens;
    const key = keyLimits && usageOf(this.keys, keyId, keyLimits);
    const account = accountLimits && usageOf(this.accounts, accountId, accountLimits);
    // reserve() runs to completion synchronously, so the request's context can live on the instance
    // for the refusal headers instead of in a fresh object per request.
    this.setCurrent(keyLimits, key, accountLimits, account, now);

    this.checkConcurrency("key", keyLimits, key);
    this.checkConcurrency("account", accountLimits, account);
    this.checkSpend("key", keyLimits?.spendCapEur, this.options.keySpendSource, keyId, now);
    this.checkSpend("account", accountLimits?.spendCapEur, this.options.spendSource, accountId, now);
    this.checkRequests("key", keyLimits, key, now);
    this.checkRequests("account", accountLimits, account, now);
    this.checkTokens("key", keyLimits, key, need, now);
    this.checkTokens("account", accountLimits, account, need, now);

    // Every check passed: commit to all counters together, so a refusal never leaves a partial charge.
    const keyBucket = this.commit(key, keyLimits, need, now);
    const accountBucket = this.commit(account, accountLimits, need, now);
    const holder = { keyLimits, key, accountLimits, account };
    return new Held(this, holder, keyBucket, accountBucket, need, now);
  }

  /**
   * A reservation's tokens change from `held` to `need` (its exact count replaces the bound it was
   * admitted on). Growth is checked like a new reservation, so even a tokenizer that beats the bound
   * cannot push a window over its limit; shrinking always succeeds. Returns the time it resized at,
   * which the reservation's headers are then made for.
   */
  resize(holder: Holder, keyBucket: number, accountBucket: number, held: number, need: number): number {
    const { keyLimits, key, accountLimits, account } = holder;
    const now = this.now();
    this.setCurrent(keyLimits, key, accountLimits, account, now);
    if (need > held) {
      this.checkTokens("key", keyLimits, key, need, now, held);
      this.checkTokens("account", accountLimits, account, need, now, held);
    }
    const delta = need - held;
    if (delta !== 0) {
      if (key?.tokens && !Number.isNaN(keyBucket)) key.tokens.adjust(keyBucket, delta, now);
      if (account?.tokens && !Number.isNaN(accountBucket)) account.tokens.adjust(accountBucket, delta, now);
    }
    return now;
  }

  private commit(
    usage: Usage | undefined,
    limits: LimitValues | undefined,
    need: number,
    now: number,
  ): number {
    if (!usage || !limits) return NO_BUCKET;
    usage.inFlight++;
    usage.requests?.add(now, 1);
    return usage.tokens ? usage.tokens.add(now, need) : NO_BUCKET;
  }

  /** Gives back a settled reservation's unused tokens (or charges what it used beyond them). */
  release(usage: Usage | undefined, bucket: number, delta: number): void {
    if (!usage) return;
    usage.inFlight--;
    if (delta !== 0 && usage.tokens && !Number.isNaN(bucket)) usage.tokens.adjust(bucket, delta, this.now());
  }

  private checkConcurrency(scope: Scope, limits: LimitValues | undefined, usage: Usage | undefined): void {
    const limit = limits?.concurrency ?? null;
    if (limit === null || !usage) return;
    const share = this.shares.share(limit);
    if (usage.inFlight >= share) throw concurrencyExceeded(scope, share, limit, this.currentHeaders());
  }

  private checkSpend(
    scope: Scope,
    cap: number | null | undefined,
    source: ((id: string) => number | undefined) | undefined,
    id: string,
    now: number,
  ) {
    if (cap === null || cap === undefined || !source) return;
    const amount = source(id);
    if (amount !== undefined && amount >= cap)
      throw spendCapReached(scope, msUntilNextMonth(now), this.currentHeaders());
  }

  private checkRequests(
    scope: Scope,
    limits: LimitValues | undefined,
    usage: Usage | undefined,
    now: number,
  ) {
    const limit = limits?.rpm ?? null;
    if (limit === null || !usage?.requests) return;
    const share = this.shares.share(limit);
    const used = usage.requests.used(now);
    if (used + 1 <= share) return;
    const wait = usage.requests.msUntilAtMost(share - 1, now);
    throw requestsExceeded(scope, share, limit, used, wait, this.currentHeaders());
  }

  /** `held`: what this request already has counted (a reservation being resized), not counted twice. */
  private checkTokens(
    scope: Scope,
    limits: LimitValues | undefined,
    usage: Usage | undefined,
    need: number,
    now: number,
    held = 0,
  ) {
    const limit = limits?.tpm ?? null;
    if (limit === null || !usage?.tokens) return;
    const share = this.shares.share(limit);
    const used = usage.tokens.used(now) - held;
    if (used + need <= share) return;
    const wait = need > share ? usage.tokens.windowMs : usage.tokens.msUntilAtMost(share - need + held, now);
    throw tokensExceeded(scope, share, limit, used, need, wait, this.currentHeaders());
  }

  private readonly current: RequestContext = {
    keyLimits: undefined,
    key: undefined,
    accountLimits: undefined,
    account: undefined,
    now: 0,
  };

  /** The request being checked, kept on the instance for the refusal headers (no object per request). */
  private setCurrent(
    keyLimits: LimitValues | undefined,
    key: Usage | undefined,
    accountLimits: LimitValues | undefined,
    account: Usage | undefined,
    now: number,
  ): void {
    const current = this.current;
    current.keyLimits = keyLimits;
    current.key = key;
    current.accountLimits = accountLimits;
    current.account = account;
    current.now = now;
  }

  private currentHeaders(): Record<string, string> {
    return this.headers(this.current, this.current.now);
  }

  /**
   * x-ratelimit-* for the tighter of the key's and the account's limits (the one with less
   * remaining), as of `now`. Limits are this node's shares: what a client can count on from this server.
   */
  headers(holder: Holder, now: number): Record<string, string> {
    const { keyLimits, key, accountLimits, account } = holder;
    const out: Record<string, string> = {};
    this.family(
      out,
      REQUESTS_HEADERS,
      keyLimits?.rpm,
      key?.requests,
      accountLimits?.rpm,
      account?.requests,
      now,
    );
    this.family(out, TOKENS_HEADERS, keyLimits?.tpm, key?.tokens, accountLimits?.tpm, account?.tokens, now);
    return out;
  }

  private family(
    out: Record<string, string>,
    names: FamilyHeaders,
    keyLimit: number | null | undefined,
    keyWindow: SlidingWindow | undefined,
    accountLimit: number | null | undefined,
    accountWindow: SlidingWindow | undefined,
    now: number,
  ): void {
    let limit = -1;
    let remaining = Number.POSITIVE_INFINITY;
    let window: SlidingWindow | undefined;
    for (let i = 0; i < 2; i++) {
      const cluster = i === 0 ? keyLimit : accountLimit;
      const w = i === 0 ? keyWindow : accountWindow;
      if (cluster === null || cluster === undefined || !w) continue;
      const share = this.shares.share(cluster);
      const left = Math.max(0, share - w.used(now));
      if (left < remaining || (left === remaining && share < limit)) {
        limit = share;
        remaining = left;
        window = w;
      }
    }
    if (!window) return;
    out[names.limit] = String(limit);
    out[names.remaining] = String(remaining);
    out[names.reset] = formatDuration(window.msUntilEmpty(now));
  }

  /** Drops counters with nothing counted and nothing running: idle customers cost no memory. */
  sweep(): void {
    const now = this.now();
    for (const map of [this.keys, this.accounts]) {
      for (const [id, usage] of map) {
        if (usage.inFlight > 0) continue;
        if ((usage.requests?.used(now) ?? 0) > 0 || (usage.tokens?.used(now) ?? 0) > 0) continue;
        map.delete(id);
      }
    }
  }
}

function usageOf(map: Map<string, Usage>, id: string, limits: LimitValues): Usage {
  let usage = map.get(id);
  if (!usage) {
    usage = new Usage();
    map.set(id, usage);
  }
  // A limit set while a customer is active starts counting from now: earlier use was not recorded.
  if (limits.rpm !== null && !usage.requests) usage.requests = new SlidingWindow();
  if (limits.tpm !== null && !usage.tokens) usage.tokens = new SlidingWindow();
  return usage;
}

/** The limits and counters a reservation was admitted under. */
interface Holder {
  keyLimits: LimitValues | undefined;
  key: Usage | undefined;
  accountLimits: LimitValues | undefined;
  account: Usage | undefined;
}

/** One admitted request's hold on its counters; settled exactly once. */
class Held implements Reservation {
  private settled = false;
  /** Made on first read: a reservation that is reconciled (every generation) is read only after that. */
  private made: Readonly<Record<string, string>> | undefined;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly holder: Holder,
    private readonly keyBucket: number,
    private readonly accountBucket: number,
    private reserved: number,
    /**
     * When it was reserved or last resized: the headers are made for that time, on first read. Every
     * caller reads them in the same tick as the reserve or reconcile, so no other request counts between.
     */
    private at: number,
  ) {}

  get headers(): Readonly<Record<string, string>> {
    this.made ??= this.limiter.headers(this.holder, this.at);
    return this.made;
  }

  reconcile(promptTokens: number, maxTokens: number): void {
    if (this.settled) return;
    const need = promptTokens + maxTokens;
    this.at = this.limiter.resize(this.holder, this.keyBucket, this.accountBucket, this.reserved, need);
    this.made = undefined;
    this.reserved = need;
  }

  settle(usage: TokenUsage | null): void {
    if (this.settled) return;
    this.settled = true;
    const used = usage === null ? 0 : usage.promptTokens + usage.completionTokens;
    const delta = used - this.reserved;
    this.limiter.release(this.holder.key, this.keyBucket, delta);
    this.limiter.release(this.holder.account, this.accountBucket, delta);
  }
}
