// AccountService's invoice methods: the invoices the store keeps (account id and amounts only), for
// every role, the way billing keeps them: integer cents and exact pico-euros as decimal text.
import type {
  ExportInvoiceRequest__Output,
  GetInvoiceRequest__Output,
  InvoiceDetail,
  InvoiceDocument,
  ListInvoicesRequest__Output,
  ListInvoicesResponse,
  Invoice as WireInvoice,
  InvoiceLine as WireLine,
} from "@entrim/proto";
import { invoicePdf } from "../../billing/invoice-pdf.js";
import { formatCents, parseMonth } from "../../store/billing.js";
import type { Db } from "../../store/db.js";
import { invoiceCsv, invoiceDocument } from "../../store/invoice-export.js";
import {
  getInvoice,
  INVOICE_STATUSES,
  type Invoice,
  type InvoiceLine,
  type InvoiceStatus,
  listInvoices,
} from "../../store/invoices.js";
import { limitOf, ms } from "../convert.js";
import { failedPrecondition, invalidArgument, type UnaryMethod, unary } from "../rpc.js";

export function toWireInvoice(i: Invoice): WireInvoice {
  return {
    id: i.id,
    accountId: i.accountId,
    period: i.month,
    status: i.status,
    currency: i.currency,
    taxRate: i.taxRate,
    costPicoEur: i.costPicoEur.toString(),
    subtotalCents: i.subtotalCents.toString(),
    taxCents: i.taxCents.toString(),
    totalCents: i.totalCents.toString(),
    subtotal: formatCents(i.subtotalCents),
    tax: formatCents(i.taxCents),
    total: formatCents(i.totalCents),
    generatedAtMs: ms(i.generatedAt),
    issuedAtMs: ms(i.issuedAt),
    dueAtMs: ms(i.dueAt),
    paidAtMs: ms(i.paidAt),
    disputedAtMs: ms(i.disputedAt),
    disputeReason: i.disputeReason ?? "",
  };
}

function toWireLine(l: InvoiceLine): WireLine {
  return {
    usagePeriod: l.usagePeriod,
    model: l.model,
    requests: Number(l.requests),
    promptTokens: Number(l.promptTokens),
    cachedTokens: Number(l.cachedTokens),
    completionTokens: Number(l.completionTokens),
    costPicoEur: l.costPicoEur.toString(),
    amountCents: l.amountCents.toString(),
    amount: formatCents(l.amountCents),
  };
}

const INVOICE_ID = /^inv_\d{6}_[A-Za-z0-9_-]{1,64}$/;

function invoiceIdOf(id: string): string {
  if (!INVOICE_ID.test(id))
    throw invalidArgument(`id must be an invoice id like inv_202611_0123456789abcdef (got "${id}").`);
  return id;
}

function statusOf(status: string): InvoiceStatus | undefined {
  if (!status) return undefined;
  if (!(INVOICE_STATUSES as readonly string[]).includes(status))
    throw invalidArgument(`status must be one of ${INVOICE_STATUSES.join(", ")} (got "${status}").`);
  return status as InvoiceStatus;
}

function monthOf(month: string): string | undefined {
  if (!month) return undefined;
  try {
    return parseMonth(month).text;
  } catch {
    throw invalidArgument(`month must be a month like 2026-11 (got "${month}").`);
  }
}

export function invoiceMethods(db: Db): {
  ListInvoices: UnaryMethod<ListInvoicesRequest__Output, ListInvoicesResponse>;
  GetInvoice: UnaryMethod<GetInvoiceRequest__Output, InvoiceDetail>;
  ExportInvoice: UnaryMethod<ExportInvoiceRequest__Output, InvoiceDocument>;
} {
  return {
    ListInvoices: unary("viewer", async (request) => {
      const month = monthOf(request.month);
      if (!request.accountId && !month) throw invalidArgument("Give account_id or month (or both).");
      const invoices = await listInvoices(db, {
        accountId: request.accountId || undefined,
        month,
        status: statusOf(request.status),
        limit: limitOf(request.limit),
      });
      return { invoices: invoices.map(toWireInvoice) };
    }),
    GetInvoice: unary("viewer", async (request) => {
      const { invoice, lines } = await getInvoice(db, invoiceIdOf(request.id));
      return { invoice: toWireInvoice(invoice), lines: lines.map(toWireLine) };
    }),
    ExportInvoice: unary("viewer", async (request) => {
      const { invoice, lines } = await getInvoice(db, invoiceIdOf(request.id));
      if (request.format === "INVOICE_FORMAT_PDF") {
        if (invoice.status === "draft")
          throw failedPrecondition(
            `Invoice ${invoice.id} is a draft: drafts have no PDF until they are issued.`,
          );
        // The same bytes the customer received by email and downloads in the portal.
        const data = await invoicePdf(invoice, lines);
        return { filename: `${invoice.id}.pdf`, contentType: "application/pdf", content: "", data };
      }
      // Byte for byte what `entrim-agent invoices export` prints.
      return request.format === "INVOICE_FORMAT_CSV"
        ? { filename: `${invoice.id}.csv`, contentType: "text/csv", content: invoiceCsv(invoice, lines) }
        : {
            filename: `${invoice.id}.json`,
            contentType: "application/json",
            content: `${JSON.stringify(invoiceDocument(invoice, lines), null, 2)}\n`,
          };
    }),
  };
}
