import { type Db, transaction } from "./db.js";
import { invoiceRetentionCutoff } from "./usage-maintenance.js";

/**
 * Deletes billing records whose tax period has ended: invoices issued before the cutoff of
 * store/usage-maintenance.ts (1 January of issue year + taxYears + 1), their lines and their credit
 * notes. The guards refuse every other deletion of an issued record; this transaction alone says
 * entrim.billing_retention = on. Drafts, invoice_series and holds are left alone.
 */
export async function deleteExpiredBillingRecords(
  db: Db,
  taxYears: number,
  now: Date,
): Promise<{ invoices: number; creditNotes: number; cutoff: string }> {
  const cutoff = invoiceRetentionCutoff(now, taxYears);
  return transaction(db, async (client) => {
    await client.query("SELECT set_config('entrim.billing_retention', 'on', true)");
    const notes = await client.query(
      `DELETE FROM credit_notes WHERE invoice_id IN (
         SELECT id FROM invoices WHERE status <> 'draft' AND issued_at < $1)`,
      [cutoff],
    );
    const invoices = await client.query("DELETE FROM invoices WHERE status <> 'draft' AND issued_at < $1", [
      cutoff,
    ]);
    return {
      invoices: invoices.rowCount ?? 0,
      creditNotes: notes.rowCount ?? 0,
      cutoff: cutoff.toISOString(),
    };
  });
}
