import { type Db, StoreError, transaction } from "./db.js";

/**
 * Daily roll-ups of usage_events and the monthly drafting of postpaid invoices. Every amount is an
 * integer: pico-euros until an invoice line, whose sum is rounded to cents once (picoEurToCents); the
 * subtotal is the sum of the lines, and tax is rounded once per invoice.
 */

const DAY_MS = 86_400_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const TAX_RATE = /^(?:0(?:\.(\d{1,4}))?|1(?:\.0{1,4})?)$/;

export interface Month {
  /** "2026-11" */
  text: string;
  /** First instant of the month, UTC. */
  start: Date;
  /** First instant of the next month, UTC. */
  end: Date;
}

export function parseMonth(text: string): Month {
  const match = MONTH.exec(text.trim());
  if (!match) throw new StoreError("invalid", `"${text}" is not a month; write it as YYYY-MM, e.g. 2026-11.`);
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return {
    text: text.trim(),
    start: new Date(Date.UTC(year, month, 1)),
    end: new Date(Date.UTC(year, month + 1, 1)),
  };
}

/** A tax rate as a decimal string ("0.19"), validated; numeric(6,4) in the store. */
export function parseTaxRate(text: string): string {
  const trimmed = text.trim();
  if (!TAX_RATE.test(trimmed)) {
    throw new StoreError(
      "invalid",
      `"${text}" is not a tax rate; give a fraction between 0 and 1, e.g. 0.19.`,
    );
  }
  return trimmed;
}

/** round(subtotal × rate), half away from zero, in integers: the one rounding step for tax. */
export function taxCents(subtotalCents: bigint, rate: string): bigint {
  const [whole = "0", fraction = ""] = parseTaxRate(rate).split(".");
  const tenThousandths = BigInt(whole) * 10_000n + BigInt(fraction.padEnd(4, "0"));
  return (subtotalCents * tenThousandths + 5_000n) / 10_000n;
}

/** 1234n → "12.34": decimal euros from cents, never through a float. */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** 1_234_500_000_000n → "1.2345": exact euros from pico-euros, for informative figures (not invoiced). */
export function formatPicoEur(pico: bigint): string {
  const perEur = 1_000_000_000_000n;
  const fraction = (pico % perEur).toString().padStart(12, "0").replace(/0+$/, "");
  return `${pico / perEur}.${fraction.padEnd(2, "0")}`;
}

export interface RollUpResult {
  day: string;
  /** usage_daily rows the day has now. */
  rows: number;
  /** False when the day has no events left (none yet, or dropped by retention): its roll-up is kept. */
  replaced: boolean;
}

/**
 * Aggregates one UTC day of usage_events into usage_daily, replacing that day's rows in one
 * transaction, so running it again (late events from a spool) gives the same or a fuller result, never
 * a double count. A day whose events are gone keeps its roll-up: retention may have dropped them.
 */
export async function rollUpDay(db: Db, day: Date): Promise<RollUpResult> {
  if (day.getTime() % DAY_MS !== 0) throw new StoreError("invalid", "A roll-up day starts at 00:00 UTC.");
  const from = day;
  const to = new Date(day.getTime() + DAY_MS);
  const dayText = day.toISOString().slice(0, 10);
  return transaction(db, async (client) => {
    // One roll-up of a day at a time: two at once would each delete, then both insert.
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`usage_daily:${dayText}`]);
    const events = await client.query(
      "SELECT EXISTS (SELECT 1 FROM usage_events WHERE received_at >= $1 AND received_at < $2) AS any",
      [from, to],
    );
    if (!events.rows[0].any) {
      const kept = await client.query("SELECT count(*)::int AS n FROM usage_daily WHERE day = $1", [dayText]);
      return { day: dayText, rows: kept.rows[0].n as number, replaced: false };
    }
    await client.query("DELETE FROM usage_daily WHERE day = $1", [dayText]);
    const inserted = await client.query(
      `INSERT INTO usage_daily (day, account_id, key_id, model, price_version, requests, prompt_tokens,
         cached_tokens, completion_tokens, cost_pico_eur)
       SELECT $3::date, account_id, key_id, model, coalesce(price_version, 0), count(*), sum(prompt_tokens),
         sum(cached_tokens), sum(completion_tokens), sum(cost_pico_eur)
       FROM usage_events WHERE received_at >= $1 AND received_at < $2
       GROUP BY account_id, key_id, model, coalesce(price_version, 0)`,
      [from, to, dayText],
    );
    return { day: dayText, rows: inserted.rowCount ?? 0, replaced: true };
  });
}

export interface UsageRow {
  /** UTC day, "2026-11-23". */
  day: string;
  model: string;
  requests: bigint;
  promptTokens: bigint;
  cachedTokens: bigint;
  completionTokens: bigint;
  costPicoEur: bigint;
}

/**
 * An account's usage per UTC day and model, from the events themselves (fresh up to the last shipped
 * request), for the days from `from` up to and including `to`.
 */
export async function usageByDay(db: Db, accountId: string, from: Date, to: Date): Promise<UsageRow[]> {
  if (from.getTime() % DAY_MS !== 0 || to.getTime() % DAY_MS !== 0 || to < from) {
    throw new StoreError("invalid", "Give whole UTC days with --from on or before --to, e.g. 2026-11-01.");
  }
  const result = await db.query(
    `SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, model, count(*)::text AS requests,
       sum(prompt_tokens)::text AS prompt, sum(cached_tokens)::text AS cached,
       sum(completion_tokens)::text AS completion, sum(cost_pico_eur)::text AS cost
     FROM usage_events WHERE account_id = $1 AND received_at >= $2 AND received_at < $3
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [accountId, from, new Date(to.getTime() + DAY_MS)],
  );
  return result.rows.map(toUsageRow);
}

/** A row of day, model and the sums as text (requests, prompt, cached, completion, cost). */
export function toUsageRow(row: Record<string, unknown>): UsageRow {
  return {
    day: row.day as string,
    model: row.model as string,
    requests: BigInt(row.requests as string),
    promptTokens: BigInt(row.prompt as string),
    cachedTokens: BigInt(row.cached as string),
    completionTokens: BigInt(row.completion as string),
    costPicoEur: BigInt(row.cost as string),
  };
}
