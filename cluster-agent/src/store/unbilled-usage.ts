import { rollUpDay, toUsageRow, type UsageRow } from "./billing.js";
import type { Db } from "./db.js";

/**
 * What is left to bill: each account's usage per month and model, minus what its invoices already
 * bill for that month. A node's spool may ship a month's events after the month's invoices were
 * issued (a node that was down on the 1st, a network cut); those events are billed on the account's
 * next invoice, as lines naming the month they are from, so usage is never lost and never billed
 * twice: every line says which month it bills (invoice_lines.usage_period), and a month's lines on
 * every invoice are subtracted from that month's usage.
 */

/** How far back late usage is looked for. Usage events are kept 90 days by default; a year covers any. */
export const LATE_USAGE_MONTHS = 12;

/** An account's usage of one model in one month that no invoice bills yet. */
export interface UnbilledLine extends Omit<UsageRow, "day"> {
  accountId: string;
  /** The month whose usage it is, "2026-11": the invoice's own, or an earlier one delivered late. */
  usagePeriod: string;
}

/** The first day a generation for `month` looks for late usage from. */
export function lateUsageFrom(month: { start: Date }): Date {
  return new Date(Date.UTC(month.start.getUTCFullYear(), month.start.getUTCMonth() - LATE_USAGE_MONTHS, 1));
}

function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Rolls up every day from `from` up to `to` that has events its roll-up does not count yet: days
 * never rolled, and days a late spool delivery added to. Events are only ever added (a request's row
 * is written once), so more events than rolled-up requests is exactly "something arrived". A day
 * with fewer events than its roll-up lost them to retention and keeps its roll-up.
 */
export async function rollUpNewEvents(db: Db, from: Date, to: Date): Promise<string[]> {
  const result = await db.query(
    `SELECT to_char(e.day, 'YYYY-MM-DD') AS day
     FROM (SELECT (received_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM usage_events
           WHERE received_at >= $1 AND received_at < $2 GROUP BY 1) e
     LEFT JOIN (SELECT day, sum(requests) AS n FROM usage_daily
                WHERE day >= $3::date AND day < $4::date GROUP BY day) r ON r.day = e.day
     WHERE e.n > coalesce(r.n, 0)
     ORDER BY 1`,
    [from, to, isoDay(from), isoDay(to)],
  );
  const days = result.rows.map((row) => row.day as string);
  for (const day of days) await rollUpDay(db, new Date(`${day}T00:00:00Z`));
  return days;
}

/**
 * The lines a draft for `month` would hold, per account: the month's own usage and, for each earlier
 * month that has been invoiced (any invoice exists for it) within LATE_USAGE_MONTHS, what arrived
 * after. Lines on every invoice count as billed, drafts included, except the drafts of `month`
 * itself, which this generation replaces: a held draft of an earlier month keeps what it bills, and
 * the later draft takes only the rest. A month nobody was ever invoiced for is not billed late (usage
 * from before billing was switched on stays unbilled, as it always was).
 */
export async function unbilledUsage(db: Db, month: { start: Date; end: Date }): Promise<UnbilledLine[]> {
  const from = lateUsageFrom(month);
  const result = await db.query(
    `WITH periods AS (
       SELECT $1::date AS period
       UNION SELECT DISTINCT period FROM invoices WHERE period >= $2::date AND period < $1::date
     ),
     used AS (
       SELECT account_id, date_trunc('month', day)::date AS period, model, sum(requests) AS requests,
         sum(prompt_tokens) AS prompt, sum(cached_tokens) AS cached, sum(completion_tokens) AS completion,
         sum(cost_pico_eur) AS cost
       FROM usage_daily WHERE day >= $2::date AND day < $3::date
       GROUP BY 1, 2, 3
     ),
     billed AS (
       SELECT i.account_id, l.usage_period AS period, l.model, sum(l.requests) AS requests,
         sum(l.prompt_tokens) AS prompt, sum(l.cached_tokens) AS cached,
         sum(l.completion_tokens) AS completion, sum(l.cost_pico_eur) AS cost
       FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
       WHERE l.usage_period >= $2::date AND l.usage_period < $3::date
         AND NOT (i.period = $1::date AND i.status = 'draft')
       GROUP BY 1, 2, 3
     )
     SELECT u.account_id, to_char(u.period, 'YYYY-MM') AS period, u.model,
       greatest(u.requests - coalesce(b.requests, 0), 0)::text AS requests,
       greatest(u.prompt - coalesce(b.prompt, 0), 0)::text AS prompt,
       greatest(u.cached - coalesce(b.cached, 0), 0)::text AS cached,
       greatest(u.completion - coalesce(b.completion, 0), 0)::text AS completion,
       greatest(u.cost - coalesce(b.cost, 0), 0)::text AS cost
     FROM used u
     JOIN periods p ON p.period = u.period
     LEFT JOIN billed b ON b.account_id = u.account_id AND b.period = u.period AND b.model = u.model
     WHERE u.requests > coalesce(b.requests, 0) OR u.cost > coalesce(b.cost, 0)
     ORDER BY u.account_id, u.period, u.model`,
    [isoDay(month.start), isoDay(from), isoDay(month.end)],
  );
  return result.rows.map((row) => {
    const { day: _, ...usage } = toUsageRow(row);
    return { accountId: row.account_id as string, usagePeriod: row.period as string, ...usage };
  });
}
