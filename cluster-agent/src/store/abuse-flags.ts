import { type Db, StoreError } from "./db.js";

export type AbuseSubjectType = "account" | "key" | "ip";

/** One moment a rule tripped: what was counted, never what was sent. */
export interface AbuseTimelineEntry {
  at: string;
  observed: number;
}

export interface AbuseEvidence {
  /** The rule's thresholds and the node that saw the trips. */
  [name: string]: number | string | boolean | null | AbuseTimelineEntry[] | undefined;
  timeline?: AbuseTimelineEntry[];
}

/** Trips of one rule for one subject, aggregated in memory between flushes. */
export interface AbuseTrip {
  subjectType: AbuseSubjectType;
  subject: string;
  rule: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
  evidence: AbuseEvidence;
}

export interface AbuseFlag extends AbuseTrip {
  id: string;
  status: "open" | "resolved";
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolvedNote: string | null;
}

/** Entries of the evidence timeline kept per flag: enough to see a pattern, bounded in size. */
export const TIMELINE_LIMIT = 20;

/**
 * Adds trips to the queue: a subject with an open flag for the rule counts up on it (and its timeline
 * keeps the latest entries), otherwise a new open flag appears. Safe for several agents at once.
 */
export async function upsertAbuseFlags(db: Db, trips: readonly AbuseTrip[]): Promise<void> {
  if (trips.length === 0) return;
  await db.query(
    `INSERT INTO abuse_flags AS f (subject_type, subject, rule, first_seen, last_seen, count, evidence)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                          $6::int[], $7::jsonb[])
     ON CONFLICT (subject_type, subject, rule) WHERE status = 'open' DO UPDATE SET
       first_seen = least(f.first_seen, excluded.first_seen),
       last_seen = greatest(f.last_seen, excluded.last_seen),
       count = f.count + excluded.count,
       evidence = f.evidence || excluded.evidence || jsonb_build_object('timeline', (
         SELECT coalesce(jsonb_agg(t ORDER BY n), '[]'::jsonb) FROM (
           SELECT t, n FROM jsonb_array_elements(
             coalesce(f.evidence -> 'timeline', '[]'::jsonb) || coalesce(excluded.evidence -> 'timeline', '[]'::jsonb)
           ) WITH ORDINALITY AS x(t, n) ORDER BY n DESC LIMIT ${TIMELINE_LIMIT}) latest))`,
    [
      trips.map((t) => t.subjectType),
      trips.map((t) => t.subject),
      trips.map((t) => t.rule),
      trips.map((t) => t.firstSeen),
      trips.map((t) => t.lastSeen),
      trips.map((t) => t.count),
      trips.map((t) => JSON.stringify(t.evidence)),
    ],
  );
}

const COLUMNS = `id::text, subject_type, subject, rule, first_seen, last_seen, count, evidence, status,
  resolved_by, resolved_at, resolved_note`;

function toFlag(row: Record<string, unknown>): AbuseFlag {
  return {
    id: row.id as string,
    subjectType: row.subject_type as AbuseSubjectType,
    subject: row.subject as string,
    rule: row.rule as string,
    firstSeen: row.first_seen as Date,
    lastSeen: row.last_seen as Date,
    count: row.count as number,
    evidence: row.evidence as AbuseEvidence,
    status: row.status as AbuseFlag["status"],
    resolvedBy: row.resolved_by as string | null,
    resolvedAt: row.resolved_at as Date | null,
    resolvedNote: row.resolved_note as string | null,
  };
}

/** Most recently active first. */
export async function listAbuseFlags(
  db: Db,
  filter: { open?: boolean; limit?: number } = {},
): Promise<AbuseFlag[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM abuse_flags WHERE (NOT $1 OR status = 'open')
      ORDER BY last_seen DESC, id DESC LIMIT $2`,
    [filter.open === true, filter.limit ?? 100],
  );
  return result.rows.map(toFlag);
}

export async function resolveAbuseFlag(db: Db, id: string, by: string, note: string): Promise<AbuseFlag> {
  if (!/^\d{1,18}$/.test(id)) throw new StoreError("invalid", `"${id}" is not an abuse flag id (a number).`);
  const trimmed = note.trim();
  if (trimmed.length === 0 || trimmed.length > 2000) {
    throw new StoreError("invalid", "The note must say what was done, in 1 to 2000 characters.");
  }
  const result = await db.query(
    `UPDATE abuse_flags SET status = 'resolved', resolved_by = $2, resolved_at = now(), resolved_note = $3
      WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}`,
    [id, by, trimmed],
  );
  if (result.rows[0]) return toFlag(result.rows[0]);
  const found = await db.query("SELECT status FROM abuse_flags WHERE id = $1", [id]);
  if (!found.rows[0]) throw new StoreError("not_found", `There is no abuse flag ${id}.`);
  throw new StoreError("conflict", `Abuse flag ${id} is already resolved.`);
}

/** Resolved flags are security records too: they go when the security retention says so. */
export async function deleteResolvedFlagsBefore(db: Db, cutoff: Date): Promise<number> {
  const result = await db.query("DELETE FROM abuse_flags WHERE status = 'resolved' AND resolved_at < $1", [
    cutoff,
  ]);
  return result.rowCount ?? 0;
}
