// The hash-chained, append-only audit log (migration 0008; the chain itself is in audit-hash.ts).
// Verification recomputes the chain from the latest signed checkpoint and names the first entry that
// does not match; docs/audit-log.md says what that does and does not prove.
import type { AuditAction } from "../domain/audit-action.js";
import {
  type AuditCheckpoint,
  type AuditRecord,
  checkpointValid,
  entryHash,
  GENESIS_HASH,
  signCheckpoint,
} from "./audit-hash.js";
import { type Db, transaction } from "./db.js";

export {
  type AuditCheckpoint,
  type AuditRecord,
  auditCheckpointKey,
  GENESIS_HASH,
  loadAuditKey,
} from "./audit-hash.js";

/** Every agent appends under this one transaction lock, so the chain stays linear across the cluster. */
const APPEND_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('entrim:audit_log', 0))";

/** Column limits of the migration; longer text is cut rather than failing the action it records. */
const LIMITS = { operator: 200, action: 100, target: 500, reason: 1000, result: 1000, node: 200 } as const;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

interface Row {
  seq: string;
  at: Date;
  operator: string;
  role: AuditRecord["role"];
  source: AuditRecord["source"];
  action: string;
  target: string;
  reason: string;
  result: string;
  node: string;
  prev_hash: string;
  hash: string;
}

const COLUMNS = "seq, at, operator, role, source, action, target, reason, result, node, prev_hash, hash";

function fromRow(r: Row): AuditRecord {
  return {
    seq: r.seq,
    at: r.at,
    operator: r.operator,
    role: r.role,
    source: r.source,
    action: r.action,
    target: r.target,
    reason: r.reason,
    result: r.result,
    node: r.node,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

interface CheckpointRow {
  pruned_through: string;
  last_hash: string;
  created_at: Date;
  node: string;
  signature: string;
}

async function latestCheckpoint(db: Db): Promise<AuditCheckpoint | undefined> {
  const result = await db.query<CheckpointRow>(
    `SELECT pruned_through, last_hash, created_at, node, signature FROM audit_checkpoints
     ORDER BY pruned_through DESC, id DESC LIMIT 1`,
  );
  const r = result.rows[0];
  return r
    ? {
        prunedThrough: r.pruned_through,
        lastHash: r.last_hash,
        createdAt: r.created_at,
        node: r.node,
        signature: r.signature,
      }
    : undefined;
}

/** The entry the next one chains to: the newest row, else the latest checkpoint, else genesis. */
async function head(db: Db): Promise<{ seq: bigint; hash: string }> {
  const last = await db.query<{ seq: string; hash: string }>(
    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
  );
  if (last.rows[0]) return { seq: BigInt(last.rows[0].seq), hash: last.rows[0].hash };
  const checkpoint = await latestCheckpoint(db);
  if (checkpoint) return { seq: BigInt(checkpoint.prunedThrough), hash: checkpoint.lastHash };
  return { seq: 0n, hash: GENESIS_HASH };
}

/**
 * Appends one entry at the head of the chain. Given a pool it runs its own transaction; given a client
 * it joins the caller's transaction (which must be open: the lock is transaction-scoped), so an action
 * and its entry can commit together. The time is the database's, read under the lock, so entries from
 * agents with skewed clocks still carry non-decreasing times in seq order.
 */
export async function appendAudit(
  db: Db,
  node: string,
  action: AuditAction,
  key: Buffer,
): Promise<AuditRecord> {
  return transaction(db, async (client) => {
    await client.query(APPEND_LOCK);
    const previous = await head(client);
    const now = await client.query<{ at: Date }>(
      "SELECT date_trunc('milliseconds', clock_timestamp()) AS at",
    );
    const entry = {
      seq: (previous.seq + 1n).toString(),
      at: now.rows[0]!.at,
      operator: clip(action.operator, LIMITS.operator),
      role: action.role,
      source: action.source,
      action: clip(action.action, LIMITS.action),
      target: clip(action.target, LIMITS.target),
      reason: clip(action.reason, LIMITS.reason),
      result: clip(action.result, LIMITS.result),
      node: clip(node, LIMITS.node),
    };
    const record: AuditRecord = {
      ...entry,
      prevHash: previous.hash,
      hash: entryHash(key, previous.hash, entry),
    };
    await client.query(
      `INSERT INTO audit_log (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        record.seq,
        record.at,
        record.operator,
        record.role,
        record.source,
        record.action,
        record.target,
        record.reason,
        record.result,
        record.node,
        record.prevHash,
        record.hash,
      ],
    );
    return record;
  });
}

export interface AuditFilter {
  operator?: string | undefined;
  /** Prefix of the dotted action: "suspension." or "key.revoke". */
  action?: string | undefined;
  /** Substring of the target. */
  target?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** The node that recorded it (exact name). */
  node?: string | undefined;
  limit?: number | undefined;
}

const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Entries matching every given condition, newest first (at most `limit`, default 100). */
export async function listAudit(db: Db, filter: AuditFilter = {}): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (filter.operator) add("operator = ?", filter.operator);
  if (filter.action) add("action LIKE ?", likePrefix(filter.action));
  if (filter.target) add("strpos(target, ?) > 0", filter.target);
  if (filter.since) add("at >= ?", filter.since);
  if (filter.until) add("at < ?", filter.until);
  if (filter.node) add("node = ?", filter.node);
  params.push(filter.limit ?? 100);
  const result = await db.query<Row>(
    `SELECT ${COLUMNS} FROM audit_log ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(fromRow);
}

/** Runs fn on one snapshot of the database, so a concurrent prune or append cannot tear a read. */
export function inSnapshot<T>(db: Db, fn: (client: Db) => Promise<T>): Promise<T> {
  return transaction(db, fn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

export interface AuditVerification {
  ok: boolean;
  /** Entries checked (those after the checkpoint). */
  entries: number;
  /** The first entry that fails (or is missing), as decimal text. */
  firstBadSeq?: string;
  problem?: string;
  /** Where verification started: the latest checkpoint's last pruned seq, "0" without one. */
  checkpointSeq: string;
}

const BATCH = 2000;

/**
 * Recomputes the chain from the latest checkpoint (whose signature is checked first) to the head, in
 * one snapshot. Catches an edited row (its hash no longer matches), a deleted row (a seq gap), a
 * reordered or re-linked row (prev_hash differs from the hash before it), and a forged or removed
 * checkpoint (bad signature; or a seq gap where the removed checkpoint's range begins). It cannot see
 * entries cut off the head, nor a chain recomputed end to end: compare the head with a copy for that.
 */
export async function verifyAudit(
  db: Db,
  key: Buffer,
  options: { throughSeq?: bigint } = {},
): Promise<AuditVerification> {
  return inSnapshot(db, async (client) => {
    const checkpoint = await latestCheckpoint(client);
    const checkpointSeq = checkpoint?.prunedThrough ?? "0";
    const fail = (entries: number, seq: bigint | string, problem: string): AuditVerification => ({
      ok: false,
      entries,
      firstBadSeq: seq.toString(),
      problem,
      checkpointSeq,
    });
    if (checkpoint && !checkpointValid(key, checkpoint)) {
      return fail(
        0,
        checkpoint.prunedThrough,
        `the pruning checkpoint up to entry ${checkpoint.prunedThrough} has a wrong signature: it was forged or altered (or this agent has another key pepper than the one that signed it)`,
      );
    }
    let previous = { seq: BigInt(checkpointSeq), hash: checkpoint?.lastHash ?? GENESIS_HASH };
    const stale = await client.query<{ seq: string }>(
      "SELECT seq FROM audit_log WHERE seq <= $1 ORDER BY seq LIMIT 1",
      [checkpointSeq],
    );
    if (stale.rows[0]) {
      return fail(
        0,
        stale.rows[0].seq,
        `entry ${stale.rows[0].seq} lies before the checkpoint, which says entries up to ${checkpointSeq} were pruned`,
      );
    }
    let entries = 0;
    for (;;) {
      const batch = await client.query<Row>(
        `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ${options.throughSeq ? "AND seq <= $3" : ""}
         ORDER BY seq LIMIT $2`,
        options.throughSeq
          ? [previous.seq.toString(), BATCH, options.throughSeq.toString()]
          : [previous.seq.toString(), BATCH],
      );
      for (const row of batch.rows) {
        const record = fromRow(row);
        const seq = BigInt(record.seq);
        const expected = previous.seq + 1n;
        if (seq !== expected) {
          const missing =
            seq - 1n === expected ? `entry ${expected} is` : `entries ${expected} to ${seq - 1n} are`;
          return fail(entries, expected, `${missing} missing: the chain goes from ${previous.seq} to ${seq}`);
        }
        if (record.prevHash !== previous.hash) {
          return fail(
            entries,
            seq,
            `entry ${seq} does not follow entry ${previous.seq} (prev_hash differs): entries were reordered, or one before it was replaced`,
          );
        }
        if (entryHash(key, record.prevHash, record) !== record.hash) {
          return fail(
            entries,
            seq,
            `entry ${seq} was changed after it was written: its hash does not match its contents`,
          );
        }
        entries += 1;
        previous = { seq, hash: record.hash };
      }
      if (batch.rows.length < BATCH) return { ok: true, entries, checkpointSeq };
    }
  });
}

export interface PruneResult {
  /** Entries deleted. */
  pruned: number;
  /** The checkpoint written, when anything was pruned. */
  checkpoint?: AuditCheckpoint;
}

/**
 * Deletes the entries older than `before` and leaves a signed checkpoint at the last one, so that the
 * rest still verifies. Only a prefix of the chain goes: it stops at the first entry not older than
 * `before`, so no younger entry is ever removed. It verifies what it is about to delete first and
 * refuses when that is broken: pruning must not wash away the evidence of tampering.
 *
 * Given a pool it runs its own transaction; given a client it joins the caller's (which must be open).
 */
export async function pruneAudit(
  db: Db,
  options: { before: Date; key: Buffer; node: string },
): Promise<PruneResult> {
  return transaction(db, async (client) => {
    // The append lock: no entry is added (and no head read) while the chain's start moves.
    await client.query(APPEND_LOCK);
    const cut = await client.query<{ seq: string | null }>(
      `SELECT COALESCE(
         (SELECT min(seq) - 1 FROM audit_log WHERE at >= $1),
         (SELECT max(seq) FROM audit_log)) AS seq`,
      [options.before],
    );
    const through = cut.rows[0]?.seq;
    const first = await client.query<{ seq: string }>("SELECT min(seq) AS seq FROM audit_log");
    if (!through || !first.rows[0]?.seq || BigInt(through) < BigInt(first.rows[0].seq)) return { pruned: 0 };
    const check = await verifyAudit(client, options.key, { throughSeq: BigInt(through) });
    if (!check.ok) {
      throw new Error(
        `The audit log is not pruned while it fails verification at entry ${check.firstBadSeq}: ${check.problem}`,
      );
    }
    const last = await client.query<{ hash: string }>("SELECT hash FROM audit_log WHERE seq = $1", [through]);
    const createdAt = (
      await client.query<{ at: Date }>("SELECT date_trunc('milliseconds', clock_timestamp()) AS at")
    ).rows[0]!.at;
    const unsigned = { prunedThrough: through, lastHash: last.rows[0]!.hash, createdAt, node: options.node };
    const checkpoint: AuditCheckpoint = { ...unsigned, signature: signCheckpoint(options.key, unsigned) };
    await client.query(
      `INSERT INTO audit_checkpoints (pruned_through, last_hash, created_at, node, signature)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        checkpoint.prunedThrough,
        checkpoint.lastHash,
        checkpoint.createdAt,
        checkpoint.node,
        checkpoint.signature,
      ],
    );
    // The trigger lets DELETE through only with this set, and SET LOCAL ends with the transaction.
    await client.query("SET LOCAL entrim.audit_pruning = 'on'");
    const deleted = await client.query("DELETE FROM audit_log WHERE seq <= $1", [through]);
    await client.query("SET LOCAL entrim.audit_pruning = 'off'");
    return { pruned: deleted.rowCount ?? 0, checkpoint };
  });
}
