// Alerts: the conditions the rules (../alerts/rules.ts) find, with when each was first seen and whether
// an operator acknowledged it. An acknowledged alert stays listed until its condition clears; a
// condition that clears and comes back is a new, unacknowledged alert.
import type { StateCreator } from "zustand";
import { requestAlerts } from "../alerts/request-rules.js";
import { rolloutAlerts } from "../alerts/rollout-rules.js";
import { type AlertCondition, emptyMemory, evaluateAlerts, type RuleMemory } from "../alerts/rules.js";
import type { AppState } from "./store.js";

export interface Alert extends AlertCondition {
  sinceMs: number;
  acknowledged: boolean;
  acknowledgedAtMs?: number;
}

export interface AlertsSlice {
  alerts: Alert[];
  alertMemory: RuleMemory;
  alertCursor: string | undefined;
  /** Re-evaluates the rules against the fleet; returns the alerts that are new this time. */
  evaluate(nowMs?: number): Alert[];
  acknowledge(ids: string[], nowMs?: number): void;
  acknowledgeAll(nowMs?: number): void;
  setAlertCursor(id: string | undefined): void;
  resetAlerts(): void;
}

/** Critical first, then unacknowledged, then oldest first: what needs a look is on top. */
function order(a: Alert, b: Alert): number {
  return (
    Number(a.severity !== "critical") - Number(b.severity !== "critical") ||
    Number(a.acknowledged) - Number(b.acknowledged) ||
    a.sinceMs - b.sinceMs ||
    a.id.localeCompare(b.id)
  );
}

export const createAlertsSlice: StateCreator<AppState, [], [], AlertsSlice> = (set, get) => ({
  alerts: [],
  alertMemory: emptyMemory(),
  alertCursor: undefined,
  evaluate: (nowMs = Date.now()) => {
    const state = get();
    const fleet = evaluateAlerts(Object.values(state.nodes), state.alertMemory, nowMs);
    const conditions = [
      ...fleet.conditions,
      ...rolloutAlerts(Object.values(state.rollouts)),
      ...requestAlerts(state.dataRequests, nowMs),
    ];
    const memory = fleet.memory;
    const before = new Map(state.alerts.map((a) => [a.id, a]));
    const fresh: Alert[] = [];
    const alerts = conditions.map((c) => {
      const known = before.get(c.id);
      if (known) return { ...known, message: c.message };
      const alert: Alert = { ...c, sinceMs: nowMs, acknowledged: false };
      fresh.push(alert);
      return alert;
    });
    alerts.sort(order);
    // Unchanged lists keep their identity, so views subscribed to `alerts` do not re-render every tick.
    const same =
      alerts.length === state.alerts.length &&
      alerts.every((a, i) => a.id === state.alerts[i]!.id && a.message === state.alerts[i]!.message);
    set(same ? { alertMemory: memory } : { alerts, alertMemory: memory });
    return fresh;
  },
  acknowledge: (ids, nowMs = Date.now()) =>
    set((s) => ({
      alerts: s.alerts
        .map((a) =>
          ids.includes(a.id) && !a.acknowledged ? { ...a, acknowledged: true, acknowledgedAtMs: nowMs } : a,
        )
        .sort(order),
    })),
  acknowledgeAll: (nowMs = Date.now()) =>
    get().acknowledge(
      get().alerts.map((a) => a.id),
      nowMs,
    ),
  setAlertCursor: (alertCursor) => set({ alertCursor }),
  resetAlerts: () => set({ alerts: [], alertMemory: emptyMemory(), alertCursor: undefined }),
});

export const unacknowledged = (alerts: Alert[]) => alerts.filter((a) => !a.acknowledged).length;
