// The account's invoices (never drafts), newest first as the server sends them.
import { useSignedIn } from "../components/context.js";
import { Link, Loading, useLoad } from "../components/ui.js";
import { formatDate, formatMoney, formatMonth } from "../format.js";
import type { InvoiceSummary } from "../types.js";

export function invoiceStatus(invoice: Pick<InvoiceSummary, "status" | "disputedAt">): string {
  if (invoice.disputedAt) return "Disputed";
  return invoice.status.charAt(0).toUpperCase() + invoice.status.slice(1);
}

export function InvoicesPage() {
  const { api } = useSignedIn();
  const invoices = useLoad(() => api.get<{ invoices: InvoiceSummary[] }>("/api/invoices"), [api]);
  return (
    <section>
      <h1>Invoices</h1>
      {!invoices.data ? (
        <Loading error={invoices.error} what="invoices" />
      ) : invoices.data.invoices.length === 0 ? (
        <p className="muted">No invoices yet. An invoice is issued after each month with usage.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Period</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Total
              </th>
              <th scope="col">Issued</th>
              <th scope="col">Due</th>
            </tr>
          </thead>
          <tbody>
            {invoices.data.invoices.map((invoice) => (
              <tr key={invoice.id}>
                <th scope="row">
                  <Link to={`/invoices/${encodeURIComponent(invoice.id)}`}>{invoice.id}</Link>
                </th>
                <td>{formatMonth(invoice.period)}</td>
                <td>
                  <span className={`state state-${invoice.disputedAt ? "disputed" : invoice.status}`}>
                    {invoiceStatus(invoice)}
                  </span>
                </td>
                <td className="num">
                  {formatMoney(invoice.total)} {invoice.currency !== "EUR" ? invoice.currency : ""}
                </td>
                <td>{formatDate(invoice.issuedAt)}</td>
                <td>{formatDate(invoice.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
