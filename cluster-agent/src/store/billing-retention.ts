import type { AgentAudit } from "./audit-recorder.js";
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
  /** With the leader's recorder: one billing.retention entry per batch that deleted anything. */
  audit?: AgentAudit | undefined,
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
    const batch = {
      invoices: invoices.rowCount ?? 0,
      creditNotes: notes.rowCount ?? 0,
      cutoff: cutoff.toISOString(),
    };
    if (audit && batch.invoices + batch.creditNotes > 0)
      await audit.recorder.record(
        {
          operator: audit.operator,
          role: "admin",
          source: "agent",
          action: "billing.retention",
          target: "billing:records",
          reason: `deleted ${batch.invoices} invoice(s) and ${batch.creditNotes} credit note(s) issued before ${batch.cutoff}`,
          result: "ok",
        },
        client,
      );
    return batch;
  });
}
