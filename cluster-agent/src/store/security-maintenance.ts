import type pg from "pg";
import type { Logger } from "../common/log.js";
import { deleteResolvedFlagsBefore } from "./abuse-flags.js";
import { maintainDailyPartitions, retentionCutoff, startMaintenance } from "./partitions.js";
import { securityEventsPartitions } from "./security-events.js";

/** Any constant works as long as every agent uses the same one: whoever holds it is the leader. */
export const SECURITY_RETENTION_LOCK_KEY = 7_216_853_409_551_004n;

/** One retention pass: partitions ahead, expired days dropped, resolved flags past retention deleted. */
export async function runSecurityMaintenance(
  client: pg.PoolClient | pg.Client,
  retentionDays: number,
  now: Date,
) {
  const report = await maintainDailyPartitions(client, securityEventsPartitions(retentionDays), now);
  const flagsDeleted = await deleteResolvedFlagsBefore(client, retentionCutoff(now, retentionDays));
  return { ...report, flagsDeleted };
}

export function startSecurityMaintenance(options: {
  pool: pg.Pool;
  retentionDays: number;
  intervalMs: number;
  logger?: Logger | undefined;
}) {
  return startMaintenance({
    pool: options.pool,
    lockKey: SECURITY_RETENTION_LOCK_KEY,
    intervalMs: options.intervalMs,
    name: "security-retention",
    logger: options.logger,
    run: (client, now) => runSecurityMaintenance(client, options.retentionDays, now),
  });
}
