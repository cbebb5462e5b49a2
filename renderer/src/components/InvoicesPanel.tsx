// The open account's invoices (number, period, state, amounts as the store keeps them: integer cents)
// and, for the one clicked, its lines; each invoice downloads as the CLI's JSON or CSV document.
// Disputes customers open in the portal are listed on top with their reason and date, marked in the
// table, and one checkbox shows only the disputed ones.
import { useEffect, useState } from "react";
import { compact, time } from "../format.js";
import { downloadInvoice, loadInvoices, openInvoice } from "../records.js";
import { centsText, disputedInvoices } from "../state/recordsSlice.js";
import { useApp, useAppState } from "./context.js";
import { clickKeys } from "./keys.js";

export function InvoicesPanel({ accountId }: { accountId: string }) {
  const { controller } = useApp();
  const invoices = useAppState((s) => (s.invoices?.accountId === accountId ? s.invoices.list : undefined));
  const detail = useAppState((s) => s.invoiceDetail);
  useEffect(() => void loadInvoices(controller, accountId), [controller, accountId]);
  const open = detail?.invoice?.accountId === accountId ? detail : undefined;
  const [onlyDisputed, setOnlyDisputed] = useState(false);
  const disputes = disputedInvoices(invoices ?? []);
  const shown = onlyDisputed ? disputes : (invoices ?? []);
  return (
    <div className="invoices" data-testid="invoices">
      <h4>
        Invoices{" "}
        {disputes.length > 0 && (
          <span className="badge warn" data-testid="disputed-count">
            {disputes.length} disputed
          </span>
        )}
      </h4>
      {disputes.length > 0 && (
        <ul className="disputes" data-testid="disputes" aria-label="Disputed invoices">
          {disputes.map((i) => (
            <li key={i.id} data-dispute={i.id}>
              <b className={i.status === "disputed" ? "warn" : "muted"}>
                {i.status === "disputed" ? "Disputed" : `Was disputed (now ${i.status})`}
              </b>{" "}
              {i.id} ({i.period}, {centsText(i.totalCents)}) on {time(Number(i.disputedAtMs)).slice(0, 10)}:{" "}
              <q>{i.disputeReason || "no reason given"}</q>
            </li>
          ))}
        </ul>
      )}
      <label className="muted">
        <input
          type="checkbox"
          aria-label="only disputed invoices"
          checked={onlyDisputed}
          onChange={(e) => setOnlyDisputed(e.target.checked)}
        />{" "}
        only disputed
      </label>
      <table className="dense">
        <thead>
          <tr>
            <th>Invoice</th>
            <th>Period</th>
            <th>State</th>
            <th>Due</th>
            <th className="num">Subtotal</th>
            <th className="num">Tax</th>
            <th className="num">Total</th>
            <th>Download</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((i) => (
            <tr
              key={i.id}
              data-invoice={i.id}
              className={open?.invoice?.id === i.id ? "cursor" : ""}
              tabIndex={-1}
              onClick={() => void openInvoice(controller, i.id)}
              onKeyDown={clickKeys(() => void openInvoice(controller, i.id))}
            >
              <td>{i.id}</td>
              <td>{i.period}</td>
              <td
                className={i.status === "disputed" ? "warn" : ""}
                title={
                  Number(i.disputedAtMs)
                    ? `Disputed ${time(Number(i.disputedAtMs))}: ${i.disputeReason}`
                    : undefined
                }
              >
                {i.status}
                {Number(i.disputedAtMs) > 0 && i.status !== "disputed" && (
                  <span className="muted"> (was disputed)</span>
                )}
              </td>
              <td>{i.dueAtMs ? time(Number(i.dueAtMs)).slice(0, 10) : "–"}</td>
              <td className="num">{centsText(i.subtotalCents)}</td>
              <td className="num">
                {centsText(i.taxCents)} <span className="muted">({i.taxRate})</span>
              </td>
              <td className="num" data-testid="invoice-total">
                {centsText(i.totalCents)}
              </td>
              <td>
                {/* A download is not a click on the row: it leaves the open invoice as it is. */}
                {i.status !== "draft" && (
                  <>
                    <button
                      type="button"
                      title="The PDF the customer received"
                      onClick={(e) => {
                        e.stopPropagation();
                        void downloadInvoice(controller, i.id, "pdf");
                      }}
                    >
                      PDF
                    </button>{" "}
                  </>
                )}
                <button
                  type="button"
                  onClick={(e) => {
                    e.stopPropagation();
                    void downloadInvoice(controller, i.id, "json");
                  }}
                >
                  JSON
                </button>{" "}
                <button
                  type="button"
                  onClick={(e) => {
                    e.stopPropagation();
                    void downloadInvoice(controller, i.id, "csv");
                  }}
                >
                  CSV
                </button>
              </td>
            </tr>
          ))}
          {invoices && shown.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                {onlyDisputed ? "No disputed invoices." : "No invoices."}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {open?.invoice && (
        <table className="dense" data-testid="invoice-lines" aria-label={`Lines of ${open.invoice.id}`}>
          <thead>
            <tr>
              <th>{open.invoice.id}: model</th>
              <th className="num">Requests</th>
              <th className="num">Prompt</th>
              <th className="num">Cached</th>
              <th className="num">Completion</th>
              <th className="num">Cost (exact, EUR)</th>
              <th className="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {open.lines.map((l) => (
              <tr key={`${l.usagePeriod}/${l.model}`}>
                <td>
                  {l.model}
                  {l.usagePeriod && l.usagePeriod !== open.invoice?.period && (
                    <span className="muted"> (usage of {l.usagePeriod}, delivered late)</span>
                  )}
                </td>
                <td className="num">{compact(Number(l.requests))}</td>
                <td className="num">{compact(Number(l.promptTokens))}</td>
                <td className="num">{compact(Number(l.cachedTokens))}</td>
                <td className="num">{compact(Number(l.completionTokens))}</td>
                <td className="num" title={`${l.costPicoEur} pico-euros`}>
                  {picoText(l.costPicoEur)}
                </td>
                <td className="num">{centsText(l.amountCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Pico-euros as exact decimal euros ("1734567890123" → "1.734567890123"). */
function picoText(pico: string): string {
  const digits = pico.padStart(13, "0");
  return `${digits.slice(0, -12)}.${digits.slice(-12)}`;
}
