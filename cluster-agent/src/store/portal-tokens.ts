// One-time links sent by email (address verification, password reset, team invitations). Only the
// token's SHA-256 is stored; using one marks it used in the same statement that reads it, so a link
// works once even when two browsers open it at the same moment.
import { type Db, randomId } from "./db.js";

/** A portal role, as portal/context.ts names them (the store sits below the portal). */
type PortalRole = "owner" | "developer" | "billing";

export type PortalTokenPurpose = "verify_email" | "reset_password" | "invite";

export interface PortalToken {
  id: string;
  purpose: PortalTokenPurpose;
  accountId: string;
  userId: string | null;
  email: string | null;
  role: PortalRole | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

const COLUMNS = "id, purpose, account_id, user_id, email, role, created_by, created_at, expires_at, used_at";

export async function createPortalToken(
  db: Db,
  input: {
    tokenHash: Buffer;
    purpose: PortalTokenPurpose;
    accountId: string;
    userId?: string | null;
    email?: string | null;
    role?: PortalRole | null;
    createdBy?: string | null;
    now: Date;
    expiresAt: Date;
  },
): Promise<PortalToken> {
  const { rows } = await db.query(
    `INSERT INTO portal_tokens (token_hash, id, purpose, account_id, user_id, email, role, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [
      input.tokenHash,
      randomId("tok"),
      input.purpose,
      input.accountId,
      input.userId ?? null,
      input.email ?? null,
      input.role ?? null,
      input.createdBy ?? null,
      input.now,
      input.expiresAt,
    ],
  );
  return toToken(rows[0]);
}

/** The unused, unexpired token of this purpose, without using it (an invitation page reads it first). */
export async function peekPortalToken(
  db: Db,
  tokenHash: Buffer,
  purpose: PortalTokenPurpose,
  now: Date,
): Promise<PortalToken | undefined> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM portal_tokens
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
    [tokenHash, purpose, now],
  );
  return rows[0] ? toToken(rows[0]) : undefined;
}

/** Uses the token: returns it once, and never again (used, expired or unknown: undefined). */
export async function consumePortalToken(
  db: Db,
  tokenHash: Buffer,
  purpose: PortalTokenPurpose,
  now: Date,
): Promise<PortalToken | undefined> {
  const { rows } = await db.query(
    `UPDATE portal_tokens SET used_at = $3
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING ${COLUMNS}`,
    [tokenHash, purpose, now],
  );
  return rows[0] ? toToken(rows[0]) : undefined;
}

/** Marks the user's other open tokens of a purpose used: a new reset link voids the older ones. */
export async function voidPortalTokens(
  db: Db,
  userId: string,
  purpose: PortalTokenPurpose,
  now: Date,
): Promise<void> {
  await db.query(
    "UPDATE portal_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
    [userId, purpose, now],
  );
}

/** The account's open invitations. */
export async function listPortalInvites(db: Db, accountId: string, now: Date): Promise<PortalToken[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM portal_tokens
     WHERE account_id = $1 AND purpose = 'invite' AND used_at IS NULL AND expires_at > $2
     ORDER BY created_at, id`,
    [accountId, now],
  );
  return rows.map(toToken);
}

/** Withdraws an open invitation of this account; false for another account's id or a used one. */
export async function withdrawPortalInvite(
  db: Db,
  accountId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE portal_tokens SET used_at = $3
     WHERE id = $1 AND account_id = $2 AND purpose = 'invite' AND used_at IS NULL AND expires_at > $3`,
    [id, accountId, now],
  );
  return (rowCount ?? 0) > 0;
}

/** Deletes used and expired tokens; idempotent, any agent may run it. */
export async function deleteStalePortalTokens(db: Db, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM portal_tokens WHERE used_at IS NOT NULL OR expires_at <= $1",
    [now],
  );
  return rowCount ?? 0;
}

function toToken(row: Record<string, unknown>): PortalToken {
  return {
    id: row.id as string,
    purpose: row.purpose as PortalTokenPurpose,
    accountId: row.account_id as string,
    userId: (row.user_id as string | null) ?? null,
    email: (row.email as string | null) ?? null,
    role: (row.role as PortalRole | null) ?? null,
    createdBy: (row.created_by as string | null) ?? null,
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date,
    usedAt: (row.used_at as Date | null) ?? null,
  };
}
