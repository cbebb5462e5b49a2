// The alert acts' dialog: acknowledge (with a note every console shows), silence (1 h, 4 h, 24 h or
// until a time, with why) or unsilence. The agent checks the role and audits; a refusal stays in the
// dialog for the operator to read.
import { useEffect, useRef, useState } from "react";
import { time } from "../format.js";
import { useApp, useAppState } from "./context.js";

const HOUR_MS = 3_600_000;
/** "2027-01-10T02:00" typed into a datetime-local field, read as UTC (like the notices dialog). */
const utcMs = (local: string) => (local ? Date.parse(`${local}:00Z`) : 0);

const TITLES = { acknowledge: "Acknowledge alert", silence: "Silence alert", unsilence: "Unsilence alert" };

export function AlertDialog() {
  const { store, controller } = useApp();
  const dialog = useAppState((s) => s.alertDialog);
  const alert = useAppState((s) => s.alerts.find((a) => a.id === s.alertDialog?.id));
  const [note, setNote] = useState("");
  const [length, setLength] = useState("1");
  const [until, setUntil] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  // The dialog exists to take the note: the keyboard goes there (a, type, Enter).
  const noteField = useRef<HTMLInputElement>(null);
  useEffect(() => noteField.current?.focus(), []);
  if (!dialog) return null;
  const close = () => store.getState().openAlertDialog(undefined);
  const untilMs = length === "until" ? utcMs(until) : Date.now() + Number(length) * HOUR_MS;
  const ready =
    !!alert &&
    (dialog.kind === "unsilence" || note.trim().length > 0) &&
    (dialog.kind !== "silence" || untilMs > Date.now());
  const submit = () => {
    setBusy(true);
    const alerts = controller.alerts;
    const done =
      dialog.kind === "acknowledge"
        ? alerts.acknowledge(dialog.id, note.trim())
        : dialog.kind === "silence"
          ? alerts.silence(dialog.id, untilMs, note.trim())
          : alerts.unsilence(dialog.id, note.trim());
    void done.then((refused) => {
      if (refused === undefined) close();
      else {
        setRefusal(refused);
        setBusy(false);
      }
    });
  };
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-label={TITLES[dialog.kind]}
        onKeyDown={(e) => {
          if (e.key === "Escape") close();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !busy) submit();
        }}
      >
        <h2>{TITLES[dialog.kind]}</h2>
        {alert ? (
          <p>
            <b>{alert.severity}</b> {alert.summary} (since {time(Number(alert.firstFiredAtMs))})
          </p>
        ) : (
          <p className="bad">The alert is gone from the list (resolved and expired).</p>
        )}
        {dialog.kind === "silence" && (
          <label>
            Silence for
            <span>
              <select name="length" value={length} onChange={(e) => setLength(e.target.value)}>
                <option value="1">1 hour</option>
                <option value="4">4 hours</option>
                <option value="24">24 hours</option>
                <option value="until">until (UTC)…</option>
              </select>{" "}
              {length === "until" && (
                <input
                  type="datetime-local"
                  name="until"
                  value={until}
                  onChange={(e) => setUntil(e.target.value)}
                />
              )}
            </span>
          </label>
        )}
        <label>
          {dialog.kind === "acknowledge"
            ? "Note (every console shows it: who does what)"
            : dialog.kind === "silence"
              ? "Why (maintenance, known issue…)"
              : "Note (optional)"}
          <input
            name="note"
            ref={noteField}
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
          />
        </label>
        {dialog.kind !== "unsilence" && (
          <p className="muted">
            {dialog.kind === "acknowledge"
              ? "It stays open, and stops repeating its notifications."
              : "No notifications until then; it ends by itself."}
          </p>
        )}
        {refusal && <p className="bad">{refusal}</p>}
        <div className="buttons">
          <button type="button" onClick={close}>
            Cancel <kbd>esc</kbd>
          </button>
          <button type="submit" className="primary" disabled={!ready || busy}>
            {busy ? "Working…" : TITLES[dialog.kind].split(" ")[0]}
          </button>
        </div>
      </form>
    </div>
  );
}
