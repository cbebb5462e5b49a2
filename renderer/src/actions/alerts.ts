// The alerts view's actions: acknowledging, silencing and unsilencing the cluster's alerts (the
// operator's, audited by the agent; a viewer sees them disabled, with why), and the browser's
// permission for desktop notifications. Each act asks for a note in a dialog (AlertDialog).
import { type Alert, type AlertStatus, alertStatus } from "../state/alertsSlice.js";
import type { AppState } from "../state/store.js";
import type { ConsoleAction } from "./types.js";

/** The alert an act means: the one under the cursor when it fits, else the first that does. */
export function alertTarget(s: AppState, fits: AlertStatus[], nowMs = Date.now()): Alert | undefined {
  const ok = (a: Alert) => fits.includes(alertStatus(a, nowMs));
  const cursor = s.view === "alerts" ? s.alerts.find((a) => a.id === s.alertCursor) : undefined;
  if (cursor) return ok(cursor) ? cursor : undefined;
  return s.alerts.find(ok);
}

function dialogAction(
  id: string,
  title: string,
  shortcut: string,
  kind: "acknowledge" | "silence" | "unsilence",
  fits: AlertStatus[],
  none: string,
): ConsoleAction {
  return {
    id,
    title,
    section: "Alerts",
    shortcut,
    needs: "operator",
    mutating: true,
    unavailable: (s) => (alertTarget(s, fits) ? undefined : none),
    perform: ({ store }) => {
      const s = store.getState();
      const target = alertTarget(s, fits);
      if (!target) return;
      s.setAlertCursor(target.id);
      s.openAlertDialog({ kind, id: target.id });
    },
  };
}

export const alertActions: ConsoleAction[] = [
  dialogAction(
    "alerts.acknowledge",
    "Acknowledge alert…",
    "a",
    "acknowledge",
    ["firing", "silenced"],
    "No firing alert left to acknowledge here.",
  ),
  dialogAction(
    "alerts.silence",
    "Silence alert…",
    "q",
    "silence",
    ["firing", "acknowledged"],
    "No open, unsilenced alert here.",
  ),
  dialogAction(
    "alerts.unsilence",
    "Unsilence alert…",
    "shift+q",
    "unsilence",
    ["silenced"],
    "No silenced alert here.",
  ),
  {
    id: "alerts.browserNotifications",
    title: "Allow desktop notifications (browser)",
    section: "Alerts",
    unavailable: () => {
      const Web = (globalThis as { Notification?: typeof Notification }).Notification;
      if (!Web) return "This browser has no notifications.";
      return Web.permission === "default" ? undefined : `Already ${Web.permission}.`;
    },
    perform: () =>
      void (globalThis as { Notification?: typeof Notification }).Notification?.requestPermission(),
  },
];
