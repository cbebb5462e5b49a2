import type { Logger } from "../common/log.js";
import type { Db } from "../store/db.js";

const PICO_PER_EUR = 1_000_000_000_000;

export interface MonthlySpendOptions {
  db: Db;
  logger?: Logger;
  /** How often month-to-date spend is re-read from the store (default 30 s). */
  refreshMs?: number;
  now?: () => Date;
}

/**
 * Month-to-date spend per account and per key (EUR), for the rate limiter's spend caps. Read from
 * the shipped usage events every refresh: a cap is enforced against what the cluster has billed so
 * far, so spend can pass a cap by what is billed between refreshes plus what waits in the agents'
 * spools (documented in docs/rate-limits.md). If the store is away, the last figures stay in force.
 */
export class MonthlySpend {
  private accounts = new Map<string, number>();
  private keys = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MonthlySpendOptions) {}

  async start(): Promise<void> {
    await this.refresh().catch(() => {});
    this.timer = setInterval(() => void this.refresh().catch(() => {}), this.options.refreshMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  readonly ofAccount = (accountId: string): number | undefined => this.accounts.get(accountId) ?? 0;
  readonly ofKey = (keyId: string): number | undefined => this.keys.get(keyId) ?? 0;

  async refresh(): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    try {
      const result = await this.options.db.query<{ account_id: string; key_id: string; pico: string }>(
        `SELECT account_id, key_id, sum(cost_pico_eur)::text AS pico FROM usage_events
         WHERE received_at >= $1 GROUP BY account_id, key_id`,
        [monthStart],
      );
      const accounts = new Map<string, number>();
      const keys = new Map<string, number>();
      for (const row of result.rows) {
        const eur = Number(BigInt(row.pico)) / PICO_PER_EUR;
        accounts.set(row.account_id, (accounts.get(row.account_id) ?? 0) + eur);
        keys.set(row.key_id, (keys.get(row.key_id) ?? 0) + eur);
      }
      this.accounts = accounts;
      this.keys = keys;
    } catch (error) {
      this.options.logger?.warn(
        { err: { message: (error as Error).message } },
        "month-to-date spend could not be read; enforcing spend caps with the last figures",
      );
      throw error;
    }
  }
}
