// The alert list: what the rules (../alerts/rules.ts) find in the live fleet, critical and
// unacknowledged first. Acknowledging keeps an alert listed (greyed) until its condition clears.
import { time } from "../format.js";
import { ActionButton } from "./ActionButton.js";
import { useApp, useAppState } from "./context.js";

export function AlertsView() {
  const { store } = useApp();
  const alerts = useAppState((s) => s.alerts);
  const cursor = useAppState((s) => s.alertCursor);
  const Web = (globalThis as { Notification?: typeof Notification }).Notification;
  const inBrowser = !(window as unknown as { entrimBridge?: unknown }).entrimBridge;
  return (
    <section className="alerts" aria-label="Alerts">
      <div className="filters">
        <ActionButton id="alerts.acknowledge" />
        <ActionButton id="alerts.acknowledgeAll" />
        {inBrowser && Web?.permission === "default" && <ActionButton id="alerts.browserNotifications" />}
        <span className="muted">
          {alerts.length} alert{alerts.length === 1 ? "" : "s"} · j/k move · a acknowledges
        </span>
      </div>
      <table className="dense">
        <thead>
          <tr>
            <th>Severity</th>
            <th>Node</th>
            <th>Alert</th>
            <th>Since</th>
            <th>Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr
              key={a.id}
              data-alert={a.id}
              data-acknowledged={a.acknowledged ? "yes" : "no"}
              className={`${a.acknowledged ? "muted" : ""}${a.id === cursor ? " cursor" : ""}`}
              onClick={() => store.getState().setAlertCursor(a.id)}
              onDoubleClick={() => store.getState().openNode(a.node)}
            >
              <td className={a.severity === "critical" ? "bad" : "warn"}>{a.severity}</td>
              <td>{a.node}</td>
              <td>{a.message}</td>
              <td>{time(a.sinceMs)}</td>
              <td>{a.acknowledgedAtMs ? time(a.acknowledgedAtMs) : "–"}</td>
            </tr>
          ))}
          {alerts.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No alerts.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
