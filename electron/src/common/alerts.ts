// Channels of the cluster's alerts (docs/alerting.md): the leader evaluates the rules and keeps the
// alerts in the store, so every console shows and changes the same ones. The watch carries the whole
// list on every change; acknowledging and silencing are the operator's (the agent checks and audits).
// Kept apart from channels.ts (which spreads them in), like the status page channels.
import type { Alert__Output, AlertTimeline__Output, TimelineEntry__Output } from "@entrim/proto";
import { z } from "zod";
import { getRequestChannel as req, returns, getStreamChannel as stream } from "./channel.js";

export type ClusterAlert = Alert__Output;
export type AlertTimelineEntry = TimelineEntry__Output;
export type AlertTimeline = AlertTimeline__Output;

/** Resolved alerts are shown this long after they resolved (the store keeps them for months). */
export const RECENT_RESOLVED_MS = 24 * 3_600_000;

/** A watch message: the whole list again, or how the watch's link to the agents stands. */
export type AlertsWatchEvent =
  | { type: "alerts"; alerts: ClusterAlert[] }
  | { type: "link"; state: "ready" | "reconnecting"; error?: string };

const alertId = z.string().trim().min(1, "expected an alert id").max(100);
const note = z.string().trim().max(2000);

export const alertRef = z.object({ id: alertId }).strict();
export const acknowledgeAlertRequest = z
  .object({ id: alertId, note: note.min(1, "say who does what about it (the others read this)") })
  .strict();
export const silenceAlertRequest = z
  .object({
    id: alertId,
    untilMs: z.number().int().positive(),
    note: note.min(1, "say why it may stay quiet (maintenance, known issue…)"),
  })
  .strict();
export const unsilenceAlertRequest = z.object({ id: alertId, note: note.default("") }).strict();

export const alertChannels = {
  /** Every alert the cluster keeps (open, and resolved ones still retained), now and on each change. */
  watchAlerts: stream("alerts.watch", z.object({}).strict(), returns<AlertsWatchEvent>),
  acknowledgeAlert: req("alerts.acknowledge", acknowledgeAlertRequest, returns<ClusterAlert>),
  silenceAlert: req("alerts.silence", silenceAlertRequest, returns<ClusterAlert>),
  unsilenceAlert: req("alerts.unsilence", unsilenceAlertRequest, returns<ClusterAlert>),
  getAlertTimeline: req("alerts.timeline", alertRef, returns<AlertTimeline>),
} as const;
