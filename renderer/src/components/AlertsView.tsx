// The alert list: the cluster's alerts as the leader keeps them (docs/alerting.md), the same in every
// console: firing ones on top, then acknowledged (by whom, with the note), silenced (until when),
// recently resolved. The cursor's incident timeline sits beside the list.
import { useEffect } from "react";
import { time } from "../format.js";
import { type Alert, alertStatus } from "../state/alertsSlice.js";
import { ActionButton } from "./ActionButton.js";
import { AlertDialog } from "./AlertDialog.js";
import { AlertTimelineView } from "./AlertTimeline.js";
import { useApp, useAppState } from "./context.js";

/** Who did what about it, when: the state column's text. */
function stateText(a: Alert, nowMs: number): string {
  switch (alertStatus(a, nowMs)) {
    case "resolved":
      return `resolved ${time(Number(a.resolvedAtMs))}`;
    case "silenced":
      return `silenced until ${time(Number(a.silencedUntilMs))} by ${a.silencedBy}${a.silenceNote ? `: ${a.silenceNote}` : ""}`;
    case "acknowledged":
      return `acknowledged by ${a.acknowledgedBy} ${time(Number(a.acknowledgedAtMs))}${a.acknowledgeNote ? `: ${a.acknowledgeNote}` : ""}`;
    default:
      return "firing";
  }
}

export function AlertsView() {
  const { store, controller } = useApp();
  const alerts = useAppState((s) => s.alerts);
  const cursor = useAppState((s) => s.alertCursor);
  const link = useAppState((s) => s.alertsLink);
  const dialog = useAppState((s) => s.alertDialog);
  const selected = alerts.find((a) => a.id === cursor);
  // The timeline follows the cursor, and the alert's own changes (an acknowledgement, its resolution).
  const version = selected
    ? `${selected.state}/${selected.acknowledgedAtMs}/${selected.silencedUntilMs}/${selected.notifyCount}`
    : "";
  useEffect(() => {
    if (cursor && version) void controller.alerts.loadTimeline(cursor);
  }, [cursor, version, controller]);
  const Web = (globalThis as { Notification?: typeof Notification }).Notification;
  const inBrowser = !(window as unknown as { entrimBridge?: unknown }).entrimBridge;
  const now = Date.now();
  return (
    <section className="alerts" aria-label="Alerts">
      <div className="filters">
        <ActionButton id="alerts.acknowledge" label="Acknowledge" />
        <ActionButton id="alerts.silence" label="Silence" />
        <ActionButton id="alerts.unsilence" label="Unsilence" />
        {inBrowser && Web?.permission === "default" && <ActionButton id="alerts.browserNotifications" />}
        <span className="muted">
          {alerts.length} alert{alerts.length === 1 ? "" : "s"} · kept by the cluster, shared by every console
          · j/k move · a acknowledges · q silences
        </span>
        {link && link.state !== "ready" && (
          <span className="warn" data-testid="alerts-link">
            {link.state === "reconnecting" ? "reconnecting to another agent" : "not watching"}
            {link.error ? `: ${link.error}` : ""}
          </span>
        )}
      </div>
      <div className="alerts-body">
        <table className="dense">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Rule</th>
              <th>Node</th>
              <th>Summary</th>
              <th>Since</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => {
              const status = alertStatus(a, now);
              return (
                <tr
                  key={a.id}
                  data-alert={a.id}
                  data-rule={a.rule}
                  data-node={a.node}
                  data-fingerprint={a.fingerprint}
                  data-state={status}
                  className={`${status === "firing" ? "" : "muted"}${a.id === cursor ? " cursor" : ""}`}
                  onClick={() => store.getState().setAlertCursor(a.id)}
                  onDoubleClick={() => a.node && store.getState().openNode(a.node)}
                >
                  <td className={status === "resolved" ? "" : a.severity === "critical" ? "bad" : "warn"}>
                    {a.severity}
                  </td>
                  <td>{a.rule}</td>
                  <td>{a.node || "–"}</td>
                  <td>{a.summary}</td>
                  <td>{time(Number(a.firstFiredAtMs))}</td>
                  <td data-testid="alert-state">{stateText(a, now)}</td>
                </tr>
              );
            })}
            {alerts.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No alerts.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {selected && <AlertTimelineView alert={selected} />}
      </div>
      {dialog && <AlertDialog />}
    </section>
  );
}
