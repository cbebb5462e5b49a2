// Customer accounts: search, this month's usage per account in a virtualised table (j/k, Enter opens,
// s/w suspend or warn through the abuse form), and the open account's usage by day and model, keys,
// active suspensions and invoices; e exports its personal data (admin).
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { compact, time } from "../format.js";
import { euros, usageOf, usageRows } from "../state/accountsSlice.js";
import { AccountKeysPanel } from "./AccountKeysPanel.js";
import { ActionButton } from "./ActionButton.js";
import { useApp, useAppState } from "./context.js";
import { ExportDialog } from "./ExportDialog.js";
import { InvoicesPanel } from "./InvoicesPanel.js";
import { clickKeys } from "./keys.js";
import { rowsHeight } from "./table.js";

const ROW_HEIGHT = 28;
const COLUMNS = "minmax(160px,1.4fr) minmax(120px,1fr) minmax(160px,1.4fr) 90px 90px 110px 110px";
/** Searching runs on the agent's store: wait for a pause in typing instead of one query per key. */
const SEARCH_PAUSE_MS = 250;
const HEADERS = ["Account", "Name", "Email / company", "Status", "Requests", "Tokens", "Cost"];

export function AccountsView({ searchRef }: { searchRef: React.RefObject<HTMLInputElement | null> }) {
  const { controller, store } = useApp();
  const accounts = useAppState((s) => s.accounts);
  const query = useAppState((s) => s.accountQuery);
  const loading = useAppState((s) => s.accountsLoading);
  const cursor = useAppState((s) => s.accountCursor);
  const detail = useAppState((s) => s.accountDetail);
  const scroller = useRef<HTMLTableSectionElement>(null);
  const virtualizer = useVirtualizer({
    count: accounts.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const latest = useRef({ accounts, virtualizer });
  latest.current = { accounts, virtualizer };
  useEffect(() => {
    const index = latest.current.accounts.findIndex((a) => a.id === cursor);
    if (index >= 0) latest.current.virtualizer.scrollToIndex(index, { align: "auto" });
  }, [cursor]);
  const pending = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(pending.current), []);

  return (
    <section className="accounts" aria-label="Accounts">
      <div className="filters">
        <input
          ref={searchRef}
          type="search"
          aria-label="search accounts"
          placeholder="name, email, company or id  (/)"
          defaultValue={query}
          onChange={(e) => {
            const value = e.target.value;
            clearTimeout(pending.current);
            pending.current = setTimeout(() => void controller.searchAccounts(value), SEARCH_PAUSE_MS);
          }}
          onKeyDown={(e) => {
            // Enter searches at once; Escape hands the keyboard back to the list (j/k).
            if (e.key === "Enter") {
              clearTimeout(pending.current);
              void controller.searchAccounts(e.currentTarget.value);
            } else if (e.key === "Escape") e.currentTarget.blur();
          }}
        />
        <span className="muted" data-testid="accounts-count">
          {loading ? "searching…" : `${accounts.length} accounts · usage this month (UTC)`}
        </span>
        <span className="spacer" />
        <ActionButton id="account.suspend" />
        <ActionButton id="account.warn" />
        <ActionButton id="account.export" />
      </div>
      <table className="table accounts-table" aria-rowcount={accounts.length}>
        <thead>
          <tr className="row head" style={{ gridTemplateColumns: COLUMNS }}>
            {HEADERS.map((h) => (
              <th key={h} scope="col" className={["Requests", "Tokens", "Cost"].includes(h) ? "num" : ""}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="rows" ref={scroller} style={rowsHeight(virtualizer.getTotalSize())}>
          {virtualizer.getVirtualItems().map((item) => {
            const a = accounts[item.index]!;
            const u = usageOf(a);
            return (
              <tr
                key={a.id}
                data-account={a.id}
                className={`row node${a.id === cursor ? " cursor" : ""}`}
                tabIndex={-1}
                style={{
                  gridTemplateColumns: COLUMNS,
                  transform: `translateY(${item.start}px)`,
                  height: ROW_HEIGHT,
                }}
                onClick={() => store.getState().setAccountCursor(a.id)}
                onDoubleClick={() => void controller.openAccount(a.id)}
                onKeyDown={clickKeys(
                  () => store.getState().setAccountCursor(a.id),
                  () => void controller.openAccount(a.id),
                )}
              >
                <td className="ellipsis">{a.id}</td>
                <td className="ellipsis">{a.name}</td>
                <td className="ellipsis">
                  {a.email}
                  {a.company ? ` · ${a.company}` : ""}
                </td>
                <td className={a.status === "active" ? "" : "warn"}>{a.status}</td>
                <td className="num">{compact(u.requests)}</td>
                <td className="num">{compact(u.tokens)}</td>
                <td className="num">{euros(u.costEur)}</td>
              </tr>
            );
          })}
          {!loading && accounts.length === 0 && (
            <tr className="empty-row">
              <td className="empty" colSpan={HEADERS.length}>
                No account matches.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {detail?.account && <AccountDetailPanel />}
      <ExportDialog />
    </section>
  );
}

function AccountDetailPanel() {
  const detail = useAppState((s) => s.accountDetail)!;
  const account = detail.account!;
  const total = usageOf(account);
  return (
    <div className="account-detail" data-testid="account-detail">
      <h3>
        {account.name || account.id} <span className="muted">{account.id}</span>{" "}
        <span className="badge">{account.status}</span>
      </h3>
      <p className="muted">
        {account.email}
        {account.company ? ` · ${account.company}` : ""} · since {time(Number(account.createdAtMs))} · this
        month {compact(total.requests)} requests, {compact(total.tokens)} tokens, {euros(total.costEur)}
      </p>
      <p>
        Active keys: {detail.activeKeyIds.length ? detail.activeKeyIds.join(", ") : "none"} · Active
        suspensions and warnings:{" "}
        {detail.activeSuspensionIds.length ? detail.activeSuspensionIds.join(", ") : "none"}
      </p>
      <table className="dense">
        <thead>
          <tr>
            <th>Day (UTC)</th>
            <th>Model</th>
            <th className="num">Requests</th>
            <th className="num">Tokens</th>
            <th className="num">Cost</th>
          </tr>
        </thead>
        <tbody>
          {usageRows(detail).map((r) => (
            <tr key={`${r.day}/${r.model}`}>
              <td>{r.day}</td>
              <td>{r.model}</td>
              <td className="num">{compact(r.requests)}</td>
              <td className="num">{compact(r.tokens)}</td>
              <td className="num">{euros(r.costEur)}</td>
            </tr>
          ))}
          {detail.usageByDay.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No usage in this period.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <AccountKeysPanel accountId={account.id} />
      <InvoicesPanel accountId={account.id} />
    </div>
  );
}
