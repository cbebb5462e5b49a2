// Card payments through Stripe Checkout: a session per invoice (reused while open) or per prepaid
// top-up, the webhook events that settle them, and refunds. Stripe's ids are stored, never card data.
import type Stripe from "stripe";
import type { AuditAction } from "../domain/audit-action.js";
import { addCredit, PICO_PER_CENT } from "./credit.js";
import { type Db, randomId, StoreError, transaction } from "./db.js";
import { markInvoicePaid } from "./invoice-states.js";
import { getInvoice } from "./invoices.js";

export type PaymentKind = "invoice" | "top_up";
export type PaymentStatus = "open" | "paid" | "refunded" | "expired";

export interface Payment {
  id: string;
  invoiceId: string | null;
  accountId: string;
  kind: PaymentKind;
  amountCents: number;
  status: PaymentStatus;
  checkoutSession: string | null;
  paymentIntent: string | null;
  refundedCents: number;
  createdAt: Date;
  paidAt: Date | null;
}

const COLUMNS =
  "id, invoice_id, account_id, kind, amount_cents, status, stripe_checkout_session, stripe_payment_intent, refunded_cents, created_at, paid_at";

function row(r: Record<string, unknown>): Payment {
  return {
    id: r.id as string,
    invoiceId: (r.invoice_id as string | null) ?? null,
    accountId: r.account_id as string,
    kind: r.kind as PaymentKind,
    amountCents: Number(r.amount_cents),
    status: r.status as PaymentStatus,
    checkoutSession: (r.stripe_checkout_session as string | null) ?? null,
    paymentIntent: (r.stripe_payment_intent as string | null) ?? null,
    refundedCents: Number(r.refunded_cents),
    createdAt: r.created_at as Date,
    paidAt: (r.paid_at as Date | null) ?? null,
  };
}

export async function paymentsOfInvoice(db: Db, invoiceId: string): Promise<Payment[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM payments WHERE invoice_id = $1 ORDER BY created_at`, [
    invoiceId,
  ]);
  return result.rows.map(row);
}

export interface CheckoutRequest {
  accountId: string;
  /** An issued (or disputed) invoice of the account, paid in full; or a prepaid top-up. */
  invoiceId?: string;
  topUpCents?: number;
  successUrl: string;
  cancelUrl: string;
}

/**
 * The Checkout page to send the customer to. An invoice's open session is reused while Stripe still
 * has it open, so a customer clicking "Pay now" twice pays once.
 */
export async function createCheckout(
  db: Db,
  stripe: Stripe,
  request: CheckoutRequest,
): Promise<{ url: string; payment: Payment }> {
  let amountCents: number;
  let description: string;
  if (request.invoiceId !== undefined) {
    const { invoice } = await getInvoice(db, request.invoiceId).catch(() => {
      throw new StoreError("not_found", "No such invoice.");
    });
    if (invoice.accountId !== request.accountId) throw new StoreError("not_found", "No such invoice.");
    if (invoice.status === "paid") throw new StoreError("conflict", `Invoice ${invoice.id} is already paid.`);
    if (invoice.status !== "issued" && invoice.status !== "disputed")
      throw new StoreError("conflict", `Invoice ${invoice.id} is not issued yet.`);
    amountCents = Number(invoice.totalCents);
    if (amountCents <= 0) throw new StoreError("conflict", `Invoice ${invoice.id} has nothing to pay.`);
    description = `Invoice ${invoice.id} (${invoice.month})`;
    const open = (await paymentsOfInvoice(db, invoice.id)).filter(
      (p) => p.status === "open" && p.checkoutSession,
    );
    for (const payment of open) {
      const session = await stripe.checkout.sessions.retrieve(payment.checkoutSession!);
      if (session.status === "open" && session.url) return { url: session.url, payment };
      await db.query("UPDATE payments SET status = 'expired' WHERE id = $1 AND status = 'open'", [
        payment.id,
      ]);
    }
  } else {
    amountCents = request.topUpCents ?? 0;
    if (!Number.isInteger(amountCents) || amountCents < 500 || amountCents > 1_000_000)
      throw new StoreError("invalid", "Top up between 5.00 and 10000.00 EUR, in whole cents.");
    description = "Prepaid credit";
  }
  const id = randomId("pay");
  const kind: PaymentKind = request.invoiceId !== undefined ? "invoice" : "top_up";
  const metadata: Record<string, string> = { payment_id: id, account_id: request.accountId, kind };
  if (request.invoiceId !== undefined) metadata.invoice_id = request.invoiceId;
  const session = await stripe.checkout.sessions.create(
    {
      mode: "payment",
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "eur", unit_amount: amountCents, product_data: { name: description } },
        },
      ],
      client_reference_id: request.accountId,
      metadata,
      payment_intent_data: { metadata },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
    },
    { idempotencyKey: id },
  );
  const intent =
    typeof session.payment_intent === "string"
      ? session.payment_intent
      : (session.payment_intent?.id ?? null);
  const inserted = await db.query(
    `INSERT INTO payments (id, invoice_id, account_id, kind, amount_cents, stripe_checkout_session, stripe_payment_intent)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [id, request.invoiceId ?? null, request.accountId, kind, amountCents, session.id, intent],
  );
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
  return { url: session.url, payment: row(inserted.rows[0]) };
}

/** The audit log's recorder (control/audit.ts AuditRecorder), named here without importing upward. */
export interface EventAuditRecorder {
  record(action: AuditAction, db?: Db): Promise<void>;
}

export type EventOutcome = "applied" | "replayed" | "ignored";

const WEBHOOK_ACTOR = {
  operator: "stripe",
  role: "operator" as const,
  source: "portal" as const,
  reason: "",
};

/**
 * Applies one verified Stripe event: the event id is recorded in the same transaction as its effect,
 * so a replay (Stripe retries, or an attacker resending a captured request) changes nothing.
 */
export function applyStripeEvent(
  db: Db,
  recorder: EventAuditRecorder,
  event: Stripe.Event,
  now = new Date(),
): Promise<EventOutcome> {
  return transaction(db, async (client) => {
    const fresh = await client.query(
      "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
      [event.id, event.type, now],
    );
    if (fresh.rowCount === 0) return "replayed";
    if (event.type === "checkout.session.completed") {
      const session = event.data.object;
      if (session.payment_status !== "paid") return "ignored";
      const found = await client.query(
        `SELECT ${COLUMNS} FROM payments WHERE stripe_checkout_session = $1 FOR UPDATE`,
        [session.id],
      );
      const payment = found.rows[0] ? row(found.rows[0]) : null;
      if (!payment || payment.status === "paid" || payment.status === "refunded") return "ignored";
      const intent =
        typeof session.payment_intent === "string"
          ? session.payment_intent
          : (session.payment_intent?.id ?? null);
      await client.query(
        "UPDATE payments SET status = 'paid', paid_at = $2, stripe_payment_intent = COALESCE($3, stripe_payment_intent) WHERE id = $1",
        [payment.id, now, intent],
      );
      if (payment.kind === "invoice") {
        const { invoice } = await getInvoice(client, payment.invoiceId!);
        if (invoice.status === "issued" || invoice.status === "disputed")
          await markInvoicePaid(client, invoice.id, { by: "stripe", now });
      } else {
        await addCredit(client, {
          accountId: payment.accountId,
          kind: "top_up",
          amountPicoEur: BigInt(payment.amountCents) * PICO_PER_CENT,
          paymentId: payment.id,
          by: "stripe",
        });
      }
      await recorder.record(
        {
          ...WEBHOOK_ACTOR,
          action: payment.kind === "invoice" ? "payment.invoice_paid" : "payment.top_up",
          target: `account:${payment.accountId}/payment:${payment.id}${payment.invoiceId ? `/invoice:${payment.invoiceId}` : ""}`,
          result: "ok",
        },
        client,
      );
      return "applied";
    }
    if (event.type === "charge.refunded") {
      const charge = event.data.object;
      const intent =
        typeof charge.payment_intent === "string"
          ? charge.payment_intent
          : (charge.payment_intent?.id ?? null);
      if (!intent) return "ignored";
      const found = await client.query(
        `SELECT ${COLUMNS} FROM payments WHERE stripe_payment_intent = $1 FOR UPDATE`,
        [intent],
      );
      if (!found.rows[0]) return "ignored";
      const payment = row(found.rows[0]);
      const refunded = Math.min(charge.amount_refunded, payment.amountCents);
      await client.query(
        "UPDATE payments SET refunded_cents = $2, status = CASE WHEN $2 >= amount_cents THEN 'refunded' ELSE status END WHERE id = $1",
        [payment.id, refunded],
      );
      await recorder.record(
        {
          ...WEBHOOK_ACTOR,
          action: "payment.refunded",
          target: `account:${payment.accountId}/payment:${payment.id}`,
          result: "ok",
        },
        client,
      );
      return "applied";
    }
    return "ignored";
  });
}

/**
 * Refunds `amountCents` of an invoice's card payment through Stripe (credit notes resolved in the
 * customer's favour). The payment's refunded amount is updated by the `charge.refunded` webhook.
 */
export async function refundPayment(
  db: Db,
  stripe: Stripe,
  options: { invoiceId: string; amountCents: number; reason: string; idempotencyKey?: string },
): Promise<{ refundId: string; paymentId: string; amountCents: number }> {
  if (!Number.isInteger(options.amountCents) || options.amountCents <= 0)
    throw new StoreError("invalid", "Refund a positive amount in whole cents.");
  const reason = options.reason.trim();
  if (!reason || reason.length > 500)
    throw new StoreError("invalid", "Say why the refund is made (1 to 500 characters).");
  const paid = (await paymentsOfInvoice(db, options.invoiceId)).find(
    (p) => p.status === "paid" && p.paymentIntent,
  );
  if (!paid) throw new StoreError("not_found", `Invoice ${options.invoiceId} has no card payment to refund.`);
  if (options.amountCents > paid.amountCents - paid.refundedCents)
    throw new StoreError(
      "conflict",
      `At most ${((paid.amountCents - paid.refundedCents) / 100).toFixed(2)} EUR of invoice ${options.invoiceId}'s payment is left to refund.`,
    );
  const refund = await stripe.refunds.create(
    {
      payment_intent: paid.paymentIntent!,
      amount: options.amountCents,
      reason: "requested_by_customer",
      metadata: { invoice_id: options.invoiceId, payment_id: paid.id, reason },
    },
    options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : undefined,
  );
  return { refundId: refund.id, paymentId: paid.id, amountCents: refund.amount };
}
