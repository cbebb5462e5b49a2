// Prepaid credit at admission: a prepaid account whose balance is spent is refused with OpenAI's
// 429 insufficient_quota before it takes a slot. Balances are kept in memory like the limits cache
// keeps limits: a full read at start, again on every NOTIFY on the credit channel (a top-up, an
// adjustment, a mode change — the payload is only a hint that something changed), and on a timer,
// which is how usage drawing the credit down reaches every agent (as spend caps do).
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import type { Principal } from "../domain/principal.js";
import type { UnshippedSpend } from "../metering/unshipped-spend.js";
import { CREDIT_CHANNEL, prepaidBalances } from "../store/credit.js";
import { StoreMirror } from "../store/mirror.js";
import type { Store } from "../store/store.js";
import type { AdmissionGate } from "./gate.js";

export function insufficientQuota(): ApiError {
  return new ApiError(
    429,
    "insufficient_quota",
    "You exceeded your current quota: your prepaid credit is used up. Top up in the customer portal (Usage → Top up) to continue.",
    null,
    "insufficient_quota",
  );
}

export interface PrepaidGateOptions {
  store: Pick<Store, "pool" | "listen">;
  logger?: Logger | undefined;
  /** Re-read of every balance, so usage drawing credit down is seen (default 5 s). */
  refreshMs?: number;
  /** This agent's spend the store does not count yet (the meter feeds it), taken off each balance. */
  unshipped?: UnshippedSpend | undefined;
}

export class PrepaidGate implements AdmissionGate {
  /** Prepaid accounts → balance in pico-euros; postpaid accounts are absent (the hot path misses fast). */
  private balances = new Map<string, bigint>();
  private readonly mirror: StoreMirror;
  private readonly unshipped: UnshippedSpend | undefined;

  constructor(options: PrepaidGateOptions) {
    this.unshipped = options.unshipped;
    this.mirror = new StoreMirror({
      store: options.store,
      channel: CREDIT_CHANNEL,
      load: async () => {
        const mark = this.unshipped?.mark();
        const next = new Map<string, bigint>();
        for (const row of await prepaidBalances(options.store.pool))
          next.set(row.accountId, row.balancePicoEur);
        this.balances = next;
        if (mark !== undefined) this.unshipped?.settle(mark);
      },
      resyncIntervalMs: options.refreshMs ?? 5000,
      onBackgroundError: (error) =>
        options.logger?.warn(
          { err: { message: error.message } },
          "prepaid balances could not be read; keeping the last ones",
        ),
    });
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  stop(): Promise<void> {
    return this.mirror.stop();
  }

  /** A full re-read now (tests, and after a top-up this agent applied itself). */
  refresh(): Promise<void> {
    return this.mirror.resync("refresh");
  }

  /** The balance as this agent sees it: the store's, less what this agent spent that it does not count. */
  balanceOf(accountId: string): bigint | undefined {
    const balance = this.balances.get(accountId);
    return balance === undefined ? undefined : balance - (this.unshipped?.of(accountId) ?? 0n);
  }

  /** Whether the account draws down credit (its spend is worth counting locally). */
  isPrepaid(accountId: string): boolean {
    return this.balances.has(accountId);
  }

  checkPrincipal(principal: Principal): void {
    const balance = this.balanceOf(principal.accountId);
    if (balance !== undefined && balance <= 0n) throw insufficientQuota();
  }
}
