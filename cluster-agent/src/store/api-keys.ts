import { generateApiKey, hashSecret, isApiKeyId } from "../domain/api-key.js";
import type { AccountStatus } from "./accounts.js";
import { type Db, isPgError, StoreError, UNIQUE_VIOLATION } from "./db.js";

/** What operators and customers may see of a key: never its secret or HMAC. */
export interface ApiKeyInfo {
  id: string;
  accountId: string;
  name: string;
  createdAt: Date;
  createdBy: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** After this instant every agent refuses the key as it refuses a revoked one; null: never. */
  expiresAt: Date | null;
}

/** What admission needs to verify a presented key; stays inside the agent. */
export interface ApiKeyCredential {
  id: string;
  accountId: string;
  hmac: Buffer;
  revoked: boolean;
  accountStatus: AccountStatus;
  /** Epoch milliseconds, checked against the agent's clock at each authentication; null: never. */
  expiresAt: number | null;
}

export interface NewApiKey {
  accountId: string;
  name?: string | undefined;
  /** Who asked for it (operator name, "cli:<user>"): keys are security-relevant. */
  createdBy: string;
  pepper: Buffer;
  /** Optional end of the key's life (must lie after its creation). */
  expiresAt?: Date | null | undefined;
}

/** The longest life a key may be given at creation. */
export const MAX_KEY_LIFETIME_DAYS = 731;

const INFO =
  "k.id, k.account_id, k.name, k.created_at, k.created_by, k.last_used_at, k.revoked_at, k.expires_at";

/** Returns the token exactly once: only its HMAC is stored, so it cannot be shown again. */
export async function createApiKey(db: Db, input: NewApiKey): Promise<{ key: ApiKeyInfo; token: string }> {
  const name = input.name?.trim() ?? "";
  if (name.length > 200) throw new StoreError("invalid", "The key name must be at most 200 characters.");
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null) checkExpiry(expiresAt, new Date());
  // A 60-bit id collides practically never; one retry turns "practically" into "never".
  for (let attempt = 0; ; attempt++) {
    const generated = generateApiKey();
    try {
      const result = await db.query(
        `INSERT INTO api_keys AS k (id, account_id, name, hmac, created_by, expires_at)
         SELECT $1, a.id, $3, $4, $5, $6 FROM accounts a WHERE a.id = $2 AND a.status <> 'closed'
         RETURNING ${INFO}`,
        [
          generated.id,
          input.accountId,
          name,
          hashSecret(generated.secret, input.pepper),
          input.createdBy,
          expiresAt,
        ],
      );
      if (result.rows[0]) return { key: toInfo(result.rows[0]), token: generated.token };
    } catch (error) {
      if (isPgError(error, UNIQUE_VIOLATION) && attempt === 0) continue;
      throw error;
    }
    const account = await db.query("SELECT status FROM accounts WHERE id = $1", [input.accountId]);
    if (!account.rows[0]) throw new StoreError("not_found", `There is no account ${input.accountId}.`);
    throw new StoreError("invalid", `Account ${input.accountId} is closed; closed accounts get no new keys.`);
  }
}

/** An expiry must lie in the future and at most MAX_KEY_LIFETIME_DAYS (about two years) ahead. */
export function checkExpiry(expiresAt: Date, now: Date): void {
  if (Number.isNaN(expiresAt.getTime())) throw new StoreError("invalid", "The expiry is not a date.");
  if (expiresAt.getTime() <= now.getTime())
    throw new StoreError("invalid", "The expiry must lie in the future.");
  if (expiresAt.getTime() > now.getTime() + MAX_KEY_LIFETIME_DAYS * 86_400_000)
    throw new StoreError("invalid", "The expiry may be at most two years ahead.");
}

export async function getApiKey(db: Db, id: string): Promise<ApiKeyInfo | undefined> {
  if (!isApiKeyId(id)) return undefined;
  const result = await db.query(`SELECT ${INFO} FROM api_keys k WHERE k.id = $1`, [id]);
  return result.rows[0] ? toInfo(result.rows[0]) : undefined;
}

export async function listApiKeys(db: Db, filter: { accountId?: string } = {}): Promise<ApiKeyInfo[]> {
  const result = await db.query(
    `SELECT ${INFO} FROM api_keys k WHERE ($1::text IS NULL OR k.account_id = $1) ORDER BY k.created_at, k.id`,
    [filter.accountId ?? null],
  );
  return result.rows.map(toInfo);
}

/** One key of one account: another account's key is not found, exactly like a missing one. */
export async function getApiKeyOf(db: Db, accountId: string, id: string): Promise<ApiKeyInfo | undefined> {
  if (!isApiKeyId(id)) return undefined;
  const result = await db.query(`SELECT ${INFO} FROM api_keys k WHERE k.id = $1 AND k.account_id = $2`, [
    id,
    accountId,
  ]);
  return result.rows[0] ? toInfo(result.rows[0]) : undefined;
}

/**
 * Revokes a key of this account (the account is part of the statement, not checked afterwards): a key
 * of another account is "not found". Revoking a revoked key is a conflict.
 */
export async function revokeApiKeyOf(db: Db, accountId: string, id: string): Promise<ApiKeyInfo> {
  if (!isApiKeyId(id)) throw new StoreError("not_found", "There is no such API key.");
  const result = await db.query(
    `UPDATE api_keys k SET revoked_at = now() WHERE k.id = $1 AND k.account_id = $2 AND k.revoked_at IS NULL
     RETURNING ${INFO}`,
    [id, accountId],
  );
  if (result.rows[0]) return toInfo(result.rows[0]);
  const existing = await getApiKeyOf(db, accountId, id);
  if (!existing) throw new StoreError("not_found", "There is no such API key.");
  throw new StoreError(
    "conflict",
    `API key ${id} was already revoked at ${existing.revokedAt?.toISOString()}.`,
  );
}

/** Revokes every key of an account at once (a closure request); returns how many were still usable. */
export async function revokeAllKeysOf(db: Db, accountId: string): Promise<number> {
  const result = await db.query(
    "UPDATE api_keys SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL",
    [accountId],
  );
  return result.rowCount ?? 0;
}

/** Every agent stops accepting the key within moments (trigger + NOTIFY to their caches). */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyInfo> {
  const result = await db.query(
    `UPDATE api_keys k SET revoked_at = now() WHERE k.id = $1 AND k.revoked_at IS NULL RETURNING ${INFO}`,
    [id],
  );
  if (result.rows[0]) return toInfo(result.rows[0]);
  const existing = await getApiKey(db, id);
  if (!existing) throw new StoreError("not_found", `There is no API key ${id}.`);
  throw new StoreError(
    "conflict",
    `API key ${id} was already revoked at ${existing.revokedAt?.toISOString()}.`,
  );
}

const CREDENTIAL = `SELECT k.id, k.account_id, k.hmac, k.revoked_at IS NOT NULL AS revoked, a.status AS account_status,
    k.expires_at
  FROM api_keys k JOIN accounts a ON a.id = k.account_id`;

export async function getApiKeyCredential(db: Db, id: string): Promise<ApiKeyCredential | undefined> {
  const result = await db.query(`${CREDENTIAL} WHERE k.id = $1`, [id]);
  return result.rows[0] ? toCredential(result.rows[0]) : undefined;
}

/** The keys that can authenticate right now: not revoked, of active accounts. */
/**
 * The credentials of these keys and of every key of these accounts, revoked or not, with the accounts'
 * statuses (an account without keys too): what an agent re-reads when NOTIFY names them.
 */
export async function readCredentialsFor(
  db: Db,
  ids: { keyIds: string[]; accountIds: string[] },
): Promise<{ credentials: ApiKeyCredential[]; accountStatuses: Map<string, AccountStatus> }> {
  const keys = await db.query(
    `${CREDENTIAL} WHERE k.id = ANY($1::text[]) OR k.account_id = ANY($2::text[])`,
    [ids.keyIds, ids.accountIds],
  );
  const accounts = ids.accountIds.length
    ? await db.query("SELECT id, status FROM accounts WHERE id = ANY($1::text[])", [ids.accountIds])
    : { rows: [] };
  return {
    credentials: keys.rows.map(toCredential),
    accountStatuses: new Map(accounts.rows.map((r) => [r.id as string, r.status as AccountStatus])),
  };
}

export async function listUsableCredentials(db: Db): Promise<ApiKeyCredential[]> {
  const result = await db.query(`${CREDENTIAL} WHERE k.revoked_at IS NULL AND a.status = 'active'`);
  return result.rows.map(toCredential);
}

/** Batched by the key cache; only moves forward, so agents flushing out of order cannot go back. */
export async function recordKeyUsage(db: Db, lastUsed: Map<string, number>): Promise<void> {
  if (lastUsed.size === 0) return;
  await db.query(
    `UPDATE api_keys k SET last_used_at = greatest(k.last_used_at, u.at)
     FROM (SELECT unnest($1::text[]) AS id, unnest($2::timestamptz[]) AS at) u WHERE k.id = u.id`,
    [[...lastUsed.keys()], [...lastUsed.values()].map((ms) => new Date(ms))],
  );
}

function toInfo(row: Record<string, unknown>): ApiKeyInfo {
  return {
    id: row.id as string,
    accountId: row.account_id as string,
    name: row.name as string,
    createdAt: row.created_at as Date,
    createdBy: row.created_by as string,
    lastUsedAt: (row.last_used_at as Date | null) ?? null,
    revokedAt: (row.revoked_at as Date | null) ?? null,
    expiresAt: (row.expires_at as Date | null) ?? null,
  };
}

function toCredential(row: Record<string, unknown>): ApiKeyCredential {
  return {
    id: row.id as string,
    accountId: row.account_id as string,
    hmac: row.hmac as Buffer,
    revoked: row.revoked as boolean,
    accountStatus: row.account_status as AccountStatus,
    expiresAt: (row.expires_at as Date | null)?.getTime() ?? null,
  };
}
