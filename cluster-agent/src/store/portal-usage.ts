// One account's usage as the portal shows it: per UTC day and model for a month, fresh up to the
// last shipped request. Days whose events are still stored are read from usage_events; days whose
// events are gone (retention) from their usage_daily roll-up. A day is taken from one source only, so
// a day both rolled up and still in usage_events is never counted twice.
import { type Month, toUsageRow, type UsageRow } from "./billing.js";
import type { Db } from "./db.js";

export type DayModelUsage = UsageRow;

const SUMS = `count(*)::text AS requests, sum(prompt_tokens)::text AS prompt, sum(cached_tokens)::text AS cached,
  sum(completion_tokens)::text AS completion, sum(cost_pico_eur)::text AS cost`;
const ROLLED = `sum(requests)::text AS requests, sum(prompt_tokens)::text AS prompt, sum(cached_tokens)::text AS cached,
  sum(completion_tokens)::text AS completion, sum(cost_pico_eur)::text AS cost`;

export async function accountUsageByDay(db: Db, accountId: string, month: Month): Promise<DayModelUsage[]> {
  const startDay = month.start.toISOString().slice(0, 10);
  const endDay = month.end.toISOString().slice(0, 10);
  const result = await db.query(
    `WITH ev AS (
       SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, model, ${SUMS}
       FROM usage_events WHERE account_id = $1 AND received_at >= $2 AND received_at < $3
       GROUP BY 1, 2),
     ro AS (
       SELECT to_char(day, 'YYYY-MM-DD') AS day, model, ${ROLLED}
       FROM usage_daily WHERE account_id = $1 AND day >= $4::date AND day < $5::date
         AND to_char(day, 'YYYY-MM-DD') NOT IN (SELECT e.day FROM ev e)
       GROUP BY 1, 2)
     SELECT * FROM ev UNION ALL SELECT * FROM ro ORDER BY 1, 2`,
    [accountId, month.start, month.end, startDay, endDay],
  );
  return result.rows.map(toUsageRow);
}

/** The months ("2026-12") the account has usage in, newest first. */
export async function accountUsageMonths(db: Db, accountId: string): Promise<string[]> {
  const result = await db.query<{ month: string }>(
    `SELECT DISTINCT m AS month FROM (
       SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM') AS m FROM usage_events WHERE account_id = $1
       UNION SELECT to_char(day, 'YYYY-MM') FROM usage_daily WHERE account_id = $1) months
     ORDER BY 1 DESC`,
    [accountId],
  );
  return result.rows.map((r) => r.month);
}

/**
 * Month-to-date spend of an account in pico-euros, as admission's spend cap counts it
 * (metering/spend.ts: the shipped usage events since the month's first instant, UTC).
 */
export async function accountSpendThisMonth(db: Db, accountId: string, now: Date): Promise<bigint> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const result = await db.query<{ pico: string | null }>(
    "SELECT sum(cost_pico_eur)::text AS pico FROM usage_events WHERE account_id = $1 AND received_at >= $2",
    [accountId, monthStart],
  );
  return BigInt(result.rows[0]?.pico ?? "0");
}
