// Invoice documents as operators receive them: the same JSON and CSV from the CLI (`invoices export`)
// and from the control plane (AccountService.ExportInvoice), so the two can never differ.
import { csvDocument } from "../common/csv.js";
import { formatCents } from "./billing.js";
import type { Invoice, InvoiceLine } from "./invoices.js";

/** Bigints become decimal strings: JSON has no integer type wide enough for money in pico-euros. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/** The invoice as a document: amounts as decimal euro strings ("12.34") and as integer cents. */
export function invoiceDocument(invoice: Invoice, lines: InvoiceLine[]): Record<string, unknown> {
  return plain({
    id: invoice.id,
    accountId: invoice.accountId,
    period: invoice.month,
    status: invoice.status,
    currency: invoice.currency,
    invoiceDate: invoice.issuedAt,
    dueDate: invoice.dueAt,
    taxRate: invoice.taxRate,
    // Why this rate (reverse charge, non-EU, the OSS country): as printed under the VAT line.
    vatNote: invoice.vatNote,
    lines: lines.map((line) => ({
      usagePeriod: line.usagePeriod,
      model: line.model,
      requests: line.requests,
      promptTokens: line.promptTokens,
      cachedTokens: line.cachedTokens,
      completionTokens: line.completionTokens,
      costPicoEur: line.costPicoEur,
      amountCents: line.amountCents,
      amount: formatCents(line.amountCents),
    })),
    subtotalCents: invoice.subtotalCents,
    taxCents: invoice.taxCents,
    totalCents: invoice.totalCents,
    subtotal: formatCents(invoice.subtotalCents),
    tax: formatCents(invoice.taxCents),
    total: formatCents(invoice.totalCents),
    disputedAt: invoice.disputedAt,
    disputeReason: invoice.disputeReason,
    paidAt: invoice.paidAt,
  }) as Record<string, unknown>;
}

const CSV_COLUMNS = [
  "invoice_id",
  "account_id",
  "period",
  "invoice_date",
  "due_date",
  "currency",
  "item",
  "model",
  "requests",
  "prompt_tokens",
  "cached_tokens",
  "completion_tokens",
  "tax_rate",
  "amount_eur",
  // Last, so readers of the older columns are unaffected: the month a usage line bills.
  "usage_period",
];

/** One row per line, then subtotal, tax and total rows; euros with two decimals, from cents. */
export function invoiceCsv(invoice: Invoice, lines: InvoiceLine[]): string {
  const head = [
    invoice.id,
    invoice.accountId,
    invoice.month,
    invoice.issuedAt?.toISOString().slice(0, 10) ?? "",
    invoice.dueAt?.toISOString().slice(0, 10) ?? "",
    invoice.currency,
  ];
  const rows = [
    ...lines.map((l) => [
      ...head,
      "usage",
      l.model,
      String(l.requests),
      String(l.promptTokens),
      String(l.cachedTokens),
      String(l.completionTokens),
      "",
      formatCents(l.amountCents),
      l.usagePeriod,
    ]),
    [...head, "subtotal", "", "", "", "", "", "", formatCents(invoice.subtotalCents), ""],
    [...head, "tax", "", "", "", "", "", invoice.taxRate, formatCents(invoice.taxCents), ""],
    [...head, "total", "", "", "", "", "", "", formatCents(invoice.totalCents), ""],
  ];
  return csvDocument([CSV_COLUMNS, ...rows]);
}
