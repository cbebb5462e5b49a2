import { type BillingConfig, seriesFor, viesEnabled } from "../config/billing.js";
import { type VatRule, vatRule } from "../domain/vat.js";
import { parseMonth, taxCents } from "./billing.js";
import { type Db, StoreError, transaction } from "./db.js";
import {
  DISPUTE_WINDOW_DAYS,
  getInvoice,
  type Invoice,
  type InvoiceBuyer,
  type InvoiceStatus,
  listInvoices,
} from "./invoices.js";
import { createSuspension, listSuspensions, type Suspension } from "./suspensions.js";
import { vatIdStatusFor } from "./vat-id-checks.js";

/** An invoice's life: draft → issued → paid, or issued/paid → disputed → paid. */

const DAY_MS = 86_400_000;

async function lockInvoice(db: Db, id: string): Promise<Invoice> {
  await db.query("SELECT 1 FROM invoices WHERE id = $1 FOR UPDATE", [id]);
  return (await getInvoice(db, id)).invoice;
}

function refuse(invoice: Invoice, action: string, allowed: InvoiceStatus[]): never {
  throw new StoreError(
    "conflict",
    `Invoice ${invoice.id} is ${invoice.status}; only ${allowed.join(" or ")} invoices can be ${action}.`,
  );
}

/**
 * Takes the next number of a series inside the caller's transaction. The counter row stays locked
 * until commit, so concurrent issuers queue, and a rollback hands the number back: no gaps.
 */
export async function takeNumber(db: Db, series: string): Promise<string> {
  const result = await db.query<{ n: string }>(
    `INSERT INTO invoice_series (series, next) VALUES ($1, 2)
       ON CONFLICT (series) DO UPDATE SET next = invoice_series.next + 1
     RETURNING (next - 1)::text AS n`,
    [series],
  );
  return `${series}${result.rows[0]!.n.padStart(6, "0")}`;
}

async function buyerOf(db: Db, accountId: string): Promise<InvoiceBuyer> {
  const result = await db.query<Record<string, string | null>>(
    "SELECT name, company, billing_address, country, vat_id FROM accounts WHERE id = $1",
    [accountId],
  );
  const row = result.rows[0];
  // Invoices outlive account rows (no foreign key): without one the buyer is the account id alone,
  // charged domestic VAT like any buyer without a country.
  if (!row) return { name: accountId, company: null, address: null, country: null, vatId: null };
  return {
    name: row.name as string,
    company: row.company ?? null,
    address: row.billing_address ?? null,
    country: row.country ?? null,
    vatId: row.vat_id ?? null,
  };
}

export interface IssueOptions {
  by: string;
  /** Seller, domestic VAT rate, series and payment terms; without a seller nothing is issued. */
  billing: BillingConfig;
  now?: Date;
  /** Called inside the issuing transaction (e.g. to queue the invoice email): it commits or not with it. */
  onIssued?: (client: Db, invoice: Invoice, rule: VatRule) => Promise<void>;
}

/**
 * Issues a draft: takes the next number, snapshots seller and buyer, applies the buyer's VAT rule
 * (the draft's rate was a placeholder: tax is recomputed at the rule's rate with the one rounding
 * step), dates it `now` (the dispute window starts then), due after the payment terms. Only once the
 * month is over: usage of an open month is still arriving.
 */
export function issueInvoice(db: Db, id: string, options: IssueOptions): Promise<Invoice> {
  const now = options.now ?? new Date();
  const { billing } = options;
  const seller = billing.seller;
  if (!seller) {
    throw new StoreError(
      "conflict",
      "No seller is configured: set billing.seller (legal name, address, VAT ID, bank) in the agent config before issuing invoices.",
    );
  }
  const terms = billing.paymentTermsDays;
  return transaction(db, async (client) => {
    const invoice = await lockInvoice(client, id);
    if (invoice.status !== "draft") refuse(invoice, "issued", ["draft"]);
    if (now < parseMonth(invoice.month).end) {
      throw new StoreError("conflict", `${invoice.month} is not over yet; issue its invoices after it ends.`);
    }
    const buyer = await buyerOf(client, invoice.accountId);
    // With VIES on, the last check of this VAT ID decides the reverse charge (missing or stale: unknown).
    const vatIdStatus = viesEnabled(billing)
      ? await vatIdStatusFor(client, invoice.accountId, buyer.vatId)
      : undefined;
    const rule = vatRule({ country: seller.country, ...billing.vat }, { ...buyer, vatIdStatus });
    const tax = taxCents(invoice.subtotalCents, rule.rate);
    const series = seriesFor(billing.series, now);
    const number = await takeNumber(client, series);
    await client.query(
      `UPDATE invoices SET status = 'issued', issued_at = $2, issued_by = $3, due_at = $4, tax_rate = $5,
         tax_cents = $6, total_cents = subtotal_cents + $6, number = $7, series = $8, vat_rule = $9,
         vat_note = $10, seller = $11, buyer = $12
       WHERE id = $1`,
      [
        id,
        now,
        options.by,
        new Date(now.getTime() + terms * DAY_MS),
        rule.rate,
        tax.toString(),
        number,
        series,
        rule.rule,
        rule.note,
        JSON.stringify(seller),
        JSON.stringify(buyer),
      ],
    );
    const issued = (await getInvoice(client, id)).invoice;
    await options.onIssued?.(client, issued, rule);
    return issued;
  });
}

export function markInvoicePaid(db: Db, id: string, options: { by: string; now?: Date }): Promise<Invoice> {
  return transaction(db, async (client) => {
    const invoice = await lockInvoice(client, id);
    if (invoice.status !== "issued" && invoice.status !== "disputed") {
      refuse(invoice, "marked paid", ["issued", "disputed"]);
    }
    await client.query("UPDATE invoices SET status = 'paid', paid_at = $2, paid_by = $3 WHERE id = $1", [
      id,
      options.now ?? new Date(),
      options.by,
    ]);
    return (await getInvoice(client, id)).invoice;
  });
}

/**
 * Opens a dispute. Allowed while now − invoice date ≤ 30 days: at exactly 30 days it is accepted, one
 * millisecond later refused.
 */
export function disputeInvoice(
  db: Db,
  id: string,
  options: { reason: string; by: string; now?: Date },
): Promise<Invoice> {
  const reason = options.reason.trim();
  if (!reason || reason.length > 2000) {
    throw new StoreError("invalid", "Say what is disputed (1 to 2000 characters).");
  }
  const now = options.now ?? new Date();
  return transaction(db, async (client) => {
    const invoice = await lockInvoice(client, id);
    if (invoice.status !== "issued" && invoice.status !== "paid")
      refuse(invoice, "disputed", ["issued", "paid"]);
    const closesAt = new Date(invoice.issuedAt!.getTime() + DISPUTE_WINDOW_DAYS * DAY_MS);
    if (now > closesAt) {
      throw new StoreError(
        "conflict",
        `The dispute window of invoice ${id} closed at ${closesAt.toISOString()} (${DISPUTE_WINDOW_DAYS} days after its invoice date).`,
      );
    }
    await client.query(
      "UPDATE invoices SET status = 'disputed', disputed_at = $2, disputed_by = $3, dispute_reason = $4 WHERE id = $1",
      [id, now, options.by, reason],
    );
    return (await getInvoice(client, id)).invoice;
  });
}

/** Issued invoices past their due date (disputed ones are not overdue while the dispute is open). */
export async function overdueInvoices(db: Db, now = new Date()): Promise<Invoice[]> {
  const issued = await listInvoices(db, { status: "issued" });
  return issued.filter((invoice) => invoice.dueAt !== null && invoice.dueAt < now);
}

export interface OverdueSuspension {
  accountId: string;
  invoices: string[];
  /** The suspension made, or null when one for non-payment was already in force or none may be made. */
  suspension: Suspension | null;
  /** Why no suspension was made although none is in force: the terms require a warning first. */
  refused?: string;
}

/**
 * Suspends, for non_payment, each account with an overdue invoice that is not suspended for it yet
 * and whose non-payment warning is on record (an active `warned` suspension: dunning writes it, or an
 * operator with `suspensions warn`). The terms promise a warning before action, so an account without
 * one is reported, not suspended.
 */
export async function suspendOverdueAccounts(
  db: Db,
  options: { by: string; now?: Date },
): Promise<OverdueSuspension[]> {
  const byAccount = new Map<string, string[]>();
  for (const invoice of await overdueInvoices(db, options.now)) {
    byAccount.set(invoice.accountId, [...(byAccount.get(invoice.accountId) ?? []), invoice.id]);
  }
  const results: OverdueSuspension[] = [];
  for (const [accountId, invoices] of byAccount) {
    const active = await listSuspensions(db, { accountId, activeOnly: true, targetType: "account" });
    if (active.some((s) => s.reason === "non_payment" && s.state === "suspended")) {
      results.push({ accountId, invoices, suspension: null });
      continue;
    }
    if (!active.some((s) => s.reason === "non_payment" && s.state === "warned")) {
      results.push({ accountId, invoices, suspension: null, refused: "no recorded non-payment warning" });
      continue;
    }
    const suspension = await createSuspension(db, {
      targetType: "account",
      target: accountId,
      state: "suspended",
      reason: "non_payment",
      note: `Overdue: ${invoices.join(", ")}`,
      createdBy: options.by,
    });
    results.push({ accountId, invoices, suspension });
  }
  return results;
}
