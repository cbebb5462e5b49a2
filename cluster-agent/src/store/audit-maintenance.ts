import type pg from "pg";
import type { Logger } from "../common/log.js";
import { pruneAudit } from "./audit-log.js";
import { retentionCutoff, startMaintenance } from "./partitions.js";

/** Its own lock (0008: the audit migration), so it never waits on the other retention jobs. */
export const AUDIT_RETENTION_LOCK_KEY = 7_216_853_409_551_008n;

export interface AuditRetention {
  retentionDays: number;
  /** The checkpoint signing key (auditCheckpointKey of the cluster's pepper). */
  key: Buffer;
  /** This agent's name, written on the checkpoint. */
  node: string;
}

/**
 * One pass: entries older than retentionDays are pruned behind a signed checkpoint. The client comes
 * from withTryAdvisoryLock outside any transaction, so the pass opens its own.
 */
export async function runAuditMaintenance(
  client: pg.PoolClient | pg.Client,
  retention: AuditRetention,
  now: Date,
) {
  if (!Number.isInteger(retention.retentionDays) || retention.retentionDays < 1) {
    throw new Error(`retentionDays must be a positive integer, got ${retention.retentionDays}`);
  }
  const before = retentionCutoff(now, retention.retentionDays);
  await client.query("BEGIN");
  try {
    const result = await pruneAudit(client, { before, key: retention.key, node: retention.node });
    await client.query("COMMIT");
    return { pruned: result.pruned, prunedThrough: result.checkpoint?.prunedThrough ?? null };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Runs at start and every interval on whichever agent holds the lock. */
export function startAuditMaintenance(options: {
  pool: pg.Pool;
  retentionDays: number;
  intervalMs: number;
  key: Buffer;
  node: string;
  logger?: Logger | undefined;
}) {
  const retention = { retentionDays: options.retentionDays, key: options.key, node: options.node };
  return startMaintenance({
    pool: options.pool,
    lockKey: AUDIT_RETENTION_LOCK_KEY,
    intervalMs: options.intervalMs,
    name: "audit-retention",
    logger: options.logger,
    run: (client, now) => runAuditMaintenance(client, retention, now),
  });
}
