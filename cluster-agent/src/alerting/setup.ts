// What every agent runs for alerting: its health summary written with each heartbeat, its turn at the
// leader job, and the direct page when it cannot reach the store itself (then the leader's path, which
// goes through the store, cannot see or record anything, so the agent posts the webhook on its own).
import type { Logger } from "../common/log.js";
import type { AlertingConfig } from "../config/alerting.js";
import type { Alert } from "../store/alerts.js";
import { writeNodeHealth } from "../store/node-health.js";
import type { Store } from "../store/store.js";
import { certificateExpiries, DiskTrend, healthOf } from "../telemetry/node-health.js";
import type { Telemetry } from "../telemetry/snapshot.js";
import { startAlerting } from "./evaluator.js";
import { alertmanagerMessage, postWebhook, type WebhookTarget } from "./notify-webhook.js";

export interface AgentAlertingOptions {
  config: AlertingConfig;
  node: string;
  heartbeatSeconds: number;
  missedBeats: number;
  store: Store;
  telemetry: Telemetry;
  /** The filesystem to watch: the spool's directory (usually on the data dir's filesystem). */
  diskPath: string;
  certificates: { name: string; path: string }[];
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

export function webhookTargets(config: AlertingConfig, env: NodeJS.ProcessEnv): WebhookTarget[] {
  return config.webhooks.map((w) => ({
    url: w.url,
    bearerToken: w.bearerTokenEnv ? env[w.bearerTokenEnv] : undefined,
  }));
}

export function startAgentAlerting(options: AgentAlertingOptions) {
  const { config, logger } = options;
  const webhooks = webhookTargets(config, options.env);
  const disk = new DiskTrend(options.diskPath, config.diskTrendSeconds * 1000);
  const leader = startAlerting({
    pool: options.store.pool,
    config,
    heartbeatSeconds: options.heartbeatSeconds,
    missedBeats: options.missedBeats,
    webhooks,
    logger,
  });
  const outage = new StoreOutagePager(options.node, config, webhooks, logger);
  void leader.runNow();
  const timer = setInterval(() => {
    outage.check(options.telemetry.latest().store?.connected ?? true, Date.now());
  }, config.evaluateSeconds * 1000).unref();
  return {
    runNow: () => leader.runNow(),
    /** Called with each heartbeat: the health summary goes to the store beside it. */
    async writeHealth() {
      const now = Date.now();
      const [diskHealth, certificates] = await Promise.all([
        disk.sample(now).catch(() => null),
        certificateExpiries(options.certificates),
      ]);
      const health = healthOf(options.telemetry.latest(), { disk: diskHealth, certificates }, now);
      await writeNodeHealth(options.store.pool, options.node, health);
    },
    async stop() {
      clearInterval(timer);
      await leader.stop();
    },
  };
}

/**
 * The page an agent sends itself while it cannot reach the store: once when the outage has lasted
 * `storeOutageSeconds`, once more (resolved) when the store answers again. Not in the store (it cannot
 * be), so it has no acknowledgement or timeline; the leader's own "store unreachable" alert covers nodes
 * whose probe fails while their heartbeat still lands.
 */
export class StoreOutagePager {
  private downSinceMs: number | undefined;
  private paged: Alert | undefined;

  constructor(
    private readonly node: string,
    private readonly config: AlertingConfig,
    private readonly webhooks: WebhookTarget[],
    private readonly logger?: Logger,
  ) {}

  check(connected: boolean, nowMs: number): void {
    if (!connected) {
      this.downSinceMs ??= nowMs;
      if (!this.paged && nowMs - this.downSinceMs >= this.config.storeOutageSeconds * 1000) {
        this.paged = this.alert(new Date(this.downSinceMs));
        this.send(this.paged);
      }
      return;
    }
    this.downSinceMs = undefined;
    if (this.paged) {
      this.send({ ...this.paged, state: "resolved", resolvedAt: new Date(nowMs) });
      this.paged = undefined;
    }
  }

  private alert(since: Date): Alert {
    const summary = `${this.node} cannot reach the store; usage is spooled locally (sent by the node itself)`;
    return {
      id: `direct-${this.node}-${since.getTime()}`,
      rule: "store-unreachable",
      fingerprint: `store-unreachable/${this.node}/direct`,
      severity: "critical",
      node: this.node,
      subject: "direct",
      summary,
      labels: {},
      state: "firing",
      firstFiredAt: since,
      lastSeenAt: since,
      resolvedAt: null,
      acknowledgedBy: null,
      acknowledgedAt: null,
      acknowledgeNote: null,
      silencedUntil: null,
      silencedBy: null,
      silenceNote: null,
      lastNotifiedAt: null,
      notifyCount: 0,
      resolveNotified: false,
    };
  }

  private send(alert: Alert): void {
    const message = alertmanagerMessage(alert, {
      receiver: "entrim",
      externalUrl: this.config.externalUrl,
      cluster: this.config.cluster,
    });
    for (const target of this.webhooks)
      postWebhook(target, message).catch((error: Error) =>
        this.logger?.warn({ err: error.message }, "direct store-outage page failed"),
      );
  }
}
