import type pg from "pg";
import { getAccount } from "./accounts.js";
import { type Db, isPgError, StoreError, UNIQUE_VIOLATION } from "./db.js";

/**
 * Data-subject rights (GDPR arts. 15, 17, 18, 20) over everything the store holds about one account.
 * What is kept, for how long and why: docs/data-protection.md.
 */

export type DataSubjectAction = "export" | "erase" | "restrict" | "unrestrict";

export interface ActionRecord {
  accountId: string;
  action: DataSubjectAction;
  performedAt: string;
  performedBy: string;
  reason: string;
  counts: Record<string, number>;
}

/** JSON-ready rows: timestamps as ISO strings, bigints and numerics as strings, bytea as hex. */
export type ExportRow = Record<string, string | number | boolean | null | object>;

export interface AccountExport {
  format: "entrim-account-export/1";
  exportedAt: string;
  account: ExportRow;
  keys: ExportRow[];
  usageEvents: ExportRow[];
  /** Present only where billing is installed (the tables exist). */
  invoices?: ExportRow[];
  invoiceLines?: ExportRow[];
  suspensions: ExportRow[];
  securityEvents: ExportRow[];
  dataProtectionLog: ExportRow[];
  /** The people who log in for the account (never password hashes or TOTP secrets). */
  portalUsers: ExportRow[];
  /** Their sessions' metadata (never the token's hash). */
  portalSessions: ExportRow[];
  /** Which terms and privacy policy versions were accepted, when, with the age confirmation. */
  termsAcceptances: ExportRow[];
  dataSubjectRequests: ExportRow[];
  /** Notices posted to this account alone. */
  notices: ExportRow[];
}

const ERASED_NAME = "erased";
/** RFC 2606 reserves .example: the placeholder satisfies the email CHECK and can never be delivered. */
export const erasedEmail = (accountId: string) => `erased+${accountId}@invalid.example`;

/** The keys of an account, as a subquery: suspensions, events and flags may name a key, not the account. */
const KEYS_OF = "SELECT k.id FROM api_keys k WHERE k.account_id = $1";

function jsonValue(value: unknown): ExportRow[string] {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString("hex");
  if (typeof value === "bigint") return value.toString();
  return value as ExportRow[string];
}

function toRow(row: Record<string, unknown>): ExportRow {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonValue(v)]));
}

async function rows(db: Db, sql: string, params: unknown[]): Promise<ExportRow[]> {
  return (await db.query(sql, params)).rows.map(toRow);
}

export async function tableExists(db: Db, table: string): Promise<boolean> {
  const result = await db.query<{ ok: boolean }>("SELECT to_regclass($1) IS NOT NULL AS ok", [table]);
  return result.rows[0]?.ok === true;
}

async function columnsOf(db: Db, table: string): Promise<Set<string>> {
  const result = await db.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
    [table],
  );
  return new Set(result.rows.map((r) => r.column_name));
}

/**
 * Billing's tables are discovered, not assumed: this part was built before them. Invoices are the
 * account's by `account_id`; lines by their own `account_id` or through `invoice_id`.
 */
async function billingRows(
  db: Db,
  accountId: string,
): Promise<Pick<AccountExport, "invoices" | "invoiceLines">> {
  if (!(await tableExists(db, "invoices"))) return {};
  const invoiceColumns = await columnsOf(db, "invoices");
  const order = invoiceColumns.has("id") ? "id" : "1";
  const invoices = await rows(db, `SELECT * FROM invoices WHERE account_id = $1 ORDER BY ${order}`, [
    accountId,
  ]);
  if (!(await tableExists(db, "invoice_lines"))) return { invoices };
  const lineColumns = await columnsOf(db, "invoice_lines");
  const lineOrder = lineColumns.has("id") ? "id" : "1";
  const where = lineColumns.has("account_id")
    ? "account_id = $1"
    : "invoice_id IN (SELECT i.id FROM invoices i WHERE i.account_id = $1)";
  const invoiceLines = await rows(db, `SELECT * FROM invoice_lines WHERE ${where} ORDER BY ${lineOrder}`, [
    accountId,
  ]);
  return { invoices, invoiceLines };
}

/**
 * Everything held about the account, in a stable order. Never a key's HMAC. Records the export, with
 * the operator's reason where one was given (the control plane requires one).
 */
export async function exportAccount(
  db: Db,
  accountId: string,
  by: string,
  now = new Date(),
  reason = "",
): Promise<AccountExport> {
  const account = await rows(
    db,
    `SELECT id, name, email, company, billing_address, country, vat_id, vat_id_checked, vat_id_status,
       vat_id_checked_at, vat_id_check_ref, status, created_at, updated_at
     FROM accounts WHERE id = $1`,
    [accountId],
  );
  if (!account[0]) throw new StoreError("not_found", `There is no account ${accountId}.`);
  const document: AccountExport = {
    format: "entrim-account-export/1",
    exportedAt: now.toISOString(),
    account: account[0],
    keys: await rows(
      db,
      `SELECT id, name, created_at, created_by, last_used_at, revoked_at, expires_at FROM api_keys
       WHERE account_id = $1 ORDER BY created_at, id`,
      [accountId],
    ),
    usageEvents: await rows(
      db,
      `SELECT request_id, received_at, first_token_at, finished_at, key_id, model, model_version, node,
              status, http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur,
              price_version, user_agent, host(client_ip) AS client_ip, endpoint
       FROM usage_events WHERE account_id = $1 ORDER BY received_at, request_id`,
      [accountId],
    ),
    ...(await billingRows(db, accountId)),
    suspensions: await rows(
      db,
      `SELECT id, target_type, account_id, key_id, state, reason, note, expires_at, created_at, created_by,
              lifted_at, lifted_by, lift_reason
       FROM suspensions WHERE account_id = $1 OR key_id IN (${KEYS_OF}) ORDER BY created_at, id`,
      [accountId],
    ),
    securityEvents: await rows(
      db,
      `SELECT id::text AS id, occurred_at, node, kind, host(ip) AS ip, key_id, code, detail
       FROM security_events WHERE account_id = $1 OR key_id IN (${KEYS_OF}) ORDER BY occurred_at, id`,
      [accountId],
    ),
    dataProtectionLog: await rows(
      db,
      `SELECT action, performed_at, performed_by, reason, counts FROM data_subject_actions
       WHERE account_id = $1 ORDER BY performed_at, id`,
      [accountId],
    ),
    portalUsers: await rows(
      db,
      `SELECT id, email, name, role, email_verified_at, totp_enabled_at IS NOT NULL AS totp_enabled,
              password_changed_at, created_at, updated_at
       FROM portal_users WHERE account_id = $1 ORDER BY created_at, id`,
      [accountId],
    ),
    portalSessions: await rows(
      db,
      `SELECT id, user_id, created_at, last_seen_at, expires_at, ended_at, ip, user_agent
       FROM portal_sessions WHERE account_id = $1 ORDER BY created_at, id`,
      [accountId],
    ),
    termsAcceptances: await rows(
      db,
      `SELECT user_id, document, version, accepted_at, age_confirmed FROM terms_acceptances
       WHERE account_id = $1 ORDER BY accepted_at, id`,
      [accountId],
    ),
    dataSubjectRequests: await rows(
      db,
      `SELECT id, kind, requested_by, details, status, requested_at, due_at, handled_at, handled_by, resolution
       FROM data_subject_requests WHERE account_id = $1 ORDER BY requested_at, id`,
      [accountId],
    ),
    notices: await rows(
      db,
      `SELECT id, kind, title, body, published_at, expires_at FROM notices
       WHERE account_id = $1 ORDER BY published_at, id`,
      [accountId],
    ),
  };
  await record(db, accountId, "export", by, reason, {
    keys: document.keys.length,
    usageEvents: document.usageEvents.length,
    invoices: document.invoices?.length ?? 0,
    suspensions: document.suspensions.length,
    securityEvents: document.securityEvents.length,
    portalUsers: document.portalUsers.length,
    dataSubjectRequests: document.dataSubjectRequests.length,
  });
  return document;
}

async function record(
  db: Db,
  accountId: string,
  action: DataSubjectAction,
  by: string,
  reason: string,
  counts: Record<string, number>,
): Promise<ActionRecord> {
  const result = await db.query(
    `INSERT INTO data_subject_actions (account_id, action, performed_by, reason, counts)
     VALUES ($1, $2, $3, $4, $5) RETURNING performed_at`,
    [accountId, action, by, reason, JSON.stringify(counts)],
  );
  const performedAt = (result.rows[0] as { performed_at: Date }).performed_at.toISOString();
  return { accountId, action, performedAt, performedBy: by, reason, counts };
}

export async function listActions(db: Db, accountId: string): Promise<ActionRecord[]> {
  const result = await db.query(
    `SELECT account_id, action, performed_at, performed_by, reason, counts FROM data_subject_actions
     WHERE account_id = $1 ORDER BY performed_at, id`,
    [accountId],
  );
  return result.rows.map((r) => ({
    accountId: r.account_id as string,
    action: r.action as DataSubjectAction,
    performedAt: (r.performed_at as Date).toISOString(),
    performedBy: r.performed_by as string,
    reason: r.reason as string,
    counts: r.counts as Record<string, number>,
  }));
}

function checkReason(reason: string): string {
  const trimmed = reason.trim();
  if (!trimmed || trimmed.length > 1000) {
    throw new StoreError(
      "invalid",
      "The reason must be 1 to 1000 characters (a ticket or request reference).",
    );
  }
  return trimmed;
}

/**
 * Erasure (art. 17) in one transaction: personal data is removed or nulled, keys are revoked (every
 * agent drops them at once), and what tax law requires (usage amounts, invoices) stays, now tied only
 * to an account id that no longer leads to a person. The erasure itself is recorded.
 */
export async function eraseAccount(
  pool: pg.Pool,
  accountId: string,
  by: string,
  reason: string,
): Promise<ActionRecord> {
  const why = checkReason(reason);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const locked = await client.query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE", [accountId]);
    if (!locked.rows[0]) throw new StoreError("not_found", `There is no account ${accountId}.`);
    const previous = (await listActions(client, accountId)).find((a) => a.action === "erase");
    if (previous) {
      throw new StoreError(
        "conflict",
        `Account ${accountId} was already erased at ${previous.performedAt} by ${previous.performedBy}.`,
      );
    }
    const counts: Record<string, number> = {};
    const counted = async (name: string, sql: string) => {
      counts[name] = (await client.query(sql, [accountId])).rowCount ?? 0;
    };
    await client.query(
      `UPDATE accounts SET name = $2, email = $3, company = NULL, billing_address = NULL, country = NULL,
         vat_id = NULL, vat_id_checked = NULL, status = 'closed' WHERE id = $1`,
      [accountId, ERASED_NAME, erasedEmail(accountId)],
    );
    counts.accounts = 1;
    // Key names are chosen by the customer and may name people; revocation notifies every agent.
    await counted(
      "apiKeys",
      "UPDATE api_keys SET name = '', revoked_at = coalesce(revoked_at, now()) WHERE account_id = $1",
    );
    await counted(
      "usageEvents",
      `UPDATE usage_events SET client_ip = NULL, user_agent = NULL
       WHERE account_id = $1 AND (client_ip IS NOT NULL OR user_agent IS NOT NULL)`,
    );
    await counted(
      "securityEvents",
      `UPDATE security_events SET ip = NULL
       WHERE (account_id = $1 OR key_id IN (${KEYS_OF})) AND ip IS NOT NULL`,
    );
    // Operators' free text about the person goes; the facts (state, reason category, dates) stay.
    await counted(
      "suspensions",
      `UPDATE suspensions SET note = NULL, lift_reason = CASE WHEN lift_reason IS NULL THEN NULL ELSE '' END
       WHERE account_id = $1 OR key_id IN (${KEYS_OF})`,
    );
    await counted(
      "abuseFlags",
      `UPDATE abuse_flags SET evidence = '{}', resolved_note = NULL
       WHERE (subject_type = 'account' AND subject = $1) OR (subject_type = 'key' AND subject IN (${KEYS_OF}))`,
    );
    // A notice still waiting in the mail queue carries the address and a body written for the person:
    // it must not go out, nor outlive the erasure. Sent mail left only metadata in mail_log.
    await counted("queuedMail", "DELETE FROM mail_queue WHERE account_id = $1");
    // The people who logged in go, with their sessions (cascade); open links (invitations name an
    // address) go with them. Terms acceptances stay: evidence of consent, tied to ids that now lead
    // to no one.
    await counted("portalSessions", "DELETE FROM portal_sessions WHERE account_id = $1");
    await counted("portalTokens", "DELETE FROM portal_tokens WHERE account_id = $1");
    await counted("portalUsers", "DELETE FROM portal_users WHERE account_id = $1");
    // The request stays as evidence of how the right was honoured; the customer's own words go.
    await counted(
      "dataSubjectRequests",
      "UPDATE data_subject_requests SET details = '' WHERE account_id = $1 AND details <> ''",
    );
    await counted("notices", "DELETE FROM notices WHERE account_id = $1");
    const done = await record(client, accountId, "erase", by, why, counts);
    await client.query("COMMIT");
    return done;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    // Two operators erasing at once: the unique index lets exactly one win.
    if (isPgError(error, UNIQUE_VIOLATION)) {
      throw new StoreError("conflict", `Account ${accountId} was already erased.`);
    }
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Restriction (art. 18): processing stops (every agent refuses the account's requests via the key
 * cache) and nothing is erased. Only an active account can be restricted; unrestrict undoes it.
 */
export async function restrictAccount(
  db: Db,
  accountId: string,
  by: string,
  reason: string,
): Promise<ActionRecord> {
  return changeStatus(db, accountId, "restrict", by, checkReason(reason));
}

export async function unrestrictAccount(
  db: Db,
  accountId: string,
  by: string,
  reason = "",
): Promise<ActionRecord> {
  return changeStatus(db, accountId, "unrestrict", by, reason.trim().slice(0, 1000));
}

async function changeStatus(
  db: Db,
  accountId: string,
  action: "restrict" | "unrestrict",
  by: string,
  reason: string,
): Promise<ActionRecord> {
  const [from, to] = action === "restrict" ? ["active", "restricted"] : ["restricted", "active"];
  // One statement: the status change and its record commit together or not at all.
  const result = await db.query(
    `WITH changed AS (UPDATE accounts SET status = $3 WHERE id = $1 AND status = $2 RETURNING id)
     INSERT INTO data_subject_actions (account_id, action, performed_by, reason)
     SELECT id, $4, $5, $6 FROM changed RETURNING performed_at`,
    [accountId, from, to, action, by, reason],
  );
  const row = result.rows[0] as { performed_at: Date } | undefined;
  if (row) {
    return {
      accountId,
      action,
      performedAt: row.performed_at.toISOString(),
      performedBy: by,
      reason,
      counts: {},
    };
  }
  const account = await getAccount(db, accountId);
  if (!account) throw new StoreError("not_found", `There is no account ${accountId}.`);
  throw new StoreError(
    "conflict",
    `Account ${accountId} is ${account.status}; only a${from === "active" ? "n active" : " restricted"} account can be ${action}ed.`,
  );
}
