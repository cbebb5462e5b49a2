// The account's identity as its customer rectifies it in the portal (GDPR art. 16): name, company and
// the billing identity invoices print (migration 0017). The login email is changed elsewhere.
import { CHECK_VIOLATION, type Db, isPgError, StoreError } from "./db.js";

export interface AccountProfile {
  id: string;
  name: string;
  company: string | null;
  email: string;
  billingAddress: string | null;
  country: string | null;
  vatId: string | null;
  status: string;
  createdAt: Date;
}

/** null clears a field; undefined leaves it. */
export interface ProfileChange {
  name?: string;
  company?: string | null;
  billingAddress?: string | null;
  country?: string | null;
  vatId?: string | null;
}

const COLUMNS = "id, name, company, email, billing_address, country, vat_id, status, created_at";
const FIELDS = [
  ["name", "name"],
  ["company", "company"],
  ["billingAddress", "billing_address"],
  ["country", "country"],
  ["vatId", "vat_id"],
] as const;

export async function getProfile(db: Db, accountId: string): Promise<AccountProfile | undefined> {
  const result = await db.query(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [accountId]);
  return result.rows[0] ? toProfile(result.rows[0]) : undefined;
}

/** Validated by the caller; the table's CHECKs are the last word (a violation is "invalid"). */
export async function updateProfile(
  db: Db,
  accountId: string,
  change: ProfileChange,
): Promise<AccountProfile> {
  const sets: string[] = [];
  const params: unknown[] = [accountId];
  for (const [field, column] of FIELDS) {
    if (change[field] === undefined) continue;
    params.push(change[field]);
    sets.push(`${column} = $${params.length}`);
  }
  if (sets.length === 0) {
    const current = await getProfile(db, accountId);
    if (!current) throw new StoreError("not_found", "There is no such account.");
    return current;
  }
  try {
    const result = await db.query(
      `UPDATE accounts SET ${sets.join(", ")} WHERE id = $1 RETURNING ${COLUMNS}`,
      params,
    );
    if (!result.rows[0]) throw new StoreError("not_found", "There is no such account.");
    return toProfile(result.rows[0]);
  } catch (error) {
    if (isPgError(error, CHECK_VIOLATION)) throw new StoreError("invalid", "A profile field is not valid.");
    throw error;
  }
}

function toProfile(row: Record<string, unknown>): AccountProfile {
  return {
    id: row.id as string,
    name: row.name as string,
    company: (row.company as string | null) ?? null,
    email: row.email as string,
    billingAddress: (row.billing_address as string | null) ?? null,
    country: (row.country as string | null) ?? null,
    vatId: (row.vat_id as string | null) ?? null,
    status: row.status as string,
    createdAt: row.created_at as Date,
  };
}
