// Credit notes on invoices paid by card are refunded through Stripe by the leader's billing pass.
// A note is created "pending" in its own transaction (store/credit-notes.ts); this sweep refunds it
// with the credit note's id as Stripe's idempotency key, then marks it refunded. A crash between the
// two leaves it pending, and the next pass asks Stripe again with the same key: Stripe answers with
// the refund it already made, so money goes back once.
import type Stripe from "stripe";
import type { Logger } from "../common/log.js";
import type { Db } from "../store/db.js";
import { refundPayment } from "../store/payments.js";

export async function refundPendingCreditNotes(
  db: Db,
  stripe: Stripe,
  logger?: Logger,
): Promise<{ refunded: string[]; failed: string[] }> {
  const pending = await db.query<{ id: string; number: string; invoice_id: string; amount_cents: string }>(
    "SELECT id, number, invoice_id, amount_cents::text FROM credit_notes WHERE refund_state = 'pending' ORDER BY created_at",
  );
  const done = { refunded: [] as string[], failed: [] as string[] };
  for (const note of pending.rows) {
    try {
      await refundPayment(db, stripe, {
        invoiceId: note.invoice_id,
        amountCents: Number(note.amount_cents),
        reason: `credit note ${note.number}`,
        idempotencyKey: `credit-note-${note.id}`,
      });
      await db.query(
        "UPDATE credit_notes SET refund_state = 'refunded' WHERE id = $1 AND refund_state = 'pending'",
        [note.id],
      );
      done.refunded.push(note.number);
    } catch (error) {
      // Left pending: the next pass tries again; the operator sees it in the log and `invoices show`.
      logger?.warn({ creditNote: note.number, err: (error as Error).message }, "credit note refund failed");
      done.failed.push(note.number);
    }
  }
  return done;
}
