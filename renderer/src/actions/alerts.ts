// The alerts view's actions: acknowledging, and the browser's permission for desktop notifications.
import type { AppState } from "../state/store.js";
import type { ConsoleAction } from "./types.js";

/** The alert the acknowledge action means: the one under the cursor, else the first unacknowledged. */
export function alertTarget(s: AppState): string | undefined {
  const open = s.alerts.filter((a) => !a.acknowledged);
  if (s.view === "alerts" && s.alertCursor && open.some((a) => a.id === s.alertCursor)) return s.alertCursor;
  return open[0]?.id;
}

export const alertActions: ConsoleAction[] = [
  {
    id: "alerts.acknowledge",
    title: "Acknowledge alert",
    section: "Alerts",
    shortcut: "a",
    unavailable: (s) => (alertTarget(s) ? undefined : "No unacknowledged alert."),
    perform: ({ store }) => {
      const s = store.getState();
      const id = alertTarget(s);
      if (id) s.acknowledge([id]);
    },
  },
  {
    id: "alerts.acknowledgeAll",
    title: "Acknowledge all alerts",
    section: "Alerts",
    shortcut: "mod+shift+a",
    unavailable: (s) => (s.alerts.some((a) => !a.acknowledged) ? undefined : "No unacknowledged alert."),
    perform: ({ store }) => store.getState().acknowledgeAll(),
  },
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
