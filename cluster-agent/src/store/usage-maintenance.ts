import type pg from "pg";
import type { Logger } from "../common/log.js";
import { carryPrepaidUsage } from "./credit.js";
import {
  type DailyPartitionSpec,
  maintainDailyPartitions,
  retentionCutoff,
  startMaintenance,
} from "./partitions.js";

/** Its own lock, not security's: both jobs may run on the same leader, or on different agents. */
export const USAGE_RETENTION_LOCK_KEY = 7_216_853_409_551_005n;

export function usageEventsPartitions(retentionDays: number): DailyPartitionSpec {
  return { table: "usage_events", column: "received_at", retentionDays, aheadDays: 3 };
}

/**
 * The first instant whose invoices must still be kept: an invoice issued before it may be deleted.
 * Commercial and tax law (e.g. German §147 AO, §257 HGB) start the period at the end of the calendar
 * year the invoice was issued in, so an invoice of year Y is kept through Y + taxYears and may go from
 * 1 January of Y + taxYears + 1 (UTC).
 */
export function invoiceRetentionCutoff(now: Date, taxYears: number): Date {
  if (!Number.isInteger(taxYears) || taxYears < 1) {
    throw new Error(`taxYears must be a positive integer, got ${taxYears}`);
  }
  return new Date(Date.UTC(now.getUTCFullYear() - taxYears, 0, 1));
}

/** True while an invoice issued at `issuedAt` must be kept. */
export function mustKeepInvoice(issuedAt: Date, now: Date, taxYears: number): boolean {
  return issuedAt.getTime() >= invoiceRetentionCutoff(now, taxYears).getTime();
}

export interface UsageRetention {
  usageDays: number;
  taxYears: number;
}

/**
 * One pass: usage partitions created ahead, whole expired days dropped, the straddling day trimmed.
 * Invoices are never deleted here (billing owns their table); the report says from when they are kept.
 */
export async function runUsageMaintenance(
  client: pg.PoolClient | pg.Client,
  retention: UsageRetention,
  now: Date,
) {
  // Prepaid spend on the events about to go is kept, in the credit ledger, before they go.
  const prepaidCarried = await carryPrepaidUsage(client, retentionCutoff(now, retention.usageDays));
  const report = await maintainDailyPartitions(client, usageEventsPartitions(retention.usageDays), now);
  return {
    ...report,
    prepaidCarried,
    invoicesKeptFrom: invoiceRetentionCutoff(now, retention.taxYears).toISOString(),
  };
}

/** Runs at start and every interval on whichever agent holds the lock (the leader for this job). */
export function startUsageMaintenance(options: {
  pool: pg.Pool;
  retention: UsageRetention;
  intervalMs: number;
  logger?: Logger | undefined;
}) {
  return startMaintenance({
    pool: options.pool,
    lockKey: USAGE_RETENTION_LOCK_KEY,
    intervalMs: options.intervalMs,
    name: "usage-retention",
    logger: options.logger,
    run: (client, now) => runUsageMaintenance(client, options.retention, now),
  });
}
