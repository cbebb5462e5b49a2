// Usage of a month by day and model, with the chart, per-model totals, the account's limits and a CSV
// of the same rows. Requests from seconds ago are included (the server reads the live records).
import { useMemo, useState } from "react";
import { withQuery } from "../api.js";
import { CreditPanel } from "../components/CreditPanel.js";
import { useSignedIn } from "../components/context.js";
import { UsageChart } from "../components/UsageChart.js";
import { Loading, useLoad } from "../components/ui.js";
import { formatDate, formatMoney, formatMonth, formatTokens } from "../format.js";
import type { Usage, UsageFigures } from "../types.js";
import { dailySeries } from "../usage-series.js";

function Figures({ row }: { row: UsageFigures }) {
  return (
    <>
      <td className="num">{formatTokens(row.requests)}</td>
      <td className="num">{formatTokens(row.inputTokens)}</td>
      <td className="num">{formatTokens(row.cachedTokens)}</td>
      <td className="num">{formatTokens(row.outputTokens)}</td>
      <td className="num">{formatMoney(row.cost)}</td>
    </>
  );
}

const FIGURE_HEADERS = ["Requests", "Input tokens", "Cached tokens", "Output tokens", "Cost"];

function Limits({ limits }: { limits: Usage["limits"] }) {
  const none = "No limit";
  return (
    <section className="panel" aria-labelledby="limits">
      <h2 id="limits">Limits and spend cap</h2>
      <dl className="facts">
        <dt>Requests per minute</dt>
        <dd>{limits.rpm ? formatTokens(limits.rpm) : none}</dd>
        <dt>Tokens per minute</dt>
        <dd>{limits.tpm ? formatTokens(limits.tpm) : none}</dd>
        <dt>Concurrent requests</dt>
        <dd>{limits.concurrency ? formatTokens(limits.concurrency) : none}</dd>
        <dt>Monthly spend cap</dt>
        <dd>{limits.spendCapEur ? formatMoney(limits.spendCapEur) : none}</dd>
        <dt>Spent this month</dt>
        <dd>{formatMoney(limits.spentThisMonth)}</dd>
      </dl>
    </section>
  );
}

export function UsagePage() {
  const { api } = useSignedIn();
  const [month, setMonth] = useState<string | undefined>(undefined);
  const usage = useLoad(() => api.get<Usage>(withQuery("/api/usage", { month })), [api, month]);
  const data = usage.data;
  const series = useMemo(() => (data ? dailySeries(data.month, data.days) : null), [data]);
  if (!data || !series)
    return (
      <section>
        <h1>Usage</h1>
        <Loading error={usage.error} what="usage" />
      </section>
    );
  const months = data.months.includes(data.month) ? data.months : [data.month, ...data.months];
  return (
    <section>
      <h1>Usage</h1>
      <CreditPanel />
      <div className="toolbar">
        <div className="field">
          <label htmlFor="usage-month">Month</label>
          <select id="usage-month" value={data.month} onChange={(e) => setMonth(e.target.value)}>
            {months.map((m) => (
              <option key={m} value={m}>
                {formatMonth(m)}
              </option>
            ))}
          </select>
        </div>
        <a className="button" href={withQuery("/api/usage.csv", { month: data.month })} download>
          Download CSV
        </a>
      </div>
      <ErrorRefresh error={usage.error} />
      <div className="summary">
        <div>
          <span className="muted">Cost</span>
          <strong>{formatMoney(data.totals.cost)}</strong>
        </div>
        <div>
          <span className="muted">Requests</span>
          <strong>{formatTokens(data.totals.requests)}</strong>
        </div>
        <div>
          <span className="muted">Tokens in / out</span>
          <strong>
            {formatTokens(data.totals.inputTokens)} / {formatTokens(data.totals.outputTokens)}
          </strong>
        </div>
      </div>
      <UsageChart series={series} />
      <div className="columns">
        <section aria-labelledby="by-model">
          <h2 id="by-model">By model</h2>
          {data.models.length === 0 ? (
            <p className="muted">No requests in {formatMonth(data.month)}.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  {FIGURE_HEADERS.map((h) => (
                    <th scope="col" className="num" key={h}>
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.models.map((row) => (
                  <tr key={row.model}>
                    <th scope="row">{row.model}</th>
                    <Figures row={row} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <Figures row={data.totals} />
                </tr>
              </tfoot>
            </table>
          )}
        </section>
        <Limits limits={data.limits} />
      </div>
      <h2>By day and model</h2>
      {data.days.length === 0 ? (
        <p className="muted">No requests in {formatMonth(data.month)}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Model</th>
              {FIGURE_HEADERS.map((h) => (
                <th scope="col" className="num" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.days.map((row) => (
              <tr key={`${row.day}/${row.model}`}>
                <td>{formatDate(row.day)}</td>
                <td>{row.model}</td>
                <Figures row={row} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ErrorRefresh({ error }: { error: unknown }) {
  return error ? <Loading error={error} what="usage" /> : null;
}
