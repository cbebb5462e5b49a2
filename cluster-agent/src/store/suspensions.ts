import { CidrError, formatCidr, parseCidr } from "../domain/cidr.js";
import { type Db, isPgError, randomId, StoreError, transaction } from "./db.js";

export const SUSPENSION_REASONS = ["abuse", "non_payment", "security", "legal", "customer_request"] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];
export const SUSPENSION_STATES = ["warned", "suspended"] as const;
export type SuspensionState = (typeof SUSPENSION_STATES)[number];
export const TARGET_TYPES = ["account", "key", "ip"] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export interface Suspension {
  id: string;
  targetType: TargetType;
  /** Account id, key id, or the network as PostgreSQL prints a cidr ("10.0.0.0/8", "1.2.3.4/32"). */
  target: string;
  state: SuspensionState;
  reason: SuspensionReason;
  note: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  createdBy: string;
  liftedAt: Date | null;
  liftedBy: string | null;
  liftReason: string | null;
  /** Not lifted and not expired, as of the query. */
  active: boolean;
}

export interface NewSuspension {
  targetType: TargetType;
  target: string;
  state: SuspensionState;
  reason: SuspensionReason;
  note?: string | undefined;
  expiresAt?: Date | undefined;
  /** "cli:<user>", "agent:<node>", an operator's name. */
  createdBy: string;
}

const COLUMNS = `s.id, s.target_type, coalesce(s.account_id, s.key_id, s.network::text) AS target, s.state,
  s.reason, s.note, s.expires_at, s.created_at, s.created_by, s.lifted_at, s.lifted_by, s.lift_reason,
  (s.lifted_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())) AS active`;
const ACTIVE = "s.lifted_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())";
const TARGET_COLUMN = { account: "account_id", key: "key_id", ip: "network" } as const;

/** Validates the target and returns it as stored: a network in canonical form, ids unchanged. */
export function normalizeTarget(targetType: TargetType, target: string): string {
  if (targetType !== "ip") return target.trim();
  try {
    return formatCidr(parseCidr(target));
  } catch (error) {
    if (error instanceof CidrError) throw new StoreError("invalid", error.message);
    throw error;
  }
}

/**
 * Records a suspension or warning; every agent enforces it within moments (trigger + NOTIFY). A target
 * holds one open row at a time, so a new one lifts the previous one ("superseded"), e.g. a warning
 * followed by a suspension.
 */
export async function createSuspension(db: Db, input: NewSuspension): Promise<Suspension> {
  const target = normalizeTarget(input.targetType, input.target);
  const note = input.note?.trim() || null;
  if (note && note.length > 1000)
    throw new StoreError("invalid", "The note must be at most 1000 characters.");
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw new StoreError("invalid", "The expiry must lie in the future.");
  }
  const column = TARGET_COLUMN[input.targetType];
  const id = randomId("susp");
  try {
    return await transaction(db, async (client) => {
      // Two operators (or agents) suspending one target at once queue here instead of colliding.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
        `suspension:${input.targetType}:${target}`,
      ]);
      await client.query(
        `UPDATE suspensions SET
           lifted_at = CASE WHEN expires_at <= now() THEN expires_at ELSE now() END,
           lifted_by = CASE WHEN expires_at <= now() THEN 'expiry' ELSE $2 END,
           lift_reason = CASE WHEN expires_at <= now() THEN 'expired' ELSE 'superseded by ' || $3 END
         WHERE target_type = $4 AND ${column} = $1 AND lifted_at IS NULL`,
        [target, input.createdBy, id, input.targetType],
      );
      const result = await client.query(
        `INSERT INTO suspensions AS s (id, target_type, ${column}, state, reason, note, expires_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [
          id,
          input.targetType,
          target,
          input.state,
          input.reason,
          note,
          input.expiresAt ?? null,
          input.createdBy,
        ],
      );
      return toSuspension(result.rows[0]);
    });
  } catch (error) {
    if (isPgError(error, "23503")) {
      const what = input.targetType === "account" ? "account" : "API key";
      throw new StoreError("not_found", `There is no ${what} ${target}.`);
    }
    if (isPgError(error, "23514"))
      throw new StoreError("invalid", `Invalid suspension: ${(error as Error).message}.`);
    throw error;
  }
}

/** Lifts the open suspension (or warning) of a target. Expired ones are already lifted in effect. */
export async function liftSuspension(
  db: Db,
  input: { targetType: TargetType; target: string; liftedBy: string; reason: string },
): Promise<Suspension> {
  const target = normalizeTarget(input.targetType, input.target);
  const reason = input.reason.trim();
  if (!reason || reason.length > 1000) {
    throw new StoreError("invalid", "Say why the suspension is lifted (1 to 1000 characters).");
  }
  const column = TARGET_COLUMN[input.targetType];
  const result = await db.query(
    `UPDATE suspensions AS s SET lifted_at = now(), lifted_by = $2, lift_reason = $3
     WHERE s.target_type = $4 AND s.${column} = $1 AND ${ACTIVE} RETURNING ${COLUMNS}`,
    [target, input.liftedBy, reason, input.targetType],
  );
  if (result.rows[0]) return toSuspension(result.rows[0]);
  throw new StoreError(
    "not_found",
    `${input.targetType === "ip" ? "Network" : "Target"} ${target} has no active suspension or warning.`,
  );
}

export interface SuspensionFilter {
  activeOnly?: boolean;
  /** The account's own suspensions and its keys'. */
  accountId?: string;
  targetType?: TargetType;
  /** With targetType: one target (an account id, key id, or a network as stored). */
  target?: string;
  limit?: number;
}

export async function listSuspensions(db: Db, filter: SuspensionFilter = {}): Promise<Suspension[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM suspensions s
     WHERE ($1::boolean IS NOT TRUE OR (${ACTIVE}))
       AND ($2::text IS NULL OR s.account_id = $2
            OR s.key_id IN (SELECT k.id FROM api_keys k WHERE k.account_id = $2))
       AND ($3::text IS NULL OR s.target_type = $3)
       AND ($5::text IS NULL OR coalesce(s.account_id, s.key_id, s.network::text) = $5)
     ORDER BY s.created_at DESC, s.id LIMIT $4`,
    [
      filter.activeOnly ?? false,
      filter.accountId ?? null,
      filter.targetType ?? null,
      filter.limit ?? 1000,
      filter.target && filter.targetType ? normalizeTarget(filter.targetType, filter.target) : null,
    ],
  );
  return result.rows.map(toSuspension);
}

export async function getSuspension(db: Db, id: string): Promise<Suspension | undefined> {
  const result = await db.query(`SELECT ${COLUMNS} FROM suspensions s WHERE s.id = $1`, [id]);
  return result.rows[0] ? toSuspension(result.rows[0]) : undefined;
}

/** The rows with these ids, whatever their state: what an agent re-reads when NOTIFY names them. */
export async function getSuspensionsByIds(db: Db, ids: string[]): Promise<Suspension[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM suspensions s WHERE s.id = ANY($1::text[])`, [ids]);
  return result.rows.map(toSuspension);
}

/** What the agents' caches load: every suspension in force right now. */
export function listActiveSuspensions(db: Db): Promise<Suspension[]> {
  return listSuspensions(db, { activeOnly: true, limit: 1_000_000 });
}

function toSuspension(row: Record<string, unknown>): Suspension {
  return {
    id: row.id as string,
    targetType: row.target_type as TargetType,
    target: row.target as string,
    state: row.state as SuspensionState,
    reason: row.reason as SuspensionReason,
    note: (row.note as string | null) ?? null,
    expiresAt: (row.expires_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
    liftedAt: (row.lifted_at as Date | null) ?? null,
    liftedBy: (row.lifted_by as string | null) ?? null,
    liftReason: (row.lift_reason as string | null) ?? null,
    active: row.active as boolean,
  };
}
