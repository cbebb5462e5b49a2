// The leader job: every `alerting.evaluateSeconds`, on whichever agent holds its advisory lock, read the
// fleet from the store, evaluate the rules, fire and resolve alerts, end expired silences, send what is
// due, and prune old resolved alerts. Another agent takes over within one interval when the leader dies
// (its session, and with it the lock, goes); the rules' small memory (Xid counts) starts afresh there.
import pg from "pg";
import type { Logger } from "../common/log.js";
import type { AlertingConfig } from "../config/alerting.js";
import {
  type Alert,
  dueNotifications,
  expireSilences,
  markNotified,
  pruneResolvedAlerts,
  reconcileAlerts,
} from "../store/alerts.js";
import { type Db, transaction } from "../store/db.js";
import { enqueueMail } from "../store/mail.js";
import type { NodeHealth } from "../store/node-health.js";
import { startMaintenance } from "../store/partitions.js";
import { alertMail } from "./notify-email.js";
import {
  alertmanagerMessage,
  type PostOptions,
  postWebhook,
  redactedUrl,
  type WebhookTarget,
} from "./notify-webhook.js";
import { emptyMemory, evaluateRules, type FleetView, type RuleMemory } from "./rules.js";

export const ALERTING_LOCK_KEY = 7_216_853_409_551_030n;

export interface AlertingOptions {
  config: AlertingConfig;
  heartbeatSeconds: number;
  /** Webhooks with their tokens resolved from the environment. */
  webhooks: WebhookTarget[];
  post?: PostOptions;
  logger?: Logger | undefined;
}

/** The fleet as the rules see it. "Silent" by the database's clock, as ListPeers judges it. */
export async function readFleet(db: Db, heartbeatSeconds: number, missedBeats: number): Promise<FleetView> {
  const nodes = await db.query(
    `SELECT name, state, health, drain IS NOT NULL AS drained,
            heartbeat_at < now() - make_interval(secs => $1::double precision) AS silent,
            $2::int AS silent_seconds,
            extract(epoch FROM now() - heartbeat_at)::double precision AS quiet_seconds
       FROM nodes ORDER BY name`,
    [heartbeatSeconds * missedBeats, Math.round(heartbeatSeconds * missedBeats)],
  );
  const rollouts = await db.query(
    "SELECT id, model, to_version, reason FROM rollouts WHERE state = 'paused' ORDER BY created_at",
  );
  const requests = await db.query(
    "SELECT id, kind, due_at FROM data_subject_requests WHERE status = 'open' ORDER BY due_at",
  );
  return {
    nodes: nodes.rows.map((r) => ({
      name: r.name,
      state: r.state,
      silent: r.silent,
      silentSeconds: r.silent_seconds,
      drained: r.drained,
      quietSeconds: Math.max(0, r.quiet_seconds),
      health: (r.health as NodeHealth | null) ?? null,
    })),
    pausedRollouts: rollouts.rows.map((r) => ({
      id: r.id,
      model: r.model,
      toVersion: r.to_version,
      reason: r.reason,
    })),
    openRequests: requests.rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      dueAtMs: (r.due_at as Date).getTime(),
    })),
  };
}

export interface PassReport {
  fired: number;
  resolved: number;
  notified: number;
  failedDeliveries: number;
}

export async function runAlertingPass(
  pool: Db,
  options: AlertingOptions & { missedBeats: number },
  memory: RuleMemory,
  now: Date,
): Promise<PassReport> {
  const { config } = options;
  const fleet = await readFleet(pool, options.heartbeatSeconds, options.missedBeats);
  const conditions = evaluateRules(
    fleet,
    config.thresholds,
    memory,
    now.getTime(),
    config.stoppedGraceSeconds,
  );
  const { fired, resolved } = await atomically(pool, async (db) => {
    const changes = await reconcileAlerts(db, conditions, now);
    await expireSilences(db, now);
    await pruneResolvedAlerts(db, now, config.retentionDays);
    return changes;
  });
  const report: PassReport = {
    fired: fired.length,
    resolved: resolved.length,
    notified: 0,
    failedDeliveries: 0,
  };
  // Webhooks for every due alert at once: a dead receiver costs one round of retries per pass, not
  // one per alert. The records follow one by one (the pass holds one connection).
  const due = await dueNotifications(pool, now, config.repeatMinutes * 60_000);
  const failures = await Promise.all(due.map((alert) => page(alert, options)));
  for (const [i, alert] of due.entries()) {
    await record(pool, alert, failures[i]!, options, now);
    report.failedDeliveries += failures[i]!.length;
    report.notified += 1;
  }
  return report;
}

/**
 * A transaction on whatever `db` is: the leader job hands a dedicated client (which `transaction`
 * would take as already inside one), tests a pool.
 */
async function atomically<T>(db: Db, fn: (db: Db) => Promise<T>): Promise<T> {
  if (db instanceof pg.Pool) return transaction(db, fn);
  await db.query("BEGIN");
  try {
    const value = await fn(db);
    await db.query("COMMIT");
    return value;
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Posts one alert to every webhook; returns the ones that still failed after their retries. */
async function page(alert: Alert, options: AlertingOptions): Promise<string[]> {
  const message = alertmanagerMessage(alert, {
    receiver: "entrim",
    externalUrl: options.config.externalUrl,
    cluster: options.config.cluster,
  });
  const failed: string[] = [];
  await Promise.all(
    options.webhooks.map((target) =>
      postWebhook(target, message, options.post).catch((error: Error) => {
        failed.push(redactedUrl(target.url));
        options.logger?.warn({ alert: alert.id, err: error.message }, "alert webhook failed");
      }),
    ),
  );
  return failed;
}

/**
 * Queues the emails and records the notification, together. A webhook that still failed is named on
 * the timeline; the alert counts as notified all the same (the email went, and the repeat interval
 * pages again), so one dead receiver cannot flood the others with repeats every pass.
 */
async function record(pool: Db, alert: Alert, failed: string[], options: AlertingOptions, now: Date) {
  const { config } = options;
  const channels = [
    ...(options.webhooks.length
      ? [`${options.webhooks.length - failed.length}/${options.webhooks.length} webhook(s)`]
      : []),
    ...(config.email.length ? [`${config.email.length} email address(es)`] : []),
  ];
  await atomically(pool, async (db) => {
    for (const to of config.email) await enqueueMail(db, { kind: "alert", to, ...alertMail(alert, config) });
    const note = `${channels.join(", ") || "no receivers configured"}${failed.length ? `; failed: ${failed.join(", ")}` : ""}`;
    await markNotified(db, alert, now, note);
  });
}

/** The leader job; `runNow` also serves tests and a NOTIFY-driven wake-up. */
export function startAlerting(options: AlertingOptions & { pool: pg.Pool; missedBeats: number }) {
  const memory = emptyMemory();
  return startMaintenance({
    pool: options.pool,
    lockKey: ALERTING_LOCK_KEY,
    intervalMs: options.config.evaluateSeconds * 1000,
    name: "alerting",
    logger: options.logger,
    run: (client, now) => runAlertingPass(client, options, memory, now),
    quiet: (r) => {
      const report = r as PassReport;
      return report.fired + report.resolved + report.notified === 0;
    },
  });
}
