// What operators see of customer notices (issue 16): one "message" per broadcast (the per-account rows
// notifyEveryAccount and deprecateModel write share a broadcast id) or per single notice, with its
// delivery state counted from ids alone. mail_queue holds what is still waiting, mail_log what left
// (sent or failed); neither an address, a subject nor a body is read here, so none can reach a console.
import type { Db } from "./db.js";
import type { NoticeKind } from "./notices.js";

/** "everyone": a portal-only notice to every account (no email); "accounts": a broadcast; "account": one. */
export type NoticeAudience = "everyone" | "accounts" | "account";
/** "unknown": the mail id is in neither table (its log row was pruned). */
export type MailState = "waiting" | "sent" | "failed" | "unknown";

export interface NoticeMessage {
  /** The broadcast id (ntb_…) or, for a single notice, the notice id (ntc_…). */
  id: string;
  kind: NoticeKind;
  title: string;
  body: string;
  essential: boolean;
  effectiveAt: Date | null;
  model: string | null;
  publishedAt: Date;
  createdBy: string;
  audience: NoticeAudience;
  /** The account, when it went to one account. */
  accountId: string | null;
  counts: DeliveryCounts;
}

export interface DeliveryCounts {
  accounts: number;
  waiting: number;
  sent: number;
  failed: number;
  /** Accounts that opted out of non-essential mail: they read it in the portal only. */
  optedOut: number;
}

export interface MailDelivery {
  mailId: string;
  state: MailState;
  attempts: number;
  /** "temporary", "permanent", "connection", "timeout", "other", or null. */
  lastErrorClass: string | null;
  finishedAt: Date | null;
}

export interface AccountDelivery {
  noticeId: string;
  accountId: string | null;
  /** The account's current name; "" when the row is gone. */
  accountName: string;
  optedOut: boolean;
  mails: MailDelivery[];
}

const GROUP = "coalesce(n.broadcast_id, n.id)";

/** Messages newest first, at most `limit`; or the one message `id`. */
export async function listNoticeMessages(
  db: Db,
  filter: { limit?: number; id?: string } = {},
): Promise<NoticeMessage[]> {
  const rows = await db.query(
    `SELECT ${GROUP} AS id, min(n.kind) AS kind, min(n.title) AS title, min(n.body) AS body,
       bool_or(n.essential) AS essential, min(n.effective_at) AS effective_at, min(n.model) AS model,
       min(n.published_at) AS published_at, min(n.created_by) AS created_by,
       bool_or(n.broadcast_id IS NOT NULL) AS broadcast, min(n.account_id) AS account_id,
       count(n.account_id)::int AS accounts,
       count(*) FILTER (WHERE n.mail_skipped = 'opted_out')::int AS opted_out
     FROM notices n WHERE $2::text IS NULL OR n.broadcast_id = $2 OR n.id = $2
     GROUP BY 1 ORDER BY published_at DESC, id LIMIT $1`,
    [filter.limit ?? 200, filter.id ?? null],
  );
  const ids = rows.rows.map((r) => r.id as string);
  const mails = await db.query(
    `SELECT ${GROUP} AS id, count(q.id)::int AS waiting,
       count(l.id) FILTER (WHERE l.result = 'sent')::int AS sent,
       count(l.id) FILTER (WHERE l.result = 'failed')::int AS failed
     FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id
     LEFT JOIN mail_queue q ON q.id = d.mail_id LEFT JOIN mail_log l ON l.id = d.mail_id
     WHERE ${GROUP} = ANY($1::text[]) GROUP BY 1`,
    [ids],
  );
  const byId = new Map(mails.rows.map((r) => [r.id as string, r]));
  return rows.rows.map((r) => {
    const m = byId.get(r.id);
    const audience: NoticeAudience = r.broadcast ? "accounts" : r.account_id ? "account" : "everyone";
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      essential: r.essential,
      effectiveAt: r.effective_at ?? null,
      model: r.model ?? null,
      publishedAt: r.published_at,
      createdBy: r.created_by,
      audience,
      accountId: audience === "account" ? r.account_id : null,
      counts: {
        accounts: r.accounts,
        waiting: m?.waiting ?? 0,
        sent: m?.sent ?? 0,
        failed: m?.failed ?? 0,
        optedOut: r.opted_out,
      },
    };
  });
}

/** One message's rows per account with each mail's state; empty when there is no such message. */
export async function noticeDeliveries(db: Db, messageId: string): Promise<AccountDelivery[]> {
  const result = await db.query(
    `SELECT n.id AS notice_id, n.account_id, coalesce(a.name, '') AS account_name,
       n.mail_skipped = 'opted_out' AS opted_out, d.mail_id,
       CASE WHEN q.id IS NOT NULL THEN 'waiting' WHEN l.id IS NOT NULL THEN l.result ELSE 'unknown' END AS state,
       coalesce(q.attempts, l.attempts, 0) AS attempts,
       coalesce(q.last_error_class, l.last_error_class) AS last_error_class, l.finished_at
     FROM notices n LEFT JOIN accounts a ON a.id = n.account_id
     LEFT JOIN notice_deliveries d ON d.notice_id = n.id
     LEFT JOIN mail_queue q ON q.id = d.mail_id LEFT JOIN mail_log l ON l.id = d.mail_id
     WHERE n.broadcast_id = $1 OR n.id = $1
     ORDER BY a.name NULLS LAST, n.account_id, d.created_at, d.mail_id`,
    [messageId],
  );
  const byNotice = new Map<string, AccountDelivery>();
  for (const r of result.rows) {
    let row = byNotice.get(r.notice_id);
    if (!row) {
      row = {
        noticeId: r.notice_id,
        accountId: r.account_id ?? null,
        accountName: r.account_name,
        optedOut: r.opted_out === true,
        mails: [],
      };
      byNotice.set(r.notice_id, row);
    }
    if (r.mail_id)
      row.mails.push({
        mailId: r.mail_id,
        state: r.state,
        attempts: r.attempts,
        lastErrorClass: r.last_error_class ?? null,
        finishedAt: r.finished_at ?? null,
      });
  }
  return [...byNotice.values()];
}
