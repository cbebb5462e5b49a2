import type pg from "pg";
import type { Logger } from "../common/log.js";

/**
 * Daily range partitions and their retention, for any table partitioned BY RANGE on a timestamptz
 * column with a `<table>_default` DEFAULT partition. Days are UTC days: every node of a cluster must
 * cut them the same way, whatever its local time zone.
 *
 * Retention, precisely: with `retentionDays = R` and the maintenance run at `now`, the cutoff is
 * `now - R × 24 h`. A day's partition holds [D 00:00, D+1 00:00) and is dropped once its whole day lies
 * before the cutoff (D+1 00:00 ≤ cutoff); the one partition straddling the cutoff is kept, and its rows
 * older than the cutoff are deleted. So no row outlives R days by more than the maintenance interval,
 * and no row younger than R days is ever removed.
 *
 * Rows for a day without a partition land in the DEFAULT partition (never lost); maintenance moves them
 * into their day's partition (or deletes them once expired).
 */
export interface DailyPartitionSpec {
  table: string;
  /** The partition key column (timestamptz). */
  column: string;
  retentionDays: number;
  /** Partitions created ahead of today (today is always created). */
  aheadDays: number;
}

export interface PartitionReport {
  created: string[];
  dropped: string[];
  /** Rows moved out of the DEFAULT partition into their day's partition. */
  drained: number;
  /** Expired rows deleted from the boundary partition and the DEFAULT partition. */
  trimmed: number;
}

const DAY_MS = 86_400_000;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,40}$/;

export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

/** `security_events` + 2026-11-23 → `security_events_20261123`. */
export function partitionName(table: string, day: Date): string {
  return `${table}_${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** The UTC day a partition of `table` covers, or undefined for anything else (the DEFAULT partition). */
export function partitionDay(table: string, name: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(
    name.startsWith(`${table}_`) ? name.slice(table.length + 1) : "",
  );
  if (!match) return undefined;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return partitionName(table, day) === name ? day : undefined;
}

export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** True once every instant of the day lies before the cutoff. */
export function isExpired(day: Date, cutoff: Date): boolean {
  return addDays(day, 1).getTime() <= cutoff.getTime();
}

/** The days that must have a partition at `now`: today and `aheadDays` after it. */
export function daysAhead(now: Date, aheadDays: number): Date[] {
  const today = utcDay(now);
  return Array.from({ length: aheadDays + 1 }, (_, i) => addDays(today, i));
}

function checkSpec(spec: DailyPartitionSpec): void {
  if (!IDENTIFIER.test(spec.table) || !IDENTIFIER.test(spec.column)) {
    throw new Error(`Not a plain table/column name: ${spec.table}.${spec.column}`);
  }
  if (!Number.isInteger(spec.retentionDays) || spec.retentionDays < 1) {
    throw new Error(`retentionDays must be a positive integer, got ${spec.retentionDays}`);
  }
}

const literal = (at: Date) => `'${at.toISOString()}'`;

export async function listPartitions(db: pg.ClientBase | pg.Pool, table: string): Promise<string[]> {
  const result = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
    [table],
  );
  return result.rows.map((r) => r.name);
}

/**
 * Brings one table's partitions in line with its spec at `now`. Idempotent; needs a dedicated client
 * because it runs transactions.
 */
export async function maintainDailyPartitions(
  client: pg.ClientBase,
  spec: DailyPartitionSpec,
  now: Date,
): Promise<PartitionReport> {
  checkSpec(spec);
  const { table, column } = spec;
  const fallback = `${table}_default`;
  const cutoff = retentionCutoff(now, spec.retentionDays);
  const report: PartitionReport = { created: [], dropped: [], drained: 0, trimmed: 0 };
  const existing = new Set(await listPartitions(client, table));

  // Drain first: creating a partition fails while the DEFAULT partition holds rows of its range.
  const stranded = await client.query<{ day: Date }>(
    `SELECT DISTINCT date_trunc('day', ${column}, 'UTC') AS day FROM ${fallback} ORDER BY 1`,
  );
  for (const { day } of stranded.rows) {
    if (isExpired(day, cutoff)) continue;
    const name = partitionName(table, day);
    report.drained += await transaction(client, async () => {
      // Writers are held back for a moment so that no row of this day slips into DEFAULT meanwhile.
      await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const range = `${column} >= ${literal(day)} AND ${column} < ${literal(addDays(day, 1))}`;
      await client.query(
        `CREATE TEMP TABLE entrim_moving ON COMMIT DROP AS
         WITH moved AS (DELETE FROM ${fallback} WHERE ${range} RETURNING *) SELECT * FROM moved`,
      );
      if (!existing.has(name)) await createPartition(client, table, day);
      const moved = await client.query(
        `INSERT INTO ${table} OVERRIDING SYSTEM VALUE SELECT * FROM entrim_moving`,
      );
      return moved.rowCount ?? 0;
    });
    if (!existing.has(name)) {
      existing.add(name);
      report.created.push(name);
    }
  }

  for (const day of daysAhead(now, spec.aheadDays)) {
    const name = partitionName(table, day);
    if (existing.has(name)) continue;
    await createPartition(client, table, day);
    existing.add(name);
    report.created.push(name);
  }

  for (const name of [...existing].sort()) {
    const day = partitionDay(table, name);
    if (day && isExpired(day, cutoff)) {
      await client.query(`DROP TABLE IF EXISTS ${name}`);
      report.dropped.push(name);
    }
  }

  // Partition pruning limits this to the boundary day's partition and DEFAULT.
  const trimmed = await client.query(`DELETE FROM ${table} WHERE ${column} < $1`, [cutoff]);
  report.trimmed = trimmed.rowCount ?? 0;
  return report;
}

async function createPartition(client: pg.ClientBase, table: string, day: Date): Promise<void> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${partitionName(table, day)} PARTITION OF ${table}
     FOR VALUES FROM (${literal(day)}) TO (${literal(addDays(day, 1))})`,
  );
}

async function transaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    // Never queue behind a long reader for long: the next run tries again.
    await client.query("SET LOCAL lock_timeout = '5s'");
    const result = await fn();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * Runs `fn` on one client while holding a session advisory lock, or returns undefined at once when
 * another agent holds it: cluster jobs run on one agent at a time, and any agent can take over.
 */
export async function withTryAdvisoryLock<T>(
  pool: pg.Pool,
  key: bigint,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T | undefined> {
  const client = await pool.connect();
  try {
    const locked = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
      key.toString(),
    ]);
    if (!locked.rows[0]?.ok) return undefined;
    try {
      return await fn(client);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [key.toString()]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

/**
 * Notes which node ran a cluster job (from its connection's application_name), so a console can name
 * the leader between passes, when nobody holds the lock. Best effort: a store without the table (a
 * migration behind) must not fail the job itself.
 */
async function recordJobRunner(client: pg.PoolClient, job: string): Promise<void> {
  await client
    .query(
      `INSERT INTO cluster_jobs (job, node, ran_at) VALUES ($1, current_setting('application_name'), now())
       ON CONFLICT (job) DO UPDATE SET node = EXCLUDED.node, ran_at = EXCLUDED.ran_at`,
      [job],
    )
    .catch(() => {});
}

export interface MaintenanceOptions {
  pool: pg.Pool;
  lockKey: bigint;
  intervalMs: number;
  run: (client: pg.PoolClient, now: Date) => Promise<unknown>;
  logger?: Logger | undefined;
  name: string;
  /** A pass that did nothing worth an info line (a job running every few seconds): logged at debug. */
  quiet?: (result: unknown) => boolean;
}

/** Runs a cluster maintenance job now and every interval on whichever agent gets the lock. */
export function startMaintenance(options: MaintenanceOptions): {
  runNow(): Promise<void>;
  stop(): Promise<void>;
} {
  let running: Promise<void> | undefined;
  const runNow = () => {
    running ??= withTryAdvisoryLock(options.pool, options.lockKey, async (client) => {
      const result = await options.run(client, new Date());
      await recordJobRunner(client, options.name);
      return result;
    })
      .then((result) => {
        if (result === undefined) options.logger?.debug({ job: options.name }, "another agent runs this job");
        else if (options.quiet?.(result))
          options.logger?.debug({ job: options.name, ...(result as object) }, "maintenance done");
        else options.logger?.info({ job: options.name, ...(result as object) }, "maintenance done");
      })
      .catch((error: Error) =>
        options.logger?.warn({ job: options.name, err: error.message }, "maintenance failed; will retry"),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), options.intervalMs).unref();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
