import { parseMonth } from "./billing.js";
import { type Db, StoreError, transaction } from "./db.js";
import {
  DEFAULT_PAYMENT_TERMS_DAYS,
  DISPUTE_WINDOW_DAYS,
  getInvoice,
  type Invoice,
  type InvoiceStatus,
  listInvoices,
} from "./invoices.js";
import { createSuspension, listSuspensions, type Suspension } from "./suspensions.js";

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
 * Issues a draft: the invoice date is `now` (the dispute window starts then), due after the payment
 * terms. Only once the month is over: usage of an open month is still arriving.
 */
export function issueInvoice(
  db: Db,
  id: string,
  options: { by: string; termsDays?: number; now?: Date },
): Promise<Invoice> {
  const now = options.now ?? new Date();
  const terms = options.termsDays ?? DEFAULT_PAYMENT_TERMS_DAYS;
  if (!Number.isInteger(terms) || terms < 0 || terms > 365) {
    throw new StoreError("invalid", "Payment terms are whole days between 0 and 365.");
  }
  return transaction(db, async (client) => {
    const invoice = await lockInvoice(client, id);
    if (invoice.status !== "draft") refuse(invoice, "issued", ["draft"]);
    if (now < parseMonth(invoice.month).end) {
      throw new StoreError("conflict", `${invoice.month} is not over yet; issue its invoices after it ends.`);
    }
    await client.query(
      "UPDATE invoices SET status = 'issued', issued_at = $2, issued_by = $3, due_at = $4 WHERE id = $1",
      [id, now, options.by, new Date(now.getTime() + terms * DAY_MS)],
    );
    return (await getInvoice(client, id)).invoice;
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
  /** The suspension made, or null when one for non-payment was already in force. */
  suspension: Suspension | null;
}

/** Suspends, for non_payment, each account with an overdue invoice that is not suspended for it yet. */
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
