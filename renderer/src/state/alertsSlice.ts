// Alerts: the cluster's, as the leader agent keeps them (docs/alerting.md) and WatchAlerts carries them,
// whole, on every change. The console evaluates nothing itself: an acknowledgement is the cluster's
// (shared by every console), a silence has an end, a resolved alert stays listed for a while.
import { type AlertTimeline, type ClusterAlert, RECENT_RESOLVED_MS } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export type Alert = ClusterAlert;

/** What the list shows of an alert: what was done about it, as of `nowMs`. */
export type AlertStatus = "firing" | "acknowledged" | "silenced" | "resolved";

export { RECENT_RESOLVED_MS };

export type AlertDialog = "acknowledge" | "silence" | "unsilence";

export interface AlertsSlice {
  alerts: Alert[];
  /** How the watch stands: "ready", "reconnecting" (to another agent) or "closed" with why. */
  alertsLink: { state: "ready" | "reconnecting" | "closed"; error?: string } | undefined;
  alertCursor: string | undefined;
  /** The cursor's incident timeline, once loaded (or why it could not be). */
  alertTimeline: { id: string; timeline?: AlertTimeline; error?: string } | undefined;
  alertDialog: { kind: AlertDialog; id: string } | undefined;
  /** The watch's whole list; replaces what was there. */
  alertsLoaded(alerts: Alert[], nowMs?: number): void;
  /** One alert as an act answered it (the watch brings the same a moment later). */
  alertUpdated(alert: Alert, nowMs?: number): void;
  alertsLinkChanged(link: AlertsSlice["alertsLink"]): void;
  setAlertCursor(id: string | undefined): void;
  alertTimelineLoaded(value: AlertsSlice["alertTimeline"]): void;
  openAlertDialog(dialog: AlertsSlice["alertDialog"]): void;
  resetAlerts(): void;
}

export function alertStatus(a: Alert, nowMs = Date.now()): AlertStatus {
  if (a.state === "resolved") return "resolved";
  if (Number(a.silencedUntilMs) > nowMs) return "silenced";
  if (Number(a.acknowledgedAtMs) > 0) return "acknowledged";
  return "firing";
}

const RANK: Record<AlertStatus, number> = { firing: 0, acknowledged: 1, silenced: 2, resolved: 3 };

/** What needs someone on top: firing, then owned, then quiet, then over; critical first; newest first. */
function order(nowMs: number) {
  return (a: Alert, b: Alert) =>
    RANK[alertStatus(a, nowMs)] - RANK[alertStatus(b, nowMs)] ||
    Number(a.severity !== "critical") - Number(b.severity !== "critical") ||
    Number(b.firstFiredAtMs) - Number(a.firstFiredAtMs) ||
    a.id.localeCompare(b.id);
}

function shown(alerts: Alert[], nowMs: number): Alert[] {
  return alerts
    .filter((a) => a.state !== "resolved" || nowMs - Number(a.resolvedAtMs) < RECENT_RESOLVED_MS)
    .sort(order(nowMs));
}

export const createAlertsSlice: StateCreator<AppState, [], [], AlertsSlice> = (set) => ({
  alerts: [],
  alertsLink: undefined,
  alertCursor: undefined,
  alertTimeline: undefined,
  alertDialog: undefined,
  alertsLoaded: (alerts, nowMs = Date.now()) => set({ alerts: shown([...alerts], nowMs) }),
  alertUpdated: (alert, nowMs = Date.now()) =>
    set((s) => ({
      alerts: shown(
        s.alerts.some((a) => a.id === alert.id)
          ? s.alerts.map((a) => (a.id === alert.id ? alert : a))
          : [...s.alerts, alert],
        nowMs,
      ),
    })),
  alertsLinkChanged: (alertsLink) => set({ alertsLink }),
  setAlertCursor: (alertCursor) => set({ alertCursor }),
  alertTimelineLoaded: (alertTimeline) => set({ alertTimeline }),
  openAlertDialog: (alertDialog) => set({ alertDialog, paletteOpen: false }),
  resetAlerts: () =>
    set({
      alerts: [],
      alertsLink: undefined,
      alertCursor: undefined,
      alertTimeline: undefined,
      alertDialog: undefined,
    }),
});

/** Firing and nobody on it: not acknowledged, not silenced. The top bar's badge counts these. */
export function needsSomeone(alerts: Alert[], nowMs = Date.now()): Alert[] {
  return alerts.filter((a) => alertStatus(a, nowMs) === "firing");
}

/** Open alerts: firing, acknowledged or silenced. */
export function openAlerts(alerts: Alert[]): Alert[] {
  return alerts.filter((a) => a.state !== "resolved");
}
