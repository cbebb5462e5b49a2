import { CHECK_VIOLATION, type Db, isPgError, randomId, StoreError, UNIQUE_VIOLATION } from "./db.js";

export const ACCOUNT_STATUSES = ["active", "restricted", "closed"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface Account {
  id: string;
  name: string;
  email: string;
  company: string | null;
  status: AccountStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAccount {
  name: string;
  email: string;
  company?: string | null | undefined;
}

const COLUMNS = "id, name, email, company, status, created_at, updated_at";

// Deliberately loose (the mail server is the real validator) but it catches typos such as a missing
// domain; the database enforces the same shape.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= 320 && EMAIL.test(email);
}

export async function createAccount(db: Db, input: NewAccount): Promise<Account> {
  const name = input.name.trim();
  const email = input.email.trim();
  const company = input.company?.trim() || null;
  if (!name || name.length > 200)
    throw new StoreError("invalid", "The account name must be 1 to 200 characters.");
  if (!isValidEmail(email)) throw new StoreError("invalid", `"${email}" is not a valid email address.`);
  if (company && company.length > 200)
    throw new StoreError("invalid", "The company name must be at most 200 characters.");
  try {
    const result = await db.query(
      `INSERT INTO accounts (id, name, email, company) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [randomId("acct"), name, email, company],
    );
    return toAccount(result.rows[0]);
  } catch (error) {
    if (isPgError(error, UNIQUE_VIOLATION)) {
      throw new StoreError("conflict", `An open account with the email ${email} already exists.`);
    }
    if (isPgError(error, CHECK_VIOLATION))
      throw new StoreError("invalid", `Invalid account: ${error.message}`);
    throw error;
  }
}

export async function getAccount(db: Db, id: string): Promise<Account | undefined> {
  const result = await db.query(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [id]);
  return result.rows[0] ? toAccount(result.rows[0]) : undefined;
}

export async function listAccounts(
  db: Db,
  filter: { status?: AccountStatus; limit?: number } = {},
): Promise<Account[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM accounts WHERE ($1::text IS NULL OR status = $1)
     ORDER BY created_at, id LIMIT $2`,
    [filter.status ?? null, filter.limit ?? 10_000],
  );
  return result.rows.map(toAccount);
}

/** Every agent's key cache hears of the change (trigger + NOTIFY) and applies it at once. */
export async function setAccountStatus(db: Db, id: string, status: AccountStatus): Promise<Account> {
  if (!ACCOUNT_STATUSES.includes(status))
    throw new StoreError("invalid", `Unknown account status "${status}".`);
  const result = await db.query(`UPDATE accounts SET status = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [
    id,
    status,
  ]);
  if (!result.rows[0]) throw new StoreError("not_found", `There is no account ${id}.`);
  return toAccount(result.rows[0]);
}

function toAccount(row: Record<string, unknown>): Account {
  return {
    id: row.id as string,
    name: row.name as string,
    email: row.email as string,
    company: (row.company as string | null) ?? null,
    status: row.status as AccountStatus,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
