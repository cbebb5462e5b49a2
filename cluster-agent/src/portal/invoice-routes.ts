// Invoices in the portal: the account's issued invoices (never drafts), each as the same document and
// downloads the CLI exports (store/invoice-export.ts), and a dispute within 30 days of the invoice date.
import type { FastifyInstance } from "fastify";
import { invoicePdf } from "../billing/invoice-pdf.js";
import { ApiError } from "../common/errors.js";
import { formatCents } from "../store/billing.js";
import { invoiceCsv, invoiceDocument } from "../store/invoice-export.js";
import { disputeInvoice } from "../store/invoice-states.js";
import { DISPUTE_WINDOW_DAYS, getInvoiceOf, type Invoice, listInvoicesOf } from "../store/invoices.js";
import { attachment, auditedChange, badInput, bodyOf, fromStore, iso, stringField } from "./account-input.js";
import { notFound, type PortalDeps, requirePortal } from "./context.js";

const DAY_MS = 86_400_000;

function summary(invoice: Invoice, now: Date) {
  const until = invoice.issuedAt ? new Date(invoice.issuedAt.getTime() + DISPUTE_WINDOW_DAYS * DAY_MS) : null;
  return {
    id: invoice.id,
    period: invoice.month,
    status: invoice.status,
    issuedAt: iso(invoice.issuedAt),
    dueAt: iso(invoice.dueAt),
    totalCents: Number(invoice.totalCents),
    total: formatCents(invoice.totalCents),
    currency: invoice.currency,
    disputedAt: iso(invoice.disputedAt),
    disputeReason: invoice.disputeReason,
    disputable: until !== null && now <= until && (invoice.status === "issued" || invoice.status === "paid"),
    disputableUntil: iso(until),
  };
}

export async function invoiceRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  app.get("/api/invoices", async (request) => {
    const principal = requirePortal(request, "owner", "billing");
    const now = deps.now();
    const invoices = await listInvoicesOf(deps.store.pool, principal.accountId);
    return { invoices: invoices.map((i) => summary(i, now)) };
  });

  app.get<{ Params: { id: string } }>("/api/invoices/:id", async (request) => {
    const principal = requirePortal(request, "owner", "billing");
    const found = await getInvoiceOf(deps.store.pool, principal.accountId, request.params.id);
    if (!found) throw notFound("invoice");
    return invoiceDocument(found.invoice, found.lines);
  });

  app.get<{ Params: { id: string }; Querystring: { format?: string } }>(
    "/api/invoices/:id/download",
    async (request, reply) => {
      const principal = requirePortal(request, "owner", "billing");
      const format = request.query.format ?? "json";
      if (format !== "json" && format !== "csv" && format !== "pdf")
        throw badInput('Choose format "pdf", "json" or "csv".', "format");
      const found = await getInvoiceOf(deps.store.pool, principal.accountId, request.params.id);
      if (!found) throw notFound("invoice");
      const { invoice, lines } = found;
      reply.headers(attachment(`${invoice.id}.${format}`));
      // Byte for byte what `entrim-agent invoices export` writes; the PDF is what the customer was mailed.
      if (format === "pdf") return reply.type("application/pdf").send(await invoicePdf(invoice, lines));
      if (format === "csv") return reply.type("text/csv; charset=utf-8").send(invoiceCsv(invoice, lines));
      return reply
        .type("application/json; charset=utf-8")
        .send(`${JSON.stringify(invoiceDocument(invoice, lines), null, 2)}\n`);
    },
  );

  app.post<{ Params: { id: string } }>("/api/invoices/:id/dispute", async (request) => {
    const principal = requirePortal(request, "owner", "billing");
    const body = bodyOf(request, ["reason"]);
    const reason = stringField(body, "reason", 2000);
    if (!reason) throw badInput("Say what is wrong with the invoice (1 to 2000 characters).", "reason");
    const now = deps.now();
    const invoice = await auditedChange(
      deps,
      principal,
      { action: "invoice.dispute", target: (i: Invoice) => `account:${principal.accountId}/invoice:${i.id}` },
      async (db) => {
        // The account is part of the lock's statement: another account's invoice is not found.
        const owned = await db.query(
          "SELECT 1 FROM invoices WHERE id = $1 AND account_id = $2 AND status <> 'draft' FOR UPDATE",
          [request.params.id, principal.accountId],
        );
        if (!owned.rows[0]) throw notFound("invoice");
        return disputeInvoice(db, request.params.id, { reason, by: principal.userId, now });
      },
    ).catch((error) => {
      if (error instanceof ApiError) throw error;
      throw fromStore(error, "invoice", "reason");
    });
    return { invoice: summary(invoice, now) };
  });
}
