// Drain or undrain the target nodes, with a reason for the audit log. Draining a node that is serving
// takes it out of rotation, so the operator types its name (or the node count, for many) to confirm.
// Progress streams in below, per node, until each is drained.
import { useEffect, useRef, useState } from "react";
import { displayState } from "../format.js";
import { useApp, useAppState } from "./context.js";

export function confirmationText(nodes: string[]): string {
  return nodes.length === 1 ? nodes[0]! : `${nodes.length} nodes`;
}

export function DrainDialog() {
  const { controller, store } = useApp();
  const dialog = useAppState((s) => s.dialog)!;
  const nodes = useAppState((s) => s.nodes);
  const drains = useAppState((s) => s.drains);
  const [reason, setReason] = useState("");
  const [typed, setTyped] = useState("");
  const [started, setStarted] = useState(false);
  const reasonInput = useRef<HTMLInputElement>(null);
  useEffect(() => reasonInput.current?.focus(), []);
  const draining = dialog.kind === "drain";
  const serving = dialog.nodes.filter((n) => nodes[n] && displayState(nodes[n]) === "serving");
  const needsTyping = draining && serving.length > 0;
  const expected = confirmationText(dialog.nodes);
  const ready = reason.trim().length >= 3 && (!needsTyping || typed.trim() === expected);
  const submit = () => {
    if (!ready || started) return;
    setStarted(true);
    if (draining) controller.drain(dialog.nodes, reason.trim());
    else
      void controller.undrain(dialog.nodes, reason.trim()).then(() => store.getState().openDialog(undefined));
  };
  return (
    <div className="overlay">
      <form
        className="dialog"
        role="dialog"
        aria-label={draining ? "Drain nodes" : "Undrain nodes"}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2>
          {draining ? "Drain" : "Undrain"}{" "}
          {dialog.nodes.length === 1 ? dialog.nodes[0] : `${dialog.nodes.length} nodes`}
        </h2>
        <p className="muted">
          {draining
            ? "New requests get 503 with Retry-After; requests in flight finish until the node's drain deadline."
            : "The nodes accept public traffic again."}
        </p>
        <label>
          Reason (audit log)
          <input
            ref={reasonInput}
            name="reason"
            value={reason}
            disabled={started}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        {needsTyping && (
          <label>
            <span>
              {serving.length === 1 ? `${serving[0]} is serving. ` : `${serving.length} nodes are serving. `}
              Type <code>{expected}</code> to confirm
            </span>
            <input
              name="confirm"
              value={typed}
              disabled={started}
              onChange={(e) => setTyped(e.target.value)}
            />
          </label>
        )}
        {started && draining && (
          <ul className="progress" aria-label="Drain progress">
            {dialog.nodes.map((n) => {
              const d = drains[n];
              const p = d?.progress;
              return (
                <li key={n} data-node={n} data-done={d?.done ? "true" : "false"}>
                  <b>{n}</b>{" "}
                  {d?.error ? (
                    <span className="bad">{d.error}</span>
                  ) : d?.done ? (
                    <span className="ok">
                      drained{p?.requestsCutOff ? `, ${p.requestsCutOff} cut off` : ""}
                    </span>
                  ) : (
                    <span>
                      {p ? `${p.requestsInFlight} in flight, ${p.requestsQueued} queued` : "starting…"}
                      {p?.deadlineAtMs
                        ? `, deadline in ${Math.max(0, Math.round((p.deadlineAtMs - Date.now()) / 1000))}s`
                        : ""}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <div className="buttons">
          <button type="button" onClick={() => store.getState().openDialog(undefined)}>
            {started ? "Close" : "Cancel"} <kbd>esc</kbd>
          </button>
          {!started && (
            <button type="submit" className={draining ? "danger" : "primary"} disabled={!ready}>
              {draining ? "Drain" : "Undrain"}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
