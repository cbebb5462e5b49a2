import type { Logger } from "../common/log.js";
import type { AgentConfig } from "../config/schema.js";
import { MonthlySpend } from "../metering/spend.js";
import type { UnshippedSpend } from "../metering/unshipped-spend.js";
import type { InFlightRequests } from "../serving/in-flight.js";
import { startSecurityMaintenance } from "../store/security-maintenance.js";
import type { Store } from "../store/store.js";
import { ClusterShare } from "./cluster-share.js";
import type { AdmissionGate } from "./gate.js";
import { type IpBlockedEvent, IpBlocker, recordIpBlockIn } from "./ip-block.js";
import { LimitsCache } from "./limits-cache.js";
import { PrepaidGate } from "./prepaid.js";
import { RateLimiter } from "./rate-limits.js";
import { SecurityEventsGate } from "./security-events.js";
import { SecurityEventRecorder } from "./security-recorder.js";
import { SuspensionGate } from "./suspensions.js";

export interface Admission {
  /** In the order the API must run them: see below. */
  gates: AdmissionGate[];
  /** Security events and abuse rules; `record()` takes events from other components. */
  security: SecurityEventsGate;
  suspensions: SuspensionGate;
  /** Undefined when abuse.ipBlock.enabled is false. */
  ipBlocker: IpBlocker | undefined;
  rateLimiter: RateLimiter;
  prepaid: PrepaidGate;
}

/**
 * Starts every admission component of an agent; `stop()` stops them in reverse order. If one fails
 * to start, those already started are stopped before the error is thrown.
 *
 * Gate order matters: the security recorder comes first so it sees every refusal and every settled
 * request; suspensions next, so a blocked IP or suspended account costs nothing further; the IP
 * blocker counts failed authentications; rate limits reserve last, so a request refused for any other
 * reason never consumes a customer's quota.
 */
export async function startAdmission(
  config: AgentConfig,
  store: Store,
  inFlight: InFlightRequests,
  logger: Logger,
  /** The meter's count of this agent's spend not yet in the store: prepaid balances subtract it. */
  unshipped?: UnshippedSpend,
): Promise<Admission & { stop(): Promise<void> }> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
  };
  try {
    const security = new SecurityEventsGate({
      recorder: new SecurityEventRecorder({
        store,
        node: config.node.name,
        logger,
        flushIntervalMs: config.security.flushIntervalMs,
        bufferLimit: config.security.bufferLimit,
      }),
      rules: config.security.rules,
    });
    security.start();
    cleanup.push(() => security.stop());
    const maintenance = startSecurityMaintenance({
      pool: store.pool,
      retentionDays: config.security.retentionDays,
      intervalMs: config.security.maintenanceIntervalMinutes * 60_000,
      logger,
    });
    await maintenance.runNow();
    cleanup.push(() => maintenance.stop());

    const suspensions = new SuspensionGate({
      store,
      inFlight,
      logger,
      resyncIntervalMs: config.suspensions.resyncSeconds * 1000,
    });
    await suspensions.start();
    cleanup.push(() => suspensions.stop());

    const { ipBlock } = config.abuse;
    const ipBlocker = ipBlock.enabled
      ? new IpBlocker({
          ...ipBlock,
          windowMs: ipBlock.windowSeconds * 1000,
          blockMs: ipBlock.blockSeconds * 1000,
          record: recordIpBlockIn(store.pool, config.node.name, suspensions),
          logger,
        })
      : undefined;
    ipBlocker?.on("blocked", (event: IpBlockedEvent) =>
      security.record({
        kind: "ip_blocked",
        ip: event.ip,
        detail: {
          failures: event.failures,
          windowSeconds: event.windowSeconds,
          expiresAt: event.expiresAt.toISOString(),
          recorded: event.suspensionId !== null,
        },
      }),
    );

    const limits = new LimitsCache({ store, logger, resyncIntervalMs: config.limits.resyncSeconds * 1000 });
    await limits.start();
    cleanup.push(() => limits.stop());
    const shares = new ClusterShare({
      store,
      self: config.node.name,
      liveMs: config.limits.liveSeconds * 1000,
      refreshMs: config.limits.membershipSeconds * 1000,
      logger,
    });
    await shares.start();
    cleanup.push(() => shares.stop());
    // Spend caps are enforced against the month-to-date spend the cluster has billed so far.
    const spend = new MonthlySpend({
      db: store.pool,
      logger,
      refreshMs: config.limits.spendRefreshSeconds * 1000,
    });
    await spend.start();
    cleanup.push(async () => spend.stop());
    const rateLimiter = new RateLimiter({
      limits,
      shares,
      spendSource: spend.ofAccount,
      keySpendSource: spend.ofKey,
    });
    rateLimiter.start();
    cleanup.push(async () => rateLimiter.stop());

    // Prepaid accounts with no credit left are refused before a slot is reserved.
    const prepaid = new PrepaidGate({ store, logger, refreshMs: 1000, unshipped });
    await prepaid.start();
    cleanup.push(() => prepaid.stop());

    const gates: AdmissionGate[] = [security, suspensions, prepaid];
    if (ipBlocker) gates.push(ipBlocker);
    gates.push(rateLimiter);
    return { gates, security, suspensions, ipBlocker, rateLimiter, prepaid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
