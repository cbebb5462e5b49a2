// Logged-in browsers. The cookie's token is never stored: only its SHA-256, so a database dump holds
// nothing that logs in. Times come from the caller's clock (tests inject one), never the database's.
import { type Db, randomId } from "./db.js";

export interface PortalSession {
  id: string;
  userId: string;
  accountId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute end; the idle end is lastSeenAt + the configured idle time. */
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  endedAt: Date | null;
}

const COLUMNS = "id, user_id, account_id, created_at, last_seen_at, expires_at, ip, user_agent, ended_at";

export async function createPortalSession(
  db: Db,
  input: {
    tokenHash: Buffer;
    userId: string;
    accountId: string;
    now: Date;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<PortalSession> {
  const { rows } = await db.query(
    `INSERT INTO portal_sessions (id, token_hash, user_id, account_id, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [
      randomId("ses"),
      input.tokenHash,
      input.userId,
      input.accountId,
      input.now,
      input.expiresAt,
      input.ip?.slice(0, 64) ?? null,
      input.userAgent?.slice(0, 400) ?? null,
    ],
  );
  return toSession(rows[0]);
}

/**
 * The open (not ended) session with this token hash and its user's role now (a role change applies at
 * the next request), whatever its expiry: the caller judges that with its clock.
 */
export async function findPortalSession(
  db: Db,
  tokenHash: Buffer,
): Promise<(PortalSession & { role: "owner" | "developer" | "billing" }) | undefined> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS.split(", ")
      .map((c) => `s.${c}`)
      .join(", ")}, u.role
     FROM portal_sessions s JOIN portal_users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.ended_at IS NULL`,
    [tokenHash],
  );
  return rows[0] ? { ...toSession(rows[0]), role: rows[0].role } : undefined;
}

export async function touchPortalSession(db: Db, id: string, now: Date): Promise<void> {
  await db.query("UPDATE portal_sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $2", [
    id,
    now,
  ]);
}

/** The user's sessions still open at `now` (ended ones and expired ones left out). */
export async function listPortalSessions(
  db: Db,
  userId: string,
  now: Date,
  idleMs: number,
): Promise<PortalSession[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM portal_sessions
     WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2
       AND last_seen_at > $2::timestamptz - make_interval(secs => $3::double precision / 1000)
     ORDER BY created_at DESC, id`,
    [userId, now, idleMs],
  );
  return rows.map(toSession);
}

/** Ends one of the user's sessions; false when the id is not one of theirs (or already ended). */
export async function endPortalSession(db: Db, userId: string, id: string, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE portal_sessions SET ended_at = $3 WHERE id = $1 AND user_id = $2 AND ended_at IS NULL",
    [id, userId, now],
  );
  return (rowCount ?? 0) > 0;
}

/** Ends every session of the user, but `keep` when given; returns how many ended. */
export async function endPortalSessionsOf(db: Db, userId: string, now: Date, keep?: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE portal_sessions SET ended_at = $2
     WHERE user_id = $1 AND ended_at IS NULL AND ($3::text IS NULL OR id <> $3)`,
    [userId, now, keep ?? null],
  );
  return rowCount ?? 0;
}

/** Deletes ended sessions and those past their absolute or idle end; idempotent, any agent may run it. */
export async function deleteStalePortalSessions(db: Db, now: Date, idleMs: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM portal_sessions
     WHERE ended_at IS NOT NULL OR expires_at <= $1
        OR last_seen_at <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)`,
    [now, idleMs],
  );
  return rowCount ?? 0;
}

function toSession(row: Record<string, unknown>): PortalSession {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    accountId: row.account_id as string,
    createdAt: row.created_at as Date,
    lastSeenAt: row.last_seen_at as Date,
    expiresAt: row.expires_at as Date,
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    endedAt: (row.ended_at as Date | null) ?? null,
  };
}
