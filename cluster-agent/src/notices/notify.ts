// One notice to one account: the portal row and the emails, in the caller's transaction, so a
// dunning step or an operator's action and the message about it commit (or roll back) together.
// Non-essential notices honour the account's opt-out; essential ones say why they cannot be turned off.
import { type Db, randomId, StoreError } from "../store/db.js";
import { enqueueMail } from "../store/mail.js";
import type { NoticeKind } from "../store/notices.js";

export interface AccountNotice {
  accountId: string;
  kind: NoticeKind;
  title: string;
  body: string;
  /** Contract, invoices, security: sent whatever the account's notification settings. */
  essential: boolean;
  /** Why this account receives it (a sentence for the footer), e.g. "You used gpt-x in the last 30 days." */
  reason?: string | undefined;
  link?: string | undefined;
  effectiveAt?: Date | undefined;
  model?: string | undefined;
  createdBy?: string | undefined;
  /** Set by notifyEveryAccount: the rows of one broadcast share it (operators see one message). */
  broadcastId?: string | undefined;
}

export interface NotifyResult {
  noticeId: string;
  /** Queued mail ids (empty when the account opted out or has no address). */
  mailIds: string[];
  optedOut: boolean;
}

export const ESSENTIAL_FOOTER =
  "This is a service message about your contract/invoices/security; it is sent whatever your notification settings.";
export const NON_ESSENTIAL_FOOTER =
  "You can turn off messages like this one in the portal, on the Account page under Notification settings.";

/** Kinds a developer needs to hear about too (they change what the code calling the API sees). */
const DEVELOPER_KINDS: ReadonlySet<NoticeKind> = new Set(["model", "maintenance"]);

export async function notifyAccount(db: Db, notice: AccountNotice, now = new Date()): Promise<NotifyResult> {
  const account = await db.query<{ email: string }>("SELECT email FROM accounts WHERE id = $1", [
    notice.accountId,
  ]);
  if (!account.rows[0]) throw new StoreError("not_found", `There is no account ${notice.accountId}.`);
  const noticeId = randomId("ntc");
  const optedOut = !notice.essential && !(await wantsNonEssential(db, notice.accountId));
  await db.query(
    `INSERT INTO notices (id, account_id, kind, title, body, published_at, created_by, essential, effective_at,
       model, broadcast_id, mail_skipped)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      noticeId,
      notice.accountId,
      notice.kind,
      notice.title.trim(),
      notice.link ? `${notice.body.trim()}\n\n${notice.link}` : notice.body.trim(),
      now,
      notice.createdBy ?? "entrim",
      notice.essential,
      notice.effectiveAt ?? null,
      notice.model ?? null,
      notice.broadcastId ?? null,
      optedOut ? "opted_out" : null,
    ],
  );
  if (optedOut) return { noticeId, mailIds: [], optedOut };
  const mailIds: string[] = [];
  for (const to of await recipients(db, notice.accountId, account.rows[0].email, notice.kind)) {
    const mailId = await enqueueMail(db, {
      kind: `notice.${notice.kind}`,
      accountId: notice.accountId,
      to,
      subject: notice.title.trim(),
      text: mailText(notice),
    });
    await db.query(
      "INSERT INTO notice_deliveries (notice_id, account_id, mail_id, channel) VALUES ($1, $2, $3, 'email')",
      [noticeId, notice.accountId, mailId],
    );
    mailIds.push(mailId);
  }
  return { noticeId, mailIds, optedOut };
}

export function mailText(notice: AccountNotice): string {
  return [
    notice.body.trim(),
    notice.link ? `\n${notice.link}` : "",
    notice.reason ? `\n${notice.reason}` : "",
    `\n-- \n${notice.essential ? ESSENTIAL_FOOTER : NON_ESSENTIAL_FOOTER}`,
  ]
    .filter(Boolean)
    .join("\n");
}

/** Owners and billing users (and developers for model/maintenance notices); else the account's address. */
async function recipients(db: Db, accountId: string, accountEmail: string, kind: NoticeKind) {
  const roles = DEVELOPER_KINDS.has(kind) ? ["owner", "billing", "developer"] : ["owner", "billing"];
  const users = await db.query<{ email: string }>(
    `SELECT DISTINCT lower(email) AS email FROM portal_users
     WHERE account_id = $1 AND role = ANY($2) AND email_verified_at IS NOT NULL ORDER BY 1`,
    [accountId, roles],
  );
  return users.rows.length > 0 ? users.rows.map((row) => row.email) : [accountEmail];
}

export async function wantsNonEssential(db: Db, accountId: string): Promise<boolean> {
  const result = await db.query<{ non_essential: boolean }>(
    "SELECT non_essential FROM notification_preferences WHERE account_id = $1",
    [accountId],
  );
  return result.rows[0]?.non_essential ?? true;
}

/** The owner's choice in the portal (Account page); essential notices are unaffected. */
export async function setNonEssential(
  db: Db,
  accountId: string,
  enabled: boolean,
  by: string,
): Promise<void> {
  await db.query(
    `INSERT INTO notification_preferences (account_id, non_essential, updated_at, updated_by)
     VALUES ($1, $2, now(), $3)
     ON CONFLICT (account_id) DO UPDATE SET non_essential = EXCLUDED.non_essential, updated_at = now(),
       updated_by = EXCLUDED.updated_by`,
    [accountId, enabled, by],
  );
}
