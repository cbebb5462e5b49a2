import type { Account, AccountStatus } from "./accounts.js";
import type { Db } from "./db.js";

/** Metadata totals of an account's requests over a period: counts and cost, never content. */
export interface UsageTotals {
  requests: bigint;
  promptTokens: bigint;
  cachedTokens: bigint;
  completionTokens: bigint;
  costPicoEur: bigint;
}

export const NO_USAGE: UsageTotals = {
  requests: 0n,
  promptTokens: 0n,
  cachedTokens: 0n,
  completionTokens: 0n,
  costPicoEur: 0n,
};

/** Accounts matching a text (id, name, email or company; case-insensitive), newest first. */
export async function searchAccounts(db: Db, query: string, limit: number): Promise<Account[]> {
  const pattern = query.trim() ? `%${query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const result = await db.query(
    `SELECT id, name, email, company, status, created_at, updated_at FROM accounts
      WHERE $1::text IS NULL OR id ILIKE $1 OR name ILIKE $1 OR email ILIKE $1 OR company ILIKE $1
      ORDER BY created_at DESC, id LIMIT $2`,
    [pattern, limit],
  );
  return result.rows.map((row) => ({
    id: row.id as string,
    name: row.name as string,
    email: row.email as string,
    company: (row.company as string | null) ?? null,
    status: row.status as AccountStatus,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  }));
}

/** Usage per account from the events themselves, for received_at in [from, to). */
export async function usageTotals(
  db: Db,
  accountIds: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, UsageTotals>> {
  const totals = new Map<string, UsageTotals>();
  if (accountIds.length === 0) return totals;
  const result = await db.query(
    `SELECT account_id, count(*)::text AS requests, sum(prompt_tokens)::text AS prompt,
       sum(cached_tokens)::text AS cached, sum(completion_tokens)::text AS completion,
       sum(cost_pico_eur)::text AS cost
     FROM usage_events WHERE account_id = ANY($1) AND received_at >= $2 AND received_at < $3
     GROUP BY account_id`,
    [accountIds, from, to],
  );
  for (const row of result.rows) {
    totals.set(row.account_id as string, {
      requests: BigInt(row.requests),
      promptTokens: BigInt(row.prompt),
      cachedTokens: BigInt(row.cached),
      completionTokens: BigInt(row.completion),
      costPicoEur: BigInt(row.cost),
    });
  }
  return totals;
}
