import { picoEurToCents } from "../domain/pricing.js";
import { parseMonth, parseTaxRate, taxCents, toUsageRow } from "./billing.js";
import { type Db, StoreError, transaction } from "./db.js";
import { lateUsageFrom, rollUpNewEvents, type UnbilledLine, unbilledUsage } from "./unbilled-usage.js";

export const INVOICE_STATUSES = ["draft", "issued", "paid", "disputed"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** A dispute may be opened until exactly this long after the invoice date, not a millisecond later. */
export const DISPUTE_WINDOW_DAYS = 30;
export const DEFAULT_PAYMENT_TERMS_DAYS = 14;

/** Account id and amounts only: no name, email or address (see migrations/0006_billing.sql). */
export interface Invoice {
  id: string;
  accountId: string;
  /** "2026-11" */
  month: string;
  status: InvoiceStatus;
  currency: "EUR";
  taxRate: string;
  costPicoEur: bigint;
  subtotalCents: bigint;
  taxCents: bigint;
  totalCents: bigint;
  generatedAt: Date;
  generatedBy: string;
  issuedAt: Date | null;
  issuedBy: string | null;
  dueAt: Date | null;
  paidAt: Date | null;
  paidBy: string | null;
  disputedAt: Date | null;
  disputedBy: string | null;
  disputeReason: string | null;
  /** "2026-000001": set when issued (null for drafts and for invoices issued before numbering). */
  number: string | null;
  vatRule: string | null;
  vatNote: string | null;
  /** The parties as they were at issue: an issued invoice never changes with the account. */
  seller: InvoiceSeller | null;
  buyer: InvoiceBuyer | null;
}

export interface InvoiceSeller {
  legalName: string;
  address: string;
  country: string;
  vatId: string;
  registration: string;
  bank: { iban: string; bic: string; name: string };
  email: string;
  phone?: string | undefined;
}

export interface InvoiceBuyer {
  name: string;
  company: string | null;
  address: string | null;
  country: string | null;
  vatId: string | null;
}

export interface InvoiceLine extends Omit<UnbilledLine, "accountId"> {
  amountCents: bigint;
}

/** Printed under an invoice that has late lines. */
export const LATE_USAGE_NOTE =
  'Lines marked "delivered late" bill usage of the month they name that reached billing after that month\'s invoice was issued; it was not billed before.';

/** The line's label on every rendering: the model, and for late usage the month it is from. */
export function lineLabel(line: Pick<InvoiceLine, "model" | "usagePeriod">, invoiceMonth: string): string {
  return line.usagePeriod === invoiceMonth
    ? line.model
    : `${line.model} (usage of ${line.usagePeriod}, delivered late)`;
}

export interface GenerateOptions {
  month: string;
  taxRate: string;
  generatedBy: string;
  now?: Date;
}

export interface GenerateResult {
  month: string;
  /** Drafts written (new or replaced). */
  drafts: Invoice[];
  /** Invoices already issued (or later): never changed. */
  kept: Invoice[];
  /** Drafts removed because their account has no usage in the month any more. */
  removed: string[];
}

/** inv_YYYYMM_<account id without acct_>: one per account and month, stable across regenerations. */
export function invoiceId(accountId: string, month: string): string {
  return `inv_${month.replace("-", "")}_${accountId.replace(/^acct_/, "")}`;
}

/**
 * Rolls up every day that has events its roll-up does not count yet (the month's, and late spool
 * deliveries for earlier months), then writes one draft per account with anything left to bill: a
 * line per month and model (the month's own usage, and usage of earlier invoiced months delivered
 * after their invoices: store/unbilled-usage.ts), amount = picoEurToCents(line cost), subtotal = sum
 * of lines, tax rounded once. Drafts are replaced; issued invoices are left exactly as they are.
 */
export async function generateInvoices(db: Db, options: GenerateOptions): Promise<GenerateResult> {
  const month = parseMonth(options.month);
  const rate = parseTaxRate(options.taxRate);
  const now = options.now ?? new Date();
  return transaction(db, async (client) => {
    // One generation at a time, whatever the month: a draft's lines depend on every other invoice's.
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('invoices:generate', 0))");
    await rollUpNewEvents(client, lateUsageFrom(month), month.end);
    const byAccount = new Map<string, InvoiceLine[]>();
    for (const usage of await unbilledUsage(client, month)) {
      const { accountId, ...rest } = usage;
      const line: InvoiceLine = { ...rest, amountCents: picoEurToCents(usage.costPicoEur) };
      const lines = byAccount.get(accountId);
      if (lines) lines.push(line);
      else byAccount.set(accountId, [line]);
    }
    const existing = new Map(
      (await selectInvoices(client, "period = $1", [month.start])).map((i) => [i.accountId, i]),
    );
    const result: GenerateResult = {
      month: month.text,
      drafts: [],
      kept: [...existing.values()].filter((i) => i.status !== "draft"),
      removed: [],
    };
    for (const [accountId, lines] of byAccount) {
      const previous = existing.get(accountId);
      // Usage of the month arriving after its invoice was issued goes on the account's next one.
      if (previous && previous.status !== "draft") continue;
      if (previous) await client.query("DELETE FROM invoices WHERE id = $1", [previous.id]);
      result.drafts.push(await insertDraft(client, accountId, month, lines, rate, options.generatedBy, now));
    }
    for (const [accountId, invoice] of existing) {
      if (invoice.status === "draft" && !byAccount.has(accountId)) {
        await client.query("DELETE FROM invoices WHERE id = $1", [invoice.id]);
        result.removed.push(invoice.id);
      }
    }
    return result;
  });
}

async function insertDraft(
  db: Db,
  accountId: string,
  month: ReturnType<typeof parseMonth>,
  lines: InvoiceLine[],
  rate: string,
  by: string,
  now: Date,
): Promise<Invoice> {
  const id = invoiceId(accountId, month.text);
  const subtotal = lines.reduce((sum, line) => sum + line.amountCents, 0n);
  const cost = lines.reduce((sum, line) => sum + line.costPicoEur, 0n);
  const tax = taxCents(subtotal, rate);
  await db.query(
    `INSERT INTO invoices (id, account_id, period, tax_rate, cost_pico_eur, subtotal_cents, tax_cents,
       total_cents, generated_at, generated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      accountId,
      month.start,
      rate,
      cost.toString(),
      subtotal.toString(),
      tax.toString(),
      (subtotal + tax).toString(),
      now,
      by,
    ],
  );
  for (const line of lines) {
    await db.query(
      `INSERT INTO invoice_lines (invoice_id, usage_period, model, requests, prompt_tokens, cached_tokens,
         completion_tokens, cost_pico_eur, amount_cents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        parseMonth(line.usagePeriod).start,
        line.model,
        line.requests.toString(),
        line.promptTokens.toString(),
        line.cachedTokens.toString(),
        line.completionTokens.toString(),
        line.costPicoEur.toString(),
        line.amountCents.toString(),
      ],
    );
  }
  const [invoice] = await selectInvoices(db, "id = $1", [id]);
  return invoice!;
}

const COLUMNS = `id, account_id, to_char(period, 'YYYY-MM') AS month, status, currency, tax_rate::text AS tax_rate,
  cost_pico_eur::text AS cost, subtotal_cents::text AS subtotal, tax_cents::text AS tax, total_cents::text AS total,
  generated_at, generated_by, issued_at, issued_by, due_at, paid_at, paid_by, disputed_at, disputed_by, dispute_reason,
  number, vat_rule, vat_note, seller, buyer`;

async function selectInvoices(
  db: Db,
  where: string,
  params: unknown[],
  order = "period, account_id",
): Promise<Invoice[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM invoices WHERE ${where} ORDER BY ${order}`, params);
  return result.rows.map(toInvoice);
}

export interface InvoiceFilter {
  month?: string | undefined;
  accountId?: string | undefined;
  status?: InvoiceStatus | undefined;
  /** At most this many, newest period first (without it: every match, oldest first). */
  limit?: number | undefined;
}

export function listInvoices(db: Db, filter: InvoiceFilter = {}): Promise<Invoice[]> {
  const period = filter.month ? parseMonth(filter.month).start : null;
  const where =
    "($1::date IS NULL OR period = $1) AND ($2::text IS NULL OR account_id = $2) AND ($3::text IS NULL OR status = $3)";
  const params = [period, filter.accountId ?? null, filter.status ?? null];
  if (filter.limit === undefined) return selectInvoices(db, where, params);
  return selectInvoices(db, where, [...params, filter.limit], "period DESC, account_id LIMIT $4");
}

export async function getInvoice(db: Db, id: string): Promise<{ invoice: Invoice; lines: InvoiceLine[] }> {
  const [invoice] = await selectInvoices(db, "id = $1", [id]);
  if (!invoice) throw new StoreError("not_found", `There is no invoice ${id}.`);
  return { invoice, lines: await linesOf(db, id) };
}

/**
 * The invoices a customer sees: their account's, never drafts (a draft is not an invoice yet), newest
 * period first. The account is part of the statement.
 */
export function listInvoicesOf(db: Db, accountId: string): Promise<Invoice[]> {
  return selectInvoices(db, "account_id = $1 AND status <> 'draft'", [accountId], "period DESC, id");
}

/** One of the account's invoices (not a draft); another account's is undefined, like a missing one. */
export async function getInvoiceOf(
  db: Db,
  accountId: string,
  id: string,
): Promise<{ invoice: Invoice; lines: InvoiceLine[] } | undefined> {
  const [invoice] = await selectInvoices(db, "id = $1 AND account_id = $2 AND status <> 'draft'", [
    id,
    accountId,
  ]);
  return invoice ? { invoice, lines: await linesOf(db, id) } : undefined;
}

async function linesOf(db: Db, id: string): Promise<InvoiceLine[]> {
  const result = await db.query(
    `SELECT to_char(usage_period, 'YYYY-MM') AS usage_period, model, requests::text AS requests, prompt_tokens::text AS prompt, cached_tokens::text AS cached,
       completion_tokens::text AS completion, cost_pico_eur::text AS cost, amount_cents::text AS amount
     FROM invoice_lines WHERE invoice_id = $1 ORDER BY usage_period DESC, model`,
    [id],
  );
  return result.rows.map((row) => {
    const { day: _, ...usage } = toUsageRow(row);
    return { usagePeriod: row.usage_period as string, ...usage, amountCents: BigInt(row.amount) };
  });
}

function toInvoice(row: Record<string, unknown>): Invoice {
  return {
    id: row.id as string,
    accountId: row.account_id as string,
    month: row.month as string,
    status: row.status as InvoiceStatus,
    currency: "EUR",
    // numeric(6,4) prints "0.1900"; show it as it was given.
    taxRate: (row.tax_rate as string).replace(/\.?0+$/, ""),
    costPicoEur: BigInt(row.cost as string),
    subtotalCents: BigInt(row.subtotal as string),
    taxCents: BigInt(row.tax as string),
    totalCents: BigInt(row.total as string),
    generatedAt: row.generated_at as Date,
    generatedBy: row.generated_by as string,
    issuedAt: (row.issued_at as Date | null) ?? null,
    issuedBy: (row.issued_by as string | null) ?? null,
    dueAt: (row.due_at as Date | null) ?? null,
    paidAt: (row.paid_at as Date | null) ?? null,
    paidBy: (row.paid_by as string | null) ?? null,
    disputedAt: (row.disputed_at as Date | null) ?? null,
    disputedBy: (row.disputed_by as string | null) ?? null,
    disputeReason: (row.dispute_reason as string | null) ?? null,
    number: (row.number as string | null) ?? null,
    vatRule: (row.vat_rule as string | null) ?? null,
    vatNote: (row.vat_note as string | null) ?? null,
    seller: (row.seller as InvoiceSeller | null) ?? null,
    buyer: (row.buyer as InvoiceBuyer | null) ?? null,
  };
}
