import { type BillingConfig, seriesFor } from "../config/billing.js";
import { taxCents } from "./billing.js";
import { type Db, randomId, StoreError, transaction } from "./db.js";
import { takeNumber } from "./invoice-states.js";
import { getInvoice } from "./invoices.js";

/**
 * Credit notes: a dispute resolved in the customer's favour (or any correction) never edits the
 * issued invoice; it is credited by a note in its own gapless series that references it.
 */

export interface CreditNote {
  id: string;
  number: string;
  invoiceId: string;
  accountId: string;
  amountCents: bigint;
  subtotalCents: bigint;
  taxCents: bigint;
  reason: string;
  createdAt: Date;
  createdBy: string;
  refundState: string | null;
}

function toCreditNote(row: Record<string, unknown>): CreditNote {
  return {
    id: row.id as string,
    number: row.number as string,
    invoiceId: row.invoice_id as string,
    accountId: row.account_id as string,
    amountCents: BigInt(row.amount as string),
    subtotalCents: BigInt(row.subtotal as string),
    taxCents: BigInt(row.tax as string),
    reason: row.reason as string,
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
    refundState: (row.refund_state as string | null) ?? null,
  };
}

const COLUMNS = `id, number, invoice_id, account_id, amount_cents::text AS amount, subtotal_cents::text AS subtotal,
  tax_cents::text AS tax, reason, created_at, created_by, refund_state`;

export async function creditNotesOf(db: Db, invoiceId: string): Promise<CreditNote[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM credit_notes WHERE invoice_id = $1 ORDER BY number`, [
    invoiceId,
  ]);
  return result.rows.map(toCreditNote);
}

/**
 * Splits a tax-included amount at the invoice's rate so that subtotal + tax = amount exactly: the
 * subtotal is the largest whose tax (the invoice's rounding) still fits.
 */
export function splitGross(amountCents: bigint, rate: string): { subtotal: bigint; tax: bigint } {
  let subtotal = (amountCents * 10_000n) / (10_000n + BigInt(Math.round(Number(rate) * 10_000)));
  while (subtotal + taxCents(subtotal + 1n, rate) + 1n <= amountCents) subtotal += 1n;
  while (subtotal > 0n && subtotal + taxCents(subtotal, rate) > amountCents) subtotal -= 1n;
  return { subtotal, tax: amountCents - subtotal };
}

export function createCreditNote(
  db: Db,
  input: {
    invoiceId: string;
    amountCents: bigint;
    reason: string;
    by: string;
    billing: BillingConfig;
    now?: Date;
  },
): Promise<CreditNote> {
  const reason = input.reason.trim();
  if (!reason || reason.length > 2000)
    throw new StoreError("invalid", "Say why the invoice is credited (1 to 2000 characters).");
  if (input.amountCents <= 0n)
    throw new StoreError("invalid", "The credited amount must be more than 0.00 EUR.");
  const now = input.now ?? new Date();
  return transaction(db, async (client) => {
    await client.query("SELECT 1 FROM invoices WHERE id = $1 FOR UPDATE", [input.invoiceId]);
    const { invoice } = await getInvoice(client, input.invoiceId);
    if (invoice.status === "draft") {
      throw new StoreError(
        "conflict",
        `Invoice ${invoice.id} is a draft: correct it by regenerating, not with a credit note.`,
      );
    }
    const credited = (await creditNotesOf(client, invoice.id)).reduce(
      (sum, note) => sum + note.amountCents,
      0n,
    );
    const remaining = invoice.totalCents - credited;
    if (input.amountCents > remaining) {
      throw new StoreError(
        "conflict",
        `Invoice ${invoice.id} has ${remaining} cents left to credit (total ${invoice.totalCents}, credited ${credited}); credit at most that.`,
      );
    }
    const { subtotal, tax } = splitGross(input.amountCents, invoice.taxRate);
    // Money goes back only where money came in by card: a Stripe payment is refunded by the sweep
    // (billing/credit-refunds.ts); otherwise the credit stands against what is owed, or is repaid by hand.
    const card = await client.query(
      "SELECT 1 FROM payments WHERE invoice_id = $1 AND status IN ('paid', 'refunded') AND stripe_payment_intent IS NOT NULL",
      [invoice.id],
    );
    const refundState = card.rowCount ? "pending" : "not_paid";
    const series = seriesFor(input.billing.creditNoteSeries, now);
    const number = await takeNumber(client, series);
    const result = await client.query(
      `INSERT INTO credit_notes (id, number, series, invoice_id, account_id, amount_cents, subtotal_cents, tax_cents,
         reason, created_at, created_by, refund_state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
      [
        randomId("cn"),
        number,
        series,
        invoice.id,
        invoice.accountId,
        input.amountCents.toString(),
        subtotal.toString(),
        tax.toString(),
        reason,
        now,
        input.by,
        refundState,
      ],
    );
    return toCreditNote(result.rows[0]);
  });
}
