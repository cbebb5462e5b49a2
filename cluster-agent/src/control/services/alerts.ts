// AlertsService: the cluster's alerts (store/alerts.ts) for every console. Reads are for viewers;
// acknowledging and silencing take an operator and are audited in the same transaction as the change.
// WatchAlerts is woken by the alerts table's payload-free NOTIFY, so a second console sees another's
// acknowledgement within moments, whichever agent either console talks to.
import type {
  AcknowledgeAlertRequest__Output,
  AlertsUpdate,
  GetAlertTimelineRequest__Output,
  ListAlertsRequest__Output,
  SilenceAlertRequest__Output,
  TimelineEntry,
  UnsilenceAlertRequest__Output,
  WatchAlertsRequest__Output,
  Alert as WireAlert,
} from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import {
  ALERTS_CHANNEL,
  type Alert,
  type AlertFilter,
  acknowledgeAlert,
  getAlert,
  listAlertEvents,
  listAlerts,
  silenceAlert,
  unsilenceAlert,
} from "../../store/alerts.js";
import type { Store } from "../../store/store.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import { limitOf, ms } from "../convert.js";
import {
  type CallContext,
  invalidArgument,
  notFound,
  type ServiceImplementation,
  stream,
  unary,
} from "../rpc.js";
import { aborted } from "../sleep.js";

const FILTERS: Record<string, AlertFilter> = {
  ALERT_FILTER_UNSPECIFIED: "open",
  ALERT_FILTER_FIRING: "firing",
  ALERT_FILTER_ACKNOWLEDGED: "acknowledged",
  ALERT_FILTER_SILENCED: "silenced",
  ALERT_FILTER_RESOLVED: "resolved",
  ALERT_FILTER_ALL: "all",
};

function filterOf(wire: string): AlertFilter {
  const filter = FILTERS[wire || "ALERT_FILTER_UNSPECIFIED"];
  if (!filter) throw invalidArgument(`Unknown alert filter ${wire}.`);
  return filter;
}

export function toWireAlert(a: Alert, now = new Date()): WireAlert {
  return {
    id: a.id,
    rule: a.rule,
    fingerprint: a.fingerprint,
    severity: a.severity,
    node: a.node,
    subject: a.subject,
    summary: a.summary,
    state: a.state,
    firstFiredAtMs: ms(a.firstFiredAt),
    lastSeenAtMs: ms(a.lastSeenAt),
    resolvedAtMs: ms(a.resolvedAt),
    acknowledgedBy: a.acknowledgedBy ?? "",
    acknowledgedAtMs: ms(a.acknowledgedAt),
    acknowledgeNote: a.acknowledgeNote ?? "",
    // An expired silence the leader has not yet cleared is no silence.
    silencedUntilMs: a.silencedUntil && a.silencedUntil > now ? ms(a.silencedUntil) : 0,
    silencedBy: a.silencedBy ?? "",
    silenceNote: a.silenceNote ?? "",
    lastNotifiedAtMs: ms(a.lastNotifiedAt),
    notifyCount: a.notifyCount,
  };
}

function idOf(request: { id: string }): string {
  const id = request.id.trim();
  if (!id) throw invalidArgument("id is required: the alert's id from ListAlerts.");
  return id;
}

export interface AlertsServiceDeps {
  store: Store;
  recorder: AuditRecorder;
}

export function alertsService(deps: AlertsServiceDeps): ServiceImplementation {
  const { store, recorder } = deps;
  const change = (
    context: CallContext,
    action: string,
    id: string,
    reason: string,
    perform: Parameters<typeof auditedChange<Alert>>[4],
  ) => auditedChange(recorder, store.pool, context, { action, target: `alert:${id}`, reason }, perform);

  return {
    name: "entrim.agent.v1.AlertsService",
    definition: loadAgentProto().AlertsService.service,
    methods: {
      ListAlerts: unary("viewer", async (request: ListAlertsRequest__Output) => {
        const rows = await listAlerts(store.pool, {
          filter: filterOf(request.filter),
          node: request.node || undefined,
          limit: limitOf(request.limit),
        });
        return { alerts: rows.map((a) => toWireAlert(a)) };
      }),
      WatchAlerts: stream(
        "viewer",
        async (request: WatchAlertsRequest__Output, send: (m: AlertsUpdate) => Promise<void>, context) => {
          const filter = filterOf(request.filter);
          // Notifications only mark the list dirty; one read follows however many arrived meanwhile.
          let dirty = true;
          let wake: (() => void) | undefined;
          const poke = () => {
            dirty = true;
            wake?.();
          };
          const unlisten = await store.listen(ALERTS_CHANNEL, poke, { onReconnect: poke });
          const done = aborted(context.signal).then(() => wake?.());
          try {
            while (!context.signal.aborted) {
              if (!dirty) {
                await new Promise<void>((resolve) => {
                  wake = resolve;
                });
                wake = undefined;
                continue;
              }
              dirty = false;
              const rows = await listAlerts(store.pool, { filter, limit: 1000 });
              if (context.signal.aborted) break;
              await send({ alerts: rows.map((a) => toWireAlert(a)) });
            }
          } finally {
            await unlisten();
            await done;
          }
        },
      ),
      AcknowledgeAlert: unary("operator", async (request: AcknowledgeAlertRequest__Output, context) => {
        const id = idOf(request);
        const alert = await change(context, "alert.acknowledge", id, request.note, (db) =>
          acknowledgeAlert(db, { id, by: context.operator.name, note: request.note, now: new Date() }),
        );
        return toWireAlert(alert);
      }),
      SilenceAlert: unary("operator", async (request: SilenceAlertRequest__Output, context) => {
        const id = idOf(request);
        if (!request.note.trim()) throw invalidArgument("note is required: say why the alert is silenced.");
        if (!(request.untilMs > Date.now()))
          throw invalidArgument("until_ms must be a time in the future (epoch milliseconds).");
        const until = new Date(request.untilMs);
        const alert = await change(
          context,
          "alert.silence",
          id,
          `until ${until.toISOString()}: ${request.note}`,
          (db) =>
            silenceAlert(db, { id, by: context.operator.name, note: request.note, until, now: new Date() }),
        );
        return toWireAlert(alert);
      }),
      UnsilenceAlert: unary("operator", async (request: UnsilenceAlertRequest__Output, context) => {
        const id = idOf(request);
        const alert = await change(context, "alert.unsilence", id, request.note, (db) =>
          unsilenceAlert(db, { id, by: context.operator.name, note: request.note, now: new Date() }),
        );
        return toWireAlert(alert);
      }),
      GetAlertTimeline: unary("viewer", async (request: GetAlertTimelineRequest__Output) => {
        const id = idOf(request);
        const alert = await getAlert(store.pool, id);
        if (!alert) throw notFound(`No alert ${id}: list the alerts to see their ids.`);
        return { alert: toWireAlert(alert), entries: await timeline(store, alert) };
      }),
    },
  };
}

/** An hour before the alert fired, to its end (or now): what led up to it and what was done about it. */
async function timeline(store: Store, alert: Alert): Promise<TimelineEntry[]> {
  const from = new Date(alert.firstFiredAt.getTime() - 3_600_000);
  const to = alert.resolvedAt ? new Date(alert.resolvedAt.getTime() + 600_000) : new Date();
  const entries: TimelineEntry[] = (await listAlertEvents(store.pool, alert.id)).map((e) => ({
    atMs: ms(e.at),
    source: "alert",
    kind: e.kind,
    actor: e.actor,
    text: e.note,
  }));
  const targets = [`alert:${alert.id}`, ...(alert.node ? [`node:${alert.node}`] : [])];
  const audit = await store.pool.query(
    `SELECT at, operator, action, target, reason, result FROM audit_log
      WHERE target = ANY($1::text[]) AND at BETWEEN $2 AND $3 ORDER BY at, seq LIMIT 500`,
    [targets, from, to],
  );
  for (const r of audit.rows)
    entries.push({
      atMs: ms(r.at),
      source: String(r.action).startsWith("node.") && String(r.action).includes("drain") ? "drain" : "audit",
      kind: r.action,
      actor: r.operator,
      text: [r.reason, r.result === "ok" ? "" : r.result].filter(Boolean).join(" — "),
    });
  if (alert.node) {
    const rollouts = await store.pool.query(
      `SELECT n.updated_at, n.state, n.message, r.id, r.model, r.to_version, r.created_by
         FROM rollout_nodes n JOIN rollouts r ON r.id = n.rollout
        WHERE n.node = $1 AND n.updated_at BETWEEN $2 AND $3 ORDER BY n.updated_at LIMIT 200`,
      [alert.node, from, to],
    );
    for (const r of rollouts.rows)
      entries.push({
        atMs: ms(r.updated_at),
        source: "rollout",
        kind: r.state,
        actor: r.created_by,
        text: `${r.model} → ${r.to_version} (${r.id})${r.message ? `: ${r.message}` : ""}`,
      });
  }
  return entries.sort((a, b) => Number(a.atMs) - Number(b.atMs));
}
