import { type Db, StoreError } from "./db.js";

/** Accounts whose invoices wait for an operator's review: the schedule issues nothing for them. */

export interface InvoiceHold {
  accountId: string;
  reason: string;
  heldBy: string;
  heldAt: Date;
}

export async function holdInvoices(
  db: Db,
  accountId: string,
  reason: string,
  by: string,
): Promise<InvoiceHold> {
  const why = reason.trim();
  if (!why || why.length > 2000)
    throw new StoreError("invalid", "Say why the invoices are held (1 to 2000 characters).");
  const result = await db.query(
    `INSERT INTO invoice_holds (account_id, reason, held_by) VALUES ($1, $2, $3)
       ON CONFLICT (account_id) DO UPDATE SET reason = EXCLUDED.reason, held_by = EXCLUDED.held_by, held_at = now()
     RETURNING account_id, reason, held_by, held_at`,
    [accountId, why, by],
  );
  const row = result.rows[0];
  return { accountId: row.account_id, reason: row.reason, heldBy: row.held_by, heldAt: row.held_at };
}

/** True when a hold was lifted, false when there was none. */
export async function unholdInvoices(db: Db, accountId: string): Promise<boolean> {
  const result = await db.query("DELETE FROM invoice_holds WHERE account_id = $1", [accountId]);
  return (result.rowCount ?? 0) > 0;
}

export async function heldAccounts(db: Db): Promise<Set<string>> {
  const result = await db.query<{ account_id: string }>("SELECT account_id FROM invoice_holds");
  return new Set(result.rows.map((row) => row.account_id));
}
