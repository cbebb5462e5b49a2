// Data-subject requests customers filed in the portal: account, kind, filed, due (with days left,
// highlighted at 7 days or less, red once overdue), status and how it was handled. Complete (an
// erasure asks for the account id typed back) and Reject (asks for the reason the customer is told)
// are the admin's; for anyone else the buttons stay disabled with the reason.
import { useEffect, useRef, useState } from "react";
import { availability } from "../actions/registry.js";
import { time } from "../format.js";
import { deadlineOf, type RequestFilter, visibleRequests } from "../state/requestsSlice.js";
import { useApp, useAppState } from "./context.js";
import { clickKeys } from "./keys.js";

const FILTERS: RequestFilter[] = ["open", "completed", "rejected", "all"];
const day = (ms: number | string) => (Number(ms) ? time(Number(ms)).slice(0, 10) : "–");

/** An action button for one row: its availability as if that row were the cursor. */
function RowAction({ id, requestId, label }: { id: string; requestId: string; label: string }) {
  const { actions, actionContext, store } = useApp();
  const state = useAppState((s) => s);
  const action = actions.get(id);
  if (!action) return null;
  const result = availability(action as never, { ...state, requestCursor: requestId });
  return (
    <button
      type="button"
      disabled={!result.enabled}
      title={result.reason ?? action.title}
      aria-description={result.reason}
      data-action={id}
      onClick={(e) => {
        e.stopPropagation();
        store.getState().setRequestCursor(requestId);
        actions.run(id, store.getState(), actionContext);
      }}
    >
      {label}
    </button>
  );
}

export function RequestsView() {
  const { controller, store } = useApp();
  const all = useAppState((s) => s.dataRequests);
  const filter = useAppState((s) => s.requestFilter);
  const cursor = useAppState((s) => s.requestCursor);
  const error = useAppState((s) => s.dataRequestsError);
  const loadedAt = useAppState((s) => s.dataRequestsLoadedAtMs);
  // Re-rendered by the poll; "now" is taken per render so days left move with the clock.
  const now = Date.now();
  useEffect(() => void controller.requests.refresh(), [controller]);
  const rows = visibleRequests(all, filter);
  const open = all.filter((r) => r.status === "open").length;
  return (
    <section className="requests" aria-label="Data-subject requests">
      <div className="filters">
        <label>
          Show{" "}
          <select
            aria-label="request status filter"
            value={filter}
            onChange={(e) => store.getState().setRequestFilter(e.target.value as RequestFilter)}
          >
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="requests-count">
          {open} open · deadline 30 days from filing
          {loadedAt ? ` · read ${time(loadedAt).slice(11, 19)}` : ""}
        </span>
        {error && <span className="bad">{error}</span>}
        <span className="spacer" />
        <button type="button" onClick={() => void controller.requests.refresh()}>
          Refresh
        </button>
      </div>
      <table className="dense requests-table" data-testid="requests">
        <thead>
          <tr>
            <th>Account</th>
            <th>Kind</th>
            <th>Filed</th>
            <th>Due</th>
            <th>Status</th>
            <th>Details / resolution</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const deadline = deadlineOf(r, now);
            const level = deadline?.level === "overdue" ? "bad" : deadline?.level === "near" ? "warn" : "";
            return (
              <tr
                key={r.id}
                data-request={r.id}
                className={r.id === cursor ? "cursor" : ""}
                tabIndex={-1}
                onClick={() => store.getState().setRequestCursor(r.id)}
                onKeyDown={clickKeys(() => store.getState().setRequestCursor(r.id))}
              >
                <td>
                  {r.accountName || "–"} <span className="muted">{r.accountId}</span>
                </td>
                <td>{r.kind}</td>
                <td>{day(r.requestedAtMs)}</td>
                <td className={level} data-testid="request-due">
                  {day(r.dueAtMs)}
                  {deadline && <b> · {deadline.label}</b>}
                </td>
                <td data-testid="request-status">
                  {r.status}
                  {r.handledBy && (
                    <span className="muted">
                      {" "}
                      by {r.handledBy} {day(r.handledAtMs)}
                    </span>
                  )}
                </td>
                <td className="ellipsis" title={r.resolution || r.details}>
                  {r.resolution || r.details || <span className="muted">–</span>}
                </td>
                <td>
                  {r.status === "open" && (
                    <>
                      <RowAction id="request.complete" requestId={r.id} label="Complete" />{" "}
                      <RowAction id="request.reject" requestId={r.id} label="Reject" />
                    </>
                  )}
                </td>
              </tr>
            );
          })}
          {rows.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No {filter === "all" ? "" : `${filter} `}requests.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <RequestDialog />
    </section>
  );
}

const WHAT_COMPLETION_DOES = {
  erasure:
    "Erases the account: personal data removed, status closed, every API key revoked at once. Usage amounts and invoices stay (tax law). This cannot be undone.",
  restriction:
    "Restricts the account: its API requests are refused until an operator lifts it. Nothing is erased.",
  objection: "Records what processing stopped (your note, required). Nothing else changes.",
} as const;

function RequestDialog() {
  const dialog = useAppState((s) => s.requestDialog);
  const request = useAppState((s) => s.dataRequests.find((r) => r.id === s.requestDialog?.id));
  return dialog && request ? <RequestForm key={`${dialog.verb}:${dialog.id}`} verb={dialog.verb} /> : null;
}

function RequestForm({ verb }: { verb: "complete" | "reject" }) {
  const { controller, store } = useApp();
  const request = useAppState((s) => s.dataRequests.find((r) => r.id === s.requestDialog?.id))!;
  const [text, setText] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const close = () => store.getState().openRequestDialog(undefined);
  const erasure = verb === "complete" && request.kind === "erasure";
  const ready =
    !busy &&
    (verb === "reject"
      ? text.trim().length >= 3
      : (!erasure || confirm.trim() === request.accountId) &&
        (request.kind !== "objection" || text.trim().length > 0));
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-label={verb === "complete" ? "Complete request" : "Reject request"}
        onKeyDown={(e) => {
          if (e.key === "Escape") close();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          setBusy(true);
          const call =
            verb === "complete"
              ? controller.requests.complete(request.id, text.trim())
              : controller.requests.reject(request.id, text.trim());
          void call.then((refused) => {
            if (refused === undefined) close();
            else {
              setRefusal(refused);
              setBusy(false);
            }
          });
        }}
      >
        <h2>
          {verb === "complete" ? "Complete" : "Reject"} the {request.kind} request of{" "}
          {request.accountName || request.accountId}
        </h2>
        <p className="muted">
          Filed {day(request.requestedAtMs)}, due {day(request.dueAtMs)}
          {request.details ? `: “${request.details}”` : "."}
        </p>
        <p>
          {verb === "complete"
            ? WHAT_COMPLETION_DOES[request.kind as keyof typeof WHAT_COMPLETION_DOES]
            : "The request closes as rejected; the customer reads your reason in the portal."}
        </p>
        {erasure && (
          <label>
            Type the account id <code>{request.accountId}</code> to confirm
            <input
              name="confirm"
              value={confirm}
              disabled={busy}
              autoComplete="off"
              onChange={(e) => setConfirm(e.target.value)}
            />
          </label>
        )}
        <label>
          {verb === "reject"
            ? "Reason (required; the customer is told)"
            : request.kind === "objection"
              ? "Note: which processing stopped (required; the customer reads it)"
              : "Note (optional; the customer reads it)"}
          <input
            ref={erasure ? undefined : input}
            name={verb === "reject" ? "reason" : "note"}
            value={text}
            disabled={busy}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        {refusal && <p className="bad">{refusal}</p>}
        <div className="buttons">
          <button type="button" onClick={close}>
            Cancel <kbd>esc</kbd>
          </button>
          <button
            type="submit"
            className={verb === "complete" && erasure ? "danger" : "primary"}
            disabled={!ready}
          >
            {busy ? "Working…" : verb === "complete" ? (erasure ? "Erase account" : "Complete") : "Reject"}
          </button>
        </div>
      </form>
    </div>
  );
}
