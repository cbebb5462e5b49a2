// One invoice: the same document the CLI exports, its downloads, and the dispute form while the terms'
// 30 days run (the summary from the list says whether and until when).
import { useState } from "react";
import { withQuery } from "../api.js";
import { useSignedIn } from "../components/context.js";
import { ErrorText, Link, Loading, Notice, useLoad, useSubmit } from "../components/ui.js";
import { formatDate, formatDateTime, formatMoney, formatMonth, formatRate, formatTokens } from "../format.js";
import type { InvoiceDocument, InvoiceSummary } from "../types.js";
import { invoiceStatus } from "./Invoices.js";

function DisputeForm({ id, until, onDone }: { id: string; until: string | null; onDone: () => void }) {
  const { api } = useSignedIn();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const dispute = useSubmit(async () => {
    if (!reason.trim()) throw new Error("Say what is wrong with the invoice, so we can check it.");
    await api.post(`/api/invoices/${encodeURIComponent(id)}/dispute`, { reason: reason.trim() });
    setOpen(false);
    onDone();
  });
  if (!open)
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          Dispute
        </button>{" "}
        <span className="muted">You can dispute this invoice until {formatDate(until)}.</span>
      </p>
    );
  return (
    <form className="panel" onSubmit={dispute.onSubmit()} noValidate>
      <h2>Dispute this invoice</h2>
      <div className="field">
        <label htmlFor="dispute-reason">Reason</label>
        <textarea
          id="dispute-reason"
          required
          rows={4}
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <ErrorText error={dispute.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={dispute.busy}>
          Send dispute
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Card payment through Stripe Checkout: the server opens (or reuses) the session, the browser goes there. */
function PayNow({ id }: { id: string }) {
  const { api } = useSignedIn();
  const pay = useSubmit(async () => {
    const { url } = await api.post<{ url: string }>(`/api/invoices/${encodeURIComponent(id)}/pay`);
    window.location.assign(url);
  });
  return (
    <form className="actions" onSubmit={pay.onSubmit()} noValidate>
      <button type="submit" className="primary" disabled={pay.busy}>
        Pay now
      </button>
      <span className="muted">by card, on Stripe's secure page</span>
      <ErrorText error={pay.error} />
    </form>
  );
}

export function InvoicePage({ id }: { id: string }) {
  const { api } = useSignedIn();
  const path = `/api/invoices/${encodeURIComponent(id)}`;
  const doc = useLoad(() => api.get<InvoiceDocument>(path), [api, path]);
  const list = useLoad(() => api.get<{ invoices: InvoiceSummary[] }>("/api/invoices"), [api]);
  const [disputed, setDisputed] = useState(false);
  const summary = list.data?.invoices.find((invoice) => invoice.id === id);
  if (!doc.data)
    return (
      <section>
        <h1>Invoice {id}</h1>
        <Loading error={doc.error} what="the invoice" />
        <p>
          <Link to="/invoices">All invoices</Link>
        </p>
      </section>
    );
  const invoice = doc.data;
  return (
    <section>
      <p>
        <Link to="/invoices">← All invoices</Link>
      </p>
      <h1>Invoice {invoice.id}</h1>
      <dl className="facts">
        <dt>Period</dt>
        <dd>{formatMonth(invoice.period)}</dd>
        <dt>Status</dt>
        <dd>{invoiceStatus(invoice)}</dd>
        <dt>Invoice date</dt>
        <dd>{formatDate(invoice.invoiceDate)}</dd>
        <dt>Due</dt>
        <dd>{formatDate(invoice.dueDate)}</dd>
        {invoice.paidAt ? (
          <>
            <dt>Paid</dt>
            <dd>{formatDate(invoice.paidAt)}</dd>
          </>
        ) : null}
      </dl>
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col" className="num">
              Input tokens
            </th>
            <th scope="col" className="num">
              Cached tokens
            </th>
            <th scope="col" className="num">
              Output tokens
            </th>
            <th scope="col" className="num">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((line) => (
            <tr key={`${line.usagePeriod ?? invoice.period}/${line.model}`}>
              <th scope="row">
                {line.model}
                {line.usagePeriod && line.usagePeriod !== invoice.period && (
                  <span className="muted"> (usage of {formatMonth(line.usagePeriod)}, delivered late)</span>
                )}
              </th>
              <td className="num">{formatTokens(Number(line.requests))}</td>
              <td className="num">{formatTokens(Number(line.promptTokens))}</td>
              <td className="num">{formatTokens(Number(line.cachedTokens))}</td>
              <td className="num">{formatTokens(Number(line.completionTokens))}</td>
              <td className="num">{formatMoney(line.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={5}>
              Subtotal
            </th>
            <td className="num">{formatMoney(invoice.subtotal)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={5}>
              VAT ({formatRate(invoice.taxRate)})
            </th>
            <td className="num">{formatMoney(invoice.tax)}</td>
          </tr>
          <tr>
            <th scope="row" colSpan={5}>
              Total ({invoice.currency})
            </th>
            <td className="num">
              <strong>{formatMoney(invoice.total)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      {invoice.vatNote ? <p className="muted">{invoice.vatNote}</p> : null}
      {summary && (summary.status === "issued" || summary.status === "disputed") ? (
        <PayNow id={invoice.id} />
      ) : null}
      {new URLSearchParams(window.location.search).get("paid") === "1" && summary?.status !== "paid" ? (
        <Notice>
          Thank you: your payment is being confirmed; this page shows it as paid once Stripe reports it.
        </Notice>
      ) : null}
      <p className="actions">
        <a className="button primary" href={withQuery(`${path}/download`, { format: "pdf" })} download>
          Download PDF
        </a>
        <a className="button" href={withQuery(`${path}/download`, { format: "json" })} download>
          Download JSON
        </a>
        <a className="button" href={withQuery(`${path}/download`, { format: "csv" })} download>
          Download CSV
        </a>
      </p>
      {invoice.disputedAt ? (
        <section className="panel" aria-labelledby="dispute">
          <h2 id="dispute">Disputed</h2>
          <p>
            You disputed this invoice on {formatDateTime(invoice.disputedAt)}: “{invoice.disputeReason}”. We
            will answer by email.
          </p>
        </section>
      ) : summary?.disputable ? (
        <DisputeForm
          id={invoice.id}
          until={summary.disputableUntil}
          onDone={() => {
            setDisputed(true);
            doc.reload();
            list.reload();
          }}
        />
      ) : null}
      {disputed ? <Notice>Your dispute was sent. We will answer by email.</Notice> : null}
    </section>
  );
}
