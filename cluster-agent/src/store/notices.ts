// Service notices as accounts read them in the portal (migration 0017): posted by operators to every
// account (account_id NULL) or to one. Until the console's notices view exists, the CLI posts them.
import { CHECK_VIOLATION, type Db, isPgError, randomId, StoreError } from "./db.js";

export const NOTICE_KINDS = ["service", "maintenance", "terms", "model", "billing", "abuse"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Notice {
  id: string;
  /** null: every account reads it. */
  accountId: string | null;
  kind: NoticeKind;
  title: string;
  body: string;
  publishedAt: Date;
  expiresAt: Date | null;
  createdBy: string;
}

export interface NewNotice {
  accountId?: string | null | undefined;
  kind?: NoticeKind | undefined;
  title: string;
  body: string;
  expiresAt?: Date | null | undefined;
  createdBy: string;
}

const COLUMNS = "id, account_id, kind, title, body, published_at, expires_at, created_by";

export function isNoticeKind(value: unknown): value is NoticeKind {
  return typeof value === "string" && (NOTICE_KINDS as readonly string[]).includes(value);
}

export async function publishNotice(db: Db, input: NewNotice, now = new Date()): Promise<Notice> {
  const title = input.title.trim();
  const body = input.body.trim();
  const kind = input.kind ?? "service";
  if (!title || title.length > 200) throw new StoreError("invalid", "The title must be 1 to 200 characters.");
  if (!body || body.length > 5000) throw new StoreError("invalid", "The body must be 1 to 5000 characters.");
  if (!isNoticeKind(kind))
    throw new StoreError("invalid", `The kind must be one of ${NOTICE_KINDS.join(", ")}.`);
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime())
    throw new StoreError("invalid", "The expiry must lie in the future.");
  const accountId = input.accountId ?? null;
  if (accountId !== null) {
    const account = await db.query("SELECT 1 FROM accounts WHERE id = $1", [accountId]);
    if (!account.rows[0]) throw new StoreError("not_found", `There is no account ${accountId}.`);
  }
  try {
    const result = await db.query(
      `INSERT INTO notices (id, account_id, kind, title, body, published_at, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
      [randomId("ntc"), accountId, kind, title, body, now, input.expiresAt ?? null, input.createdBy],
    );
    return toNotice(result.rows[0]);
  } catch (error) {
    if (isPgError(error, CHECK_VIOLATION))
      throw new StoreError("invalid", `Invalid notice: ${error.message}`);
    throw error;
  }
}

/** What one account reads: its own notices and the global ones, not expired, newest first. */
export async function noticesFor(db: Db, accountId: string, now = new Date()): Promise<Notice[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM notices
     WHERE (account_id IS NULL OR account_id = $1) AND (expires_at IS NULL OR expires_at > $2)
     ORDER BY published_at DESC, id LIMIT 200`,
    [accountId, now],
  );
  return result.rows.map(toNotice);
}

/** Every notice, newest first (operators' list), optionally one account's only. */
export async function listNotices(db: Db, filter: { accountId?: string } = {}): Promise<Notice[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM notices WHERE $1::text IS NULL OR account_id = $1
     ORDER BY published_at DESC, id LIMIT 1000`,
    [filter.accountId ?? null],
  );
  return result.rows.map(toNotice);
}

function toNotice(row: Record<string, unknown>): Notice {
  return {
    id: row.id as string,
    accountId: (row.account_id as string | null) ?? null,
    kind: row.kind as NoticeKind,
    title: row.title as string,
    body: row.body as string,
    publishedAt: row.published_at as Date,
    expiresAt: (row.expires_at as Date | null) ?? null,
    createdBy: row.created_by as string,
  };
}
