// "Export personal data": asks for the reason (a ticket or request reference; it goes to the audit log
// and the data-protection log), then saves the document the agent returns.
import { useEffect, useRef, useState } from "react";
import { exportAccount } from "../records.js";
import { useApp, useAppState } from "./context.js";

export function ExportDialog() {
  const accountId = useAppState((s) => s.exportDialog?.accountId);
  // Keyed by account: another account's dialog starts with an empty reason.
  return accountId ? <ExportForm key={accountId} accountId={accountId} /> : null;
}

function ExportForm({ accountId }: { accountId: string }) {
  const { controller, store } = useApp();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const close = () => store.getState().openExportDialog(undefined);
  const ready = reason.trim().length >= 3 && !busy;
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-label="Export personal data"
        onKeyDown={(e) => {
          if (e.key === "Escape") close();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready) return;
          setBusy(true);
          void exportAccount(controller, accountId, reason.trim()).then((saved) =>
            saved ? close() : setBusy(false),
          );
        }}
      >
        <h2>Export personal data of {accountId}</h2>
        <p className="muted">
          Everything held about the account (profile, keys, usage events, invoices, suspensions, security
          events) as one JSON document. It is personal data: keep the file where only you can read it.
        </p>
        <label>
          Reason (ticket or request reference, never the person's name or email)
          <input
            ref={input}
            name="reason"
            value={reason}
            disabled={busy}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <div className="buttons">
          <button type="button" onClick={close}>
            Cancel <kbd>esc</kbd>
          </button>
          <button type="submit" className="primary" disabled={!ready}>
            {busy ? "Exporting…" : "Export"}
          </button>
        </div>
      </form>
    </div>
  );
}
