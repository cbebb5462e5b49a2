// Prepaid credit at admission: a prepaid account whose balance is spent is refused with OpenAI's
// 429 insufficient_quota before it takes a slot. Balances are kept in memory like the limits cache
// keeps limits: a full read at start, again on every NOTIFY on the credit channel (a top-up, an
// adjustment, a mode change — the payload is only a hint that something changed), and on a timer,
// which is how usage drawing the credit down reaches every agent (as spend caps do).
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import type { Principal } from "../domain/principal.js";
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
}

export class PrepaidGate implements AdmissionGate {
  /** Prepaid accounts → balance in pico-euros; postpaid accounts are absent (the hot path misses fast). */
  private balances = new Map<string, bigint>();
  private readonly mirror: StoreMirror;

  constructor(options: PrepaidGateOptions) {
    this.mirror = new StoreMirror({
      store: options.store,
      channel: CREDIT_CHANNEL,
      load: async () => {
        const next = new Map<string, bigint>();
        for (const row of await prepaidBalances(options.store.pool))
          next.set(row.accountId, row.balancePicoEur);
        this.balances = next;
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

  balanceOf(accountId: string): bigint | undefined {
    return this.balances.get(accountId);
  }

  checkPrincipal(principal: Principal): void {
    const balance = this.balances.get(principal.accountId);
    if (balance !== undefined && balance <= 0n) throw insufficientQuota();
  }
}
