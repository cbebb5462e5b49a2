import { CHECK_VIOLATION, type Db, isPgError, StoreError } from "./db.js";

export const LIMIT_FIELDS = ["rpm", "tpm", "concurrency", "spendCapEur"] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

/** Cluster-wide limits; null = not set here (a key inherits its account's; an account is unlimited). */
export interface LimitValues {
  /** Requests per minute. */
  rpm: number | null;
  /** Tokens (prompt + completion) per minute. */
  tpm: number | null;
  /** Requests running at once. */
  concurrency: number | null;
  /** Spend per calendar month, EUR. */
  spendCapEur: number | null;
}

export interface LimitRecord extends LimitValues {
  accountId: string;
  /** null: the account's own limits (its total, and the default for its keys). */
  keyId: string | null;
  updatedAt: Date;
  updatedBy: string;
}

export interface LimitChange {
  accountId: string;
  keyId?: string | undefined;
  set: Partial<LimitValues>;
  clear?: readonly LimitField[];
  updatedBy: string;
}

const COLUMNS = "account_id, key_id, rpm, tpm, concurrency, spend_cap_eur, updated_at, updated_by";
const MAX_INT = 2_147_483_647;

function check(field: LimitField, value: number | null | undefined): void {
  if (value === null || value === undefined) return;
  if (field === "spendCapEur") {
    if (!Number.isFinite(value) || value < 0 || value >= 1e12)
      throw new StoreError("invalid", `The spend cap must be an amount in EUR, 0 or more (got ${value}).`);
    return;
  }
  const max = field === "tpm" ? Number.MAX_SAFE_INTEGER : MAX_INT;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new StoreError("invalid", `${field} must be a whole number from 1 to ${max} (got ${value}).`);
}

/**
 * Sets some limits of an account or key and clears others; fields named in neither keep their value.
 * Every agent's cache hears of it through the table's trigger (NOTIFY entrim_limits).
 */
export async function setLimits(db: Db, change: LimitChange): Promise<LimitRecord> {
  const clear = change.clear ?? [];
  for (const field of LIMIT_FIELDS) {
    check(field, change.set[field]);
    if (change.set[field] !== undefined && clear.includes(field))
      throw new StoreError("invalid", `${field} cannot be both set and cleared.`);
  }
  const keyId = change.keyId ?? null;
  const owner =
    keyId === null
      ? await db.query("SELECT id AS account_id FROM accounts WHERE id = $1", [change.accountId])
      : await db.query("SELECT account_id FROM api_keys WHERE id = $1", [keyId]);
  if (!owner.rows[0]) {
    throw new StoreError(
      "not_found",
      keyId === null ? `There is no account ${change.accountId}.` : `There is no API key ${keyId}.`,
    );
  }
  if (owner.rows[0].account_id !== change.accountId)
    throw new StoreError("invalid", `API key ${keyId} does not belong to account ${change.accountId}.`);

  const values = LIMIT_FIELDS.map((f) => change.set[f] ?? null);
  const touched = LIMIT_FIELDS.map((f) => change.set[f] !== undefined || clear.includes(f));
  const target = keyId === null ? "(account_id) WHERE key_id IS NULL" : "(key_id) WHERE key_id IS NOT NULL";
  const update = ["rpm", "tpm", "concurrency", "spend_cap_eur"]
    .map((c, i) => `${c} = CASE WHEN $${i + 8} THEN EXCLUDED.${c} ELSE rate_limits.${c} END`)
    .join(", ");
  try {
    const result = await db.query(
      `INSERT INTO rate_limits (account_id, key_id, rpm, tpm, concurrency, spend_cap_eur, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ${target} DO UPDATE SET ${update}, updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING ${COLUMNS}`,
      [change.accountId, keyId, ...values, change.updatedBy, ...touched],
    );
    return toLimits(result.rows[0]);
  } catch (error) {
    if (isPgError(error, CHECK_VIOLATION))
      throw new StoreError("invalid", `Invalid limits: ${error.message}`);
    throw error;
  }
}

/** The account's own row and, with a key, the key's. */
export async function getLimits(
  db: Db,
  accountId: string,
  keyId?: string,
): Promise<{ account: LimitRecord | undefined; key: LimitRecord | undefined }> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM rate_limits WHERE account_id = $1 AND (key_id IS NULL OR key_id = $2)`,
    [accountId, keyId ?? null],
  );
  const rows = result.rows.map(toLimits);
  return { account: rows.find((r) => r.keyId === null), key: rows.find((r) => r.keyId !== null) };
}

export async function listLimits(db: Db): Promise<LimitRecord[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM rate_limits ORDER BY account_id, key_id NULLS FIRST`);
  return result.rows.map(toLimits);
}

/** The rows of these accounts and keys: what an agent re-reads when NOTIFY names them. */
export async function listLimitsOf(
  db: Db,
  ids: { accountIds: string[]; keyIds: string[] },
): Promise<LimitRecord[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM rate_limits
     WHERE (account_id = ANY($1::text[]) AND key_id IS NULL) OR key_id = ANY($2::text[])`,
    [ids.accountIds, ids.keyIds],
  );
  return result.rows.map(toLimits);
}

export type LimitSource = "key" | "account" | "none";

/** What applies to a key's requests, field by field, and where each value comes from. */
export function effectiveLimits(
  account: LimitValues | undefined,
  key: LimitValues | undefined,
): Record<LimitField, { value: number | null; source: LimitSource }> {
  const pick = (field: LimitField) => {
    const own = key?.[field] ?? null;
    if (own !== null) return { value: own, source: "key" as const };
    const inherited = account?.[field] ?? null;
    return { value: inherited, source: inherited === null ? ("none" as const) : ("account" as const) };
  };
  return {
    rpm: pick("rpm"),
    tpm: pick("tpm"),
    concurrency: pick("concurrency"),
    spendCapEur: pick("spendCapEur"),
  };
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function toLimits(row: Record<string, unknown>): LimitRecord {
  return {
    accountId: row.account_id as string,
    keyId: (row.key_id as string | null) ?? null,
    rpm: num(row.rpm),
    tpm: num(row.tpm),
    concurrency: num(row.concurrency),
    spendCapEur: num(row.spend_cap_eur),
    updatedAt: row.updated_at as Date,
    updatedBy: row.updated_by as string,
  };
}
