// The people who log in to the portal for an account. Every read a route makes for a logged-in user
// names the session's account, so another account's user id finds nothing.
import { type Db, isPgError, randomId, StoreError, UNIQUE_VIOLATION } from "./db.js";

/** A portal role, as portal/context.ts names them (the store sits below the portal). */
export type PortalRole = "owner" | "developer" | "billing";

export interface PortalUser {
  id: string;
  accountId: string;
  email: string;
  name: string;
  role: PortalRole;
  passwordHash: string;
  passwordChangedAt: Date;
  emailVerifiedAt: Date | null;
  /** Sealed secret (see portal/totp.ts); set while enrolling and once enabled. */
  totpSecret: Buffer | null;
  totpEnabledAt: Date | null;
  totpLastStep: number | null;
  createdAt: Date;
}

const COLUMNS = `id, account_id, email, name, role, password_hash, password_changed_at, email_verified_at,
  totp_secret, totp_enabled_at, totp_last_step, created_at`;

export async function createPortalUser(
  db: Db,
  input: {
    accountId: string;
    email: string;
    name: string;
    role: PortalRole;
    passwordHash: string;
    emailVerified?: boolean;
  },
): Promise<PortalUser> {
  try {
    const { rows } = await db.query(
      `INSERT INTO portal_users (id, account_id, email, name, role, password_hash, email_verified_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END) RETURNING ${COLUMNS}`,
      [
        randomId("usr"),
        input.accountId,
        input.email,
        input.name,
        input.role,
        input.passwordHash,
        input.emailVerified ?? false,
      ],
    );
    return toUser(rows[0]);
  } catch (error) {
    if (isPgError(error, UNIQUE_VIOLATION))
      throw new StoreError("conflict", "A portal user with this email address already exists.");
    throw error;
  }
}

export async function findPortalUserByEmail(db: Db, email: string): Promise<PortalUser | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM portal_users WHERE lower(email) = lower($1)`, [
    email,
  ]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

/** A user of `accountId` only: another account's id reads as missing. */
export async function getPortalUser(
  db: Db,
  accountId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<PortalUser | undefined> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM portal_users WHERE id = $1 AND account_id = $2${options.forUpdate ? " FOR UPDATE" : ""}`,
    [id, accountId],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function listPortalUsers(db: Db, accountId: string): Promise<PortalUser[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM portal_users WHERE account_id = $1 ORDER BY created_at, id`,
    [accountId],
  );
  return rows.map(toUser);
}

/** Locks the account's owners (in the caller's transaction), so two demotions cannot both pass. */
export async function lockOwners(db: Db, accountId: string): Promise<string[]> {
  const { rows } = await db.query(
    "SELECT id FROM portal_users WHERE account_id = $1 AND role = 'owner' ORDER BY id FOR UPDATE",
    [accountId],
  );
  return rows.map((r) => r.id as string);
}

export async function setPortalUserRole(
  db: Db,
  accountId: string,
  id: string,
  role: PortalRole,
): Promise<PortalUser | undefined> {
  const { rows } = await db.query(
    `UPDATE portal_users SET role = $3 WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
    [id, accountId, role],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function deletePortalUser(db: Db, accountId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM portal_users WHERE id = $1 AND account_id = $2", [
    id,
    accountId,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function setPortalUserName(
  db: Db,
  accountId: string,
  id: string,
  name: string,
): Promise<PortalUser | undefined> {
  const { rows } = await db.query(
    `UPDATE portal_users SET name = $3 WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
    [id, accountId, name],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function setPortalUserPassword(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.query("UPDATE portal_users SET password_hash = $2, password_changed_at = now() WHERE id = $1", [
    id,
    passwordHash,
  ]);
}

export async function markPortalUserVerified(db: Db, id: string): Promise<void> {
  await db.query(
    "UPDATE portal_users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1",
    [id],
  );
}

/** Starts (or restarts) enrolment: a pending sealed secret, not yet enabled. */
export async function setPendingTotp(db: Db, id: string, sealed: Buffer): Promise<void> {
  await db.query(
    "UPDATE portal_users SET totp_secret = $2, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1",
    [id, sealed],
  );
}

/**
 * Records `step` as the last accepted TOTP step, only if it is later than the one stored: false means
 * the code was already used (a replay, or a race with another login using the same code).
 */
export async function acceptTotpStep(
  db: Db,
  id: string,
  step: number,
  options: { enable?: boolean } = {},
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE portal_users SET totp_last_step = $2,
       totp_enabled_at = CASE WHEN $3 THEN now() ELSE totp_enabled_at END
     WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)`,
    [id, step, options.enable ?? false],
  );
  return (rowCount ?? 0) > 0;
}

export async function clearTotp(db: Db, id: string): Promise<void> {
  await db.query(
    "UPDATE portal_users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1",
    [id],
  );
}

function toUser(row: Record<string, unknown>): PortalUser {
  return {
    id: row.id as string,
    accountId: row.account_id as string,
    email: row.email as string,
    name: row.name as string,
    role: row.role as PortalRole,
    passwordHash: row.password_hash as string,
    passwordChangedAt: row.password_changed_at as Date,
    emailVerifiedAt: (row.email_verified_at as Date | null) ?? null,
    totpSecret: (row.totp_secret as Buffer | null) ?? null,
    totpEnabledAt: (row.totp_enabled_at as Date | null) ?? null,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    createdAt: row.created_at as Date,
  };
}

/** Evidence of consent: the terms and privacy versions the user accepted, when, and the age confirmation. */
export async function recordTermsAcceptance(
  db: Db,
  input: { accountId: string; userId: string; termsVersion: string; privacyVersion: string; now: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO terms_acceptances (account_id, user_id, document, version, accepted_at, age_confirmed)
     VALUES ($1, $2, 'terms', $3, $5, true), ($1, $2, 'privacy', $4, $5, true)`,
    [input.accountId, input.userId, input.termsVersion, input.privacyVersion, input.now],
  );
}

/** The account as its portal users see it (billing identity included). */
export interface PortalAccountView {
  id: string;
  name: string;
  company: string | null;
  status: string;
  billingAddress: string | null;
  country: string | null;
  vatId: string | null;
}

export async function getPortalAccount(db: Db, accountId: string): Promise<PortalAccountView | undefined> {
  const { rows } = await db.query(
    "SELECT id, name, company, status, billing_address, country, vat_id FROM accounts WHERE id = $1",
    [accountId],
  );
  const row = rows[0];
  return row
    ? {
        id: row.id,
        name: row.name,
        company: row.company ?? null,
        status: row.status,
        billingAddress: row.billing_address ?? null,
        country: row.country ?? null,
        vatId: row.vat_id ?? null,
      }
    : undefined;
}
