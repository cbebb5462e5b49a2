// Alerts as the cluster keeps them (migration 0023): the leader's evaluation fires and resolves them,
// operators acknowledge and silence them from any console, the notifiers record what they sent. One
// open alert per fingerprint (rule + node + GPU/subject); a condition that comes back after it was
// resolved is a new alert, so each incident has its own timeline.
import { type Db, randomId, StoreError } from "./db.js";

export const ALERT_SEVERITIES = ["critical", "warning"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_EVENT_KINDS = [
  "fired",
  "acknowledged",
  "silenced",
  "unsilenced",
  "resolved",
  "notified",
  "refired",
] as const;
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];
/** What a list asks for: open ones by what an operator did about them, or the resolved ones. */
export const ALERT_FILTERS = ["open", "firing", "acknowledged", "silenced", "resolved", "all"] as const;
export type AlertFilter = (typeof ALERT_FILTERS)[number];
/** The channel the alerts trigger notifies on any change (payload-free). */
export const ALERTS_CHANNEL = "entrim_alerts";

/** A condition that holds now, as a rule reports it. Summary: words about nodes, never customer data. */
export interface AlertCondition {
  rule: string;
  severity: AlertSeverity;
  node: string;
  /** The GPU index, rollout id, request id... that tells two conditions of one rule on one node apart. */
  subject: string;
  summary: string;
  labels?: Record<string, string>;
}

export interface Alert {
  id: string;
  rule: string;
  fingerprint: string;
  severity: AlertSeverity;
  node: string;
  subject: string;
  summary: string;
  labels: Record<string, string>;
  state: "firing" | "resolved";
  firstFiredAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  acknowledgeNote: string | null;
  silencedUntil: Date | null;
  silencedBy: string | null;
  silenceNote: string | null;
  lastNotifiedAt: Date | null;
  notifyCount: number;
  resolveNotified: boolean;
}

export interface AlertEvent {
  alertId: string;
  at: Date;
  kind: AlertEventKind;
  actor: string;
  note: string;
}

export function fingerprintOf(c: Pick<AlertCondition, "rule" | "node" | "subject">): string {
  return [c.rule, c.node, c.subject].join("/");
}

/** True while a silence is in force at `now`. */
export function isSilenced(alert: Pick<Alert, "silencedUntil">, now: Date): boolean {
  return alert.silencedUntil !== null && alert.silencedUntil.getTime() > now.getTime();
}

function toAlert(r: Record<string, unknown>): Alert {
  return {
    id: r.id as string,
    rule: r.rule as string,
    fingerprint: r.fingerprint as string,
    severity: r.severity as AlertSeverity,
    node: r.node as string,
    subject: r.subject as string,
    summary: r.summary as string,
    labels: r.labels as Record<string, string>,
    state: r.state as Alert["state"],
    firstFiredAt: r.first_fired_at as Date,
    lastSeenAt: r.last_seen_at as Date,
    resolvedAt: (r.resolved_at as Date | null) ?? null,
    acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
    acknowledgedAt: (r.acknowledged_at as Date | null) ?? null,
    acknowledgeNote: (r.acknowledge_note as string | null) ?? null,
    silencedUntil: (r.silenced_until as Date | null) ?? null,
    silencedBy: (r.silenced_by as string | null) ?? null,
    silenceNote: (r.silence_note as string | null) ?? null,
    lastNotifiedAt: (r.last_notified_at as Date | null) ?? null,
    notifyCount: r.notify_count as number,
    resolveNotified: r.resolve_notified as boolean,
  };
}

async function addEvent(db: Db, alertId: string, kind: AlertEventKind, at: Date, actor = "", note = "") {
  await db.query("INSERT INTO alert_events (alert_id, at, kind, actor, note) VALUES ($1, $2, $3, $4, $5)", [
    alertId,
    at,
    kind,
    actor,
    note,
  ]);
}

/**
 * Brings the open alerts in line with the conditions that hold at `now`: new ones fire, held ones are
 * refreshed (severity and summary may change, e.g. a GDPR deadline turning overdue), missing ones
 * resolve. Run by one evaluator at a time (the leader's lock); returns what changed.
 */
export async function reconcileAlerts(
  db: Db,
  conditions: AlertCondition[],
  now: Date,
): Promise<{ fired: Alert[]; resolved: Alert[] }> {
  const byFingerprint = new Map(conditions.map((c) => [fingerprintOf(c), c]));
  const open = await db.query("SELECT * FROM alerts WHERE state = 'firing' FOR UPDATE");
  const fired: Alert[] = [];
  const resolved: Alert[] = [];
  for (const row of open.rows) {
    const condition = byFingerprint.get(row.fingerprint as string);
    if (condition) {
      byFingerprint.delete(row.fingerprint as string);
      await db.query(
        // Only a change, or a minute gone: each write wakes every console's WatchAlerts.
        `UPDATE alerts SET last_seen_at = $2, severity = $3, summary = $4, labels = $5::jsonb
          WHERE id = $1 AND (severity <> $3 OR summary <> $4 OR labels <> $5::jsonb
                             OR last_seen_at < $2::timestamptz - interval '1 minute')`,
        [
          row.id,
          now,
          condition.severity,
          condition.summary.slice(0, 1000),
          JSON.stringify(condition.labels ?? {}),
        ],
      );
      continue;
    }
    const done = await db.query(
      "UPDATE alerts SET state = 'resolved', resolved_at = $2 WHERE id = $1 RETURNING *",
      [row.id, now],
    );
    await addEvent(db, row.id as string, "resolved", now, "leader");
    resolved.push(toAlert(done.rows[0]));
  }
  for (const [fingerprint, c] of byFingerprint) {
    const before = await db.query("SELECT 1 FROM alerts WHERE fingerprint = $1 LIMIT 1", [fingerprint]);
    const inserted = await db.query(
      `INSERT INTO alerts (id, rule, fingerprint, severity, node, subject, summary, labels, first_fired_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING *`,
      [
        randomId("alert"),
        c.rule,
        fingerprint,
        c.severity,
        c.node,
        c.subject,
        c.summary.slice(0, 1000),
        JSON.stringify(c.labels ?? {}),
        now,
      ],
    );
    const alert = toAlert(inserted.rows[0]);
    await addEvent(
      db,
      alert.id,
      before.rows[0] ? "refired" : "fired",
      now,
      "leader",
      c.summary.slice(0, 2000),
    );
    fired.push(alert);
  }
  return { fired, resolved };
}

export async function getAlert(db: Db, id: string): Promise<Alert | undefined> {
  const { rows } = await db.query("SELECT * FROM alerts WHERE id = $1", [id]);
  return rows[0] && toAlert(rows[0]);
}

const FILTERS: Record<AlertFilter, string> = {
  open: "state = 'firing'",
  firing:
    "state = 'firing' AND acknowledged_at IS NULL AND (silenced_until IS NULL OR silenced_until <= $1::timestamptz)",
  acknowledged: "state = 'firing' AND acknowledged_at IS NOT NULL",
  silenced: "state = 'firing' AND silenced_until > $1::timestamptz",
  resolved: "state = 'resolved'",
  all: "true",
};

/** Newest first; open alerts by severity (critical first). */
export async function listAlerts(
  db: Db,
  options: { filter?: AlertFilter; node?: string; limit?: number; now?: Date } = {},
): Promise<Alert[]> {
  const filter = options.filter ?? "open";
  const { rows } = await db.query(
    `SELECT * FROM alerts WHERE ${FILTERS[filter]} AND $1::timestamptz IS NOT NULL AND ($2::text IS NULL OR node = $2)
      ORDER BY state, severity, first_fired_at DESC, id LIMIT $3`,
    [options.now ?? new Date(), options.node ?? null, options.limit ?? 500],
  );
  return rows.map(toAlert);
}

async function changeOpen(db: Db, id: string, set: string, params: unknown[]): Promise<Alert> {
  const { rows } = await db.query(`UPDATE alerts SET ${set} WHERE id = $1 AND state = 'firing' RETURNING *`, [
    id,
    ...params,
  ]);
  if (rows[0]) return toAlert(rows[0]);
  const existing = await getAlert(db, id);
  if (!existing) throw new StoreError("not_found", `No alert ${id}: list the alerts to see their ids.`);
  throw new StoreError("conflict", `Alert ${id} is already resolved; nothing to change.`);
}

function checkNote(note: string) {
  if (note.length > 2000) throw new StoreError("invalid", "A note has at most 2000 characters.");
}

/** An operator owns the alert: it stays open (and on the list) but no longer repeats its page. */
export async function acknowledgeAlert(
  db: Db,
  input: { id: string; by: string; note: string; now: Date },
): Promise<Alert> {
  checkNote(input.note);
  const alert = await changeOpen(
    db,
    input.id,
    "acknowledged_by = $2, acknowledged_at = $3, acknowledge_note = $4",
    [input.by, input.now, input.note],
  );
  await addEvent(db, alert.id, "acknowledged", input.now, input.by, input.note);
  return alert;
}

/** Quiet until `until`: no notifications meanwhile; it expires by itself (expireSilences records it). */
export async function silenceAlert(
  db: Db,
  input: { id: string; by: string; note: string; until: Date; now: Date },
): Promise<Alert> {
  checkNote(input.note);
  if (input.until.getTime() <= input.now.getTime())
    throw new StoreError("invalid", "A silence must end in the future: give a later time.");
  const alert = await changeOpen(db, input.id, "silenced_until = $2, silenced_by = $3, silence_note = $4", [
    input.until,
    input.by,
    input.note,
  ]);
  await addEvent(
    db,
    alert.id,
    "silenced",
    input.now,
    input.by,
    `until ${input.until.toISOString()}${input.note ? `: ${input.note}` : ""}`,
  );
  return alert;
}

export async function unsilenceAlert(
  db: Db,
  input: { id: string; by: string; note: string; now: Date },
): Promise<Alert> {
  checkNote(input.note);
  const alert = await changeOpen(db, input.id, "silenced_until = NULL", []);
  await addEvent(db, alert.id, "unsilenced", input.now, input.by, input.note);
  return alert;
}

/** Ends silences whose time is up, with an event on each timeline; returns how many ended. */
export async function expireSilences(db: Db, now: Date): Promise<number> {
  const { rows } = await db.query(
    `UPDATE alerts SET silenced_until = NULL WHERE silenced_until IS NOT NULL AND silenced_until <= $1
     RETURNING id`,
    [now],
  );
  for (const r of rows) await addEvent(db, r.id, "unsilenced", now, "leader", "silence expired");
  return rows.length;
}

/**
 * The alerts a notifier should send now: firing ones never sent, or due for their repeat (neither
 * acknowledged nor silenced, last sent `repeatMs` ago); resolved ones whose firing was sent, once.
 * A silenced alert is not sent even the first time; its first notice goes out when the silence ends.
 */
export async function dueNotifications(db: Db, now: Date, repeatMs: number): Promise<Alert[]> {
  const { rows } = await db.query(
    `SELECT * FROM alerts WHERE
       (state = 'firing' AND (silenced_until IS NULL OR silenced_until <= $1) AND (last_notified_at IS NULL
         OR (acknowledged_at IS NULL AND last_notified_at <= $1::timestamptz - make_interval(secs => $2::float8 / 1000))))
       OR (state = 'resolved' AND notify_count > 0 AND NOT resolve_notified)
     ORDER BY first_fired_at, id`,
    [now, repeatMs],
  );
  return rows.map(toAlert);
}

/** Records a sent notification (firing or resolved) on the alert and its timeline. */
export async function markNotified(db: Db, alert: Pick<Alert, "id" | "state">, now: Date, to: string) {
  await db.query(
    `UPDATE alerts SET last_notified_at = $2, notify_count = notify_count + 1,
       resolve_notified = resolve_notified OR state = 'resolved' WHERE id = $1`,
    [alert.id, now],
  );
  await addEvent(db, alert.id, "notified", now, "leader", `${alert.state} → ${to}`.slice(0, 2000));
}

export async function listAlertEvents(db: Db, alertId: string): Promise<AlertEvent[]> {
  const { rows } = await db.query(
    "SELECT alert_id, at, kind, actor, note FROM alert_events WHERE alert_id = $1 ORDER BY at, id",
    [alertId],
  );
  return rows.map((r) => ({ alertId: r.alert_id, at: r.at, kind: r.kind, actor: r.actor, note: r.note }));
}

/** Retention: resolved alerts (and their events) older than `days`. Returns how many went. */
export async function pruneResolvedAlerts(db: Db, now: Date, days: number): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM alerts WHERE state = 'resolved' AND resolved_at < $1::timestamptz - make_interval(days => $2::int)",
    [now, days],
  );
  return rowCount ?? 0;
}
