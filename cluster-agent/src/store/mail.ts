import { type Db, randomId, StoreError } from "./db.js";

/** What a failed attempt was, without the server's text (it may echo the address or the message). */
export type MailErrorClass = "temporary" | "permanent" | "connection" | "timeout" | "other";

export interface OutgoingMail {
  /** What the message is: "test", "invoice", "alert"... (a word of the code, never content). */
  kind: string;
  /** The account the message is about or addressed to; recorded in the log. */
  accountId?: string | undefined;
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Files sent with the message (an invoice PDF); kept in the queue row only, deleted with it at send. */
  attachments?: MailAttachment[] | undefined;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** The file's bytes, base64. */
  content: string;
}

/** A message claimed for one attempt; `attempts` counts this attempt and fences the claim. */
export interface ClaimedMail extends OutgoingMail {
  id: string;
  queuedAt: Date;
  attempts: number;
}

export interface MailLogEntry {
  id: string;
  kind: string;
  accountId: string | null;
  queuedAt: Date;
  finishedAt: Date;
  attempts: number;
  result: "sent" | "failed";
  lastErrorCode: number | null;
  lastErrorClass: MailErrorClass | null;
}

const KIND = /^[a-z][a-z0-9_.-]{0,63}$/;
// One plain address: display names and lists are the caller's business, not the queue's.
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/**
 * Queues a message and returns its id. Pass the caller's transaction client so a state change and its
 * notice commit (or roll back) together; the senders are woken by a NOTIFY sent at commit.
 * Refusals never quote the address, subject or body.
 */
export async function enqueueMail(db: Db, mail: OutgoingMail): Promise<string> {
  if (!KIND.test(mail.kind))
    throw new StoreError("invalid", "A mail kind is a lowercase word (a-z, 0-9, _ . -).");
  if (mail.to.length > 320 || !ADDRESS.test(mail.to))
    throw new StoreError("invalid", "The recipient is not a single email address (name@example.eu).");
  if (mail.subject.length > 998 || /[\r\n]/.test(mail.subject))
    throw new StoreError("invalid", "A mail subject is one line of at most 998 characters.");
  if (mail.accountId !== undefined && (mail.accountId.length < 1 || mail.accountId.length > 64))
    throw new StoreError("invalid", "An account id has 1-64 characters.");
  const id = randomId("mail");
  await db.query(
    `INSERT INTO mail_queue (id, kind, account_id, recipient, subject, body_text, body_html, attachments)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      mail.kind,
      mail.accountId ?? null,
      mail.to,
      mail.subject,
      mail.text,
      mail.html ?? null,
      mail.attachments?.length ? JSON.stringify(mail.attachments) : null,
    ],
  );
  return id;
}

/**
 * Claims up to `limit` due messages for one attempt each. The claim commits at once: it counts the
 * attempt and moves the message's due time `leaseMs` ahead, so other senders skip it (SKIP LOCKED
 * while the claim is in flight, the due time after) and a sender that dies mid-send loses it when the
 * lease runs out. Keep the lease longer than one SMTP conversation may take.
 */
export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<ClaimedMail[]> {
  const { rows } = await db.query(
    `WITH due AS (
       SELECT id FROM mail_queue WHERE next_attempt_at <= now()
       ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     UPDATE mail_queue q
        SET attempts = q.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
       FROM due WHERE q.id = due.id
     RETURNING q.id, q.kind, q.account_id, q.recipient, q.subject, q.body_text, q.body_html, q.attachments,
               q.queued_at, q.attempts`,
    [limit, leaseMs],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    accountId: r.account_id ?? undefined,
    to: r.recipient,
    subject: r.subject,
    text: r.body_text,
    html: r.body_html ?? undefined,
    attachments: r.attachments ?? undefined,
    queuedAt: r.queued_at,
    attempts: r.attempts,
  }));
}

/**
 * Moves a claimed message from the queue to the log, in one statement: its content is gone the moment
 * its record exists. False when the claim was lost (the lease ran out and another sender took it).
 */
async function finish(
  db: Db,
  mail: Pick<ClaimedMail, "id" | "attempts">,
  result: "sent" | "failed",
  error?: { code: number; class: MailErrorClass },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `WITH gone AS (DELETE FROM mail_queue WHERE id = $1 AND attempts = $2
                   RETURNING id, kind, account_id, queued_at, attempts)
     INSERT INTO mail_log (id, kind, account_id, queued_at, attempts, result, last_error_code, last_error_class)
     SELECT id, kind, account_id, queued_at, attempts, $3, $4, $5 FROM gone`,
    [mail.id, mail.attempts, result, error?.code ?? null, error?.class ?? null],
  );
  return rowCount === 1;
}

export function markSent(db: Db, mail: Pick<ClaimedMail, "id" | "attempts">): Promise<boolean> {
  return finish(db, mail, "sent");
}

export interface FailurePolicy {
  maxAttempts: number;
  retryBaseMs: number;
}

const MAX_BACKOFF_MS = 3_600_000;

/** Delay before attempt n+1 after n failed ones: base, 2 x base, 4 x base... capped at one hour. */
export function retryDelayMs(attempts: number, retryBaseMs: number): number {
  return Math.min(retryBaseMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

/**
 * Records a failed attempt: a permanent failure, or the last allowed attempt, moves the message to the
 * log as failed; anything else schedules a retry with exponential backoff. Returns what happened
 * ("lost": the claim had run out and another sender owns the message now).
 */
export async function markFailed(
  db: Db,
  mail: Pick<ClaimedMail, "id" | "attempts">,
  error: { code: number; class: MailErrorClass },
  policy: FailurePolicy,
): Promise<"retry" | "failed" | "lost"> {
  if (error.class === "permanent" || mail.attempts >= policy.maxAttempts) {
    return (await finish(db, mail, "failed", error)) ? "failed" : "lost";
  }
  const { rowCount } = await db.query(
    `UPDATE mail_queue
        SET next_attempt_at = now() + make_interval(secs => $3::float8 / 1000),
            last_error_code = $4, last_error_class = $5
      WHERE id = $1 AND attempts = $2`,
    [mail.id, mail.attempts, retryDelayMs(mail.attempts, policy.retryBaseMs), error.code, error.class],
  );
  return rowCount === 1 ? "retry" : "lost";
}

/** Milliseconds until the earliest queued message is due (0: due now); undefined when the queue is empty. */
export async function nextDueInMs(db: Db): Promise<number | undefined> {
  const { rows } = await db.query(
    `SELECT greatest(0, extract(epoch FROM min(next_attempt_at) - now()) * 1000)::float8 AS ms FROM mail_queue`,
  );
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? undefined : Math.ceil(Number(ms));
}

/** What the queue holds about one message, without its content: for `mail test` and operators. */
export async function queuedMailState(
  db: Db,
  id: string,
): Promise<
  { attempts: number; lastErrorCode: number | null; lastErrorClass: MailErrorClass | null } | undefined
> {
  const { rows } = await db.query(
    "SELECT attempts, last_error_code, last_error_class FROM mail_queue WHERE id = $1",
    [id],
  );
  const r = rows[0];
  return r && { attempts: r.attempts, lastErrorCode: r.last_error_code, lastErrorClass: r.last_error_class };
}

function logEntry(r: Record<string, unknown>): MailLogEntry {
  return {
    id: r.id as string,
    kind: r.kind as string,
    accountId: (r.account_id as string | null) ?? null,
    queuedAt: r.queued_at as Date,
    finishedAt: r.finished_at as Date,
    attempts: r.attempts as number,
    result: r.result as "sent" | "failed",
    lastErrorCode: (r.last_error_code as number | null) ?? null,
    lastErrorClass: (r.last_error_class as MailErrorClass | null) ?? null,
  };
}

export async function getMailLogEntry(db: Db, id: string): Promise<MailLogEntry | undefined> {
  const { rows } = await db.query("SELECT * FROM mail_log WHERE id = $1", [id]);
  return rows[0] && logEntry(rows[0]);
}

/** The newest records first, optionally for one account. */
export async function listMailLog(
  db: Db,
  options: { accountId?: string; limit?: number } = {},
): Promise<MailLogEntry[]> {
  const { rows } = await db.query(
    `SELECT * FROM mail_log WHERE ($1::text IS NULL OR account_id = $1)
      ORDER BY finished_at DESC, id LIMIT $2`,
    [options.accountId ?? null, options.limit ?? 100],
  );
  return rows.map(logEntry);
}
