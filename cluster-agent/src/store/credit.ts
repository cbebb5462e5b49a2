// Prepaid credit: an account in prepaid mode draws its usage from a ledger of top-ups and
// adjustments. Balance = Σ ledger − Σ usage_events.cost_pico_eur since the account became prepaid, in
// pico-euros: exact integers, the same unit usage is priced in.
import { type Db, StoreError, transaction } from "./db.js";

export const PICO_PER_CENT = 10_000_000_000n;
/** NOTIFY channel on every ledger insert and mode change; the payload (an account id) is a hint only. */
export const CREDIT_CHANNEL = "entrim_credit";

export type BillingMode = "postpaid" | "prepaid";

export async function setBillingMode(
  db: Db,
  accountId: string,
  mode: BillingMode,
  now = new Date(),
): Promise<void> {
  await transaction(db, async (client) => {
    const result = await client.query(
      `UPDATE accounts SET billing_mode = $2,
         prepaid_since = CASE WHEN $2 = 'prepaid' THEN COALESCE(prepaid_since, $3) ELSE NULL END
       WHERE id = $1`,
      [accountId, mode, now],
    );
    if (result.rowCount === 0) throw new StoreError("not_found", `No account ${accountId}.`);
    await client.query("SELECT pg_notify($1, $2)", [CREDIT_CHANNEL, accountId]);
  });
}

export async function addCredit(
  db: Db,
  entry: {
    accountId: string;
    kind: "top_up" | "adjustment" | "refund";
    amountPicoEur: bigint;
    paymentId?: string;
    by: string;
  },
): Promise<void> {
  if (entry.amountPicoEur === 0n) throw new StoreError("invalid", "A credit entry needs a non-zero amount.");
  await db.query(
    "INSERT INTO credit_ledger (account_id, kind, amount_pico_eur, payment_id, created_by) VALUES ($1, $2, $3, $4, $5)",
    [entry.accountId, entry.kind, entry.amountPicoEur.toString(), entry.paymentId ?? null, entry.by],
  );
  await db.query("SELECT pg_notify($1, $2)", [CREDIT_CHANNEL, entry.accountId]);
}

export interface PrepaidBalance {
  accountId: string;
  since: Date;
  balancePicoEur: bigint;
}

/** Usage events count against the balance from here; earlier ones are in the ledger as 'usage'. */
const COUNTED_FROM = "greatest(a.prepaid_since, coalesce(a.prepaid_carried_through, a.prepaid_since))";

/**
 * Moves prepaid spend on events older than `cutoff` into the ledger ('usage', negative), and marks
 * every prepaid account as carried through `cutoff`, in one statement: a balance read before or after
 * it is the same, and running it again carries nothing twice. Usage retention calls it before it
 * deletes those events, so a balance never grows back when old usage expires. An event shipped after
 * its time was carried (older than the retention period, from a spool that was away that long) is not
 * counted against the balance.
 */
export async function carryPrepaidUsage(db: Db, cutoff: Date): Promise<number> {
  const result = await db.query(
    `WITH carried AS (
       SELECT u.account_id, sum(u.cost_pico_eur) AS cost
       FROM usage_events u JOIN accounts a ON a.id = u.account_id
       WHERE a.billing_mode = 'prepaid' AND u.received_at < $1 AND u.received_at >= ${COUNTED_FROM}
       GROUP BY u.account_id
     ),
     ledger AS (
       INSERT INTO credit_ledger (account_id, kind, amount_pico_eur, created_by)
       SELECT account_id, 'usage', -cost, 'usage-retention' FROM carried WHERE cost > 0
       RETURNING account_id
     )
     UPDATE accounts a SET prepaid_carried_through = $1
     WHERE a.billing_mode = 'prepaid' AND (a.prepaid_carried_through IS NULL OR a.prepaid_carried_through < $1)
     RETURNING (SELECT count(*) FROM ledger) AS entries`,
    [cutoff],
  );
  return Number(result.rows[0]?.entries ?? 0);
}

/** Every prepaid account's balance (the admission limit is refreshed from this). */
export async function prepaidBalances(db: Db, accountId?: string): Promise<PrepaidBalance[]> {
  const result = await db.query(
    `SELECT a.id, a.prepaid_since,
       COALESCE((SELECT sum(amount_pico_eur) FROM credit_ledger l WHERE l.account_id = a.id), 0)
       - COALESCE((SELECT sum(cost_pico_eur) FROM usage_events u
                   WHERE u.account_id = a.id AND u.received_at >= ${COUNTED_FROM}), 0) AS balance
     FROM accounts a WHERE a.billing_mode = 'prepaid' AND ($1::text IS NULL OR a.id = $1)`,
    [accountId ?? null],
  );
  return result.rows.map((r) => ({
    accountId: r.id as string,
    since: r.prepaid_since as Date,
    balancePicoEur: BigInt(r.balance as string),
  }));
}
