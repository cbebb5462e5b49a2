// Dunning: for issued, unpaid invoices, a reminder before the due date, a warning once overdue (a
// `warned` non-payment record the portal and the console show), then, only after a recorded warning and
// its grace period, a suspension for non-payment; lifted when the invoice is paid. A leader job: one
// agent at a time under an advisory lock; each step is recorded once in dunning_states (its own
// transaction with its notice, emails and audit entry), so passes are idempotent and resumable.
import type pg from "pg";
import type { Logger } from "../common/log.js";
import { notifyAccount } from "../notices/notify.js";
import type { AuditRecorder } from "../store/audit-recorder.js";
import { type Db, transaction } from "../store/db.js";
import { startMaintenance } from "../store/partitions.js";
import { createSuspension, liftSuspension, listSuspensions } from "../store/suspensions.js";

export const DUNNING_LOCK_KEY = 7_216_853_409_551_020n;
/** The channel the store notifies when an invoice changes, if one exists; the poll covers its absence. */
export const INVOICE_PAID_CHANNEL = "entrim_invoice_paid";

export interface DunningConfig {
  reminderDaysBefore: number;
  warningDaysAfter: number;
  suspendDaysAfterWarning: number;
}

export const DEFAULT_DUNNING: DunningConfig = {
  reminderDaysBefore: 3,
  warningDaysAfter: 1,
  suspendDaysAfterWarning: 14,
};

export interface DunningOptions {
  config: DunningConfig;
  recorder: AuditRecorder;
  /** "agent:<node>": who the suspensions and audit entries name. */
  by: string;
  /** Where the customer pays: the portal's invoices page. */
  payUrl: (invoiceId: string) => string;
}

export interface DunningReport {
  reminded: number;
  warned: number;
  suspended: number;
  lifted: number;
  /** "Payment received" notices for invoices paid without ever going overdue. */
  thanked: number;
}

const DAY = 86_400_000;

interface Row {
  invoice_id: string;
  account_id: string;
  status: string;
  due_at: Date;
  total_cents: string;
  period: string;
  reminded_at: Date | null;
  warned_at: Date | null;
  suspended_at: Date | null;
  lifted_at: Date | null;
  paid_notified_at: Date | null;
}

export async function runDunning(pool: Db, options: DunningOptions, now: Date): Promise<DunningReport> {
  const report: DunningReport = { reminded: 0, warned: 0, suspended: 0, lifted: 0, thanked: 0 };
  // Issued invoices, and invoices paid so soon after issue that no pass saw them issued.
  await pool.query(
    `INSERT INTO dunning_states (invoice_id, account_id)
     SELECT id, account_id FROM invoices WHERE status IN ('issued', 'paid') AND due_at IS NOT NULL
     ON CONFLICT (invoice_id) DO NOTHING`,
  );
  const ids = await pool.query<{ invoice_id: string }>(
    `SELECT d.invoice_id FROM dunning_states d JOIN invoices i ON i.id = d.invoice_id
     WHERE (i.status = 'issued' AND d.suspended_at IS NULL)
        OR (i.status = 'paid' AND d.paid_notified_at IS NULL)
     ORDER BY d.invoice_id`,
  );
  for (const { invoice_id } of ids.rows) {
    const step = await transaction(pool, (db) => advance(db, invoice_id, options, now));
    if (step) report[step] += 1;
  }
  return report;
}

/** One step for one invoice, at most; the row lock keeps a second pass from repeating it. */
async function advance(db: Db, invoiceId: string, options: DunningOptions, now: Date) {
  const result = await db.query<Row>(
    `SELECT d.*, i.status, i.due_at, i.total_cents::text, to_char(i.period, 'YYYY-MM') AS period FROM dunning_states d
     JOIN invoices i ON i.id = d.invoice_id WHERE d.invoice_id = $1 FOR UPDATE OF d`,
    [invoiceId],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const { config } = options;
  const amount = `EUR ${(Number(row.total_cents) / 100).toFixed(2)}`;
  const link = options.payUrl(invoiceId);
  const due = row.due_at.toISOString().slice(0, 10);
  if (row.status === "paid") {
    if (row.paid_notified_at) return undefined;
    await db.query("UPDATE dunning_states SET paid_notified_at = $2 WHERE invoice_id = $1", [invoiceId, now]);
    if (!row.warned_at || row.lifted_at) {
      await notifyAccount(
        db,
        {
          accountId: row.account_id,
          kind: "billing",
          essential: true,
          title: `Payment received for invoice ${invoiceId}`,
          body: `Thank you: we received the payment for invoice ${invoiceId} (${amount}). Nothing more is due for ${row.period}.`,
          createdBy: options.by,
        },
        now,
      );
      return "thanked" as const;
    }
    await liftIfOurs(db, row.account_id, options.by, `payment received for invoice ${invoiceId}`);
    await db.query("UPDATE dunning_states SET lifted_at = $2 WHERE invoice_id = $1", [invoiceId, now]);
    await notifyAccount(
      db,
      {
        accountId: row.account_id,
        kind: "billing",
        essential: true,
        title: `Payment received for invoice ${invoiceId}`,
        body: `Thank you: we received the payment for invoice ${invoiceId} (${amount}).${row.suspended_at ? " Your account's suspension for non-payment is lifted; API access is restored." : " The overdue warning is withdrawn."}`,
        createdBy: options.by,
      },
      now,
    );
    await audit(db, options, "dunning.lift", row.account_id, invoiceId);
    return "lifted" as const;
  }
  if (row.status !== "issued") return undefined;
  const dueMs = row.due_at.getTime();
  if (row.warned_at) {
    if (row.suspended_at || now.getTime() < row.warned_at.getTime() + config.suspendDaysAfterWarning * DAY)
      return undefined;
    const suspension = await createSuspension(db, {
      targetType: "account",
      target: row.account_id,
      state: "suspended",
      reason: "non_payment",
      note: `Invoice ${invoiceId} unpaid after the warning`,
      createdBy: options.by,
    });
    await db.query("UPDATE dunning_states SET suspended_at = $2, suspension_id = $3 WHERE invoice_id = $1", [
      invoiceId,
      now,
      suspension.id,
    ]);
    await notifyAccount(
      db,
      {
        accountId: row.account_id,
        kind: "billing",
        essential: true,
        title: `API access suspended: invoice ${invoiceId} is unpaid`,
        body: `Invoice ${invoiceId} (${amount}) was due on ${due} and is still unpaid after our warning, so API requests for your account are refused. To restore access, pay the invoice in the portal; access returns automatically once the payment arrives. You can still log in to the portal.`,
        link,
        createdBy: options.by,
      },
      now,
    );
    await audit(db, options, "dunning.suspend", row.account_id, invoiceId);
    return "suspended" as const;
  }
  if (now.getTime() >= dueMs + config.warningDaysAfter * DAY) {
    const active = await listSuspensions(db, {
      accountId: row.account_id,
      activeOnly: true,
      targetType: "account",
    });
    // A stronger suspension in force (abuse, security) is not replaced by a mere warning.
    const warning = active.some((s) => s.state === "suspended")
      ? undefined
      : await createSuspension(db, {
          targetType: "account",
          target: row.account_id,
          state: "warned",
          reason: "non_payment",
          note: `Invoice ${invoiceId} overdue since ${due}`,
          createdBy: options.by,
        });
    await db.query("UPDATE dunning_states SET warned_at = $2, warning_id = $3 WHERE invoice_id = $1", [
      invoiceId,
      now,
      warning?.id ?? null,
    ]);
    await notifyAccount(
      db,
      {
        accountId: row.account_id,
        kind: "billing",
        essential: true,
        title: `Overdue: invoice ${invoiceId}`,
        body: `Invoice ${invoiceId} (${amount}) was due on ${due} and is unpaid. Please pay it in the portal. If it is still unpaid ${config.suspendDaysAfterWarning} days from now, API access for your account will be suspended until the payment arrives.`,
        link,
        createdBy: options.by,
      },
      now,
    );
    await audit(db, options, "dunning.warn", row.account_id, invoiceId);
    return "warned" as const;
  }
  if (!row.reminded_at && now.getTime() >= dueMs - config.reminderDaysBefore * DAY && now.getTime() < dueMs) {
    await db.query("UPDATE dunning_states SET reminded_at = $2 WHERE invoice_id = $1", [invoiceId, now]);
    await notifyAccount(
      db,
      {
        accountId: row.account_id,
        kind: "billing",
        essential: true,
        title: `Reminder: invoice ${invoiceId} is due on ${due}`,
        body: `Invoice ${invoiceId} for ${row.period} (${amount}) is due on ${due}. You can pay it in the portal.`,
        link,
        createdBy: options.by,
      },
      now,
    );
    await audit(db, options, "dunning.remind", row.account_id, invoiceId);
    return "reminded" as const;
  }
  return undefined;
}

/** Lifts the account's open suspension only when it is the non-payment one (never an abuse one). */
async function liftIfOurs(db: Db, accountId: string, by: string, reason: string) {
  const active = await listSuspensions(db, { accountId, activeOnly: true, targetType: "account" });
  if (!active.some((s) => s.reason === "non_payment")) return;
  // Another unpaid invoice already past its warning keeps the account where it is.
  const others = await db.query(
    `SELECT 1 FROM dunning_states d JOIN invoices i ON i.id = d.invoice_id
     WHERE d.account_id = $1 AND i.status = 'issued' AND d.warned_at IS NOT NULL`,
    [accountId],
  );
  if (others.rows[0]) return;
  await liftSuspension(db, { targetType: "account", target: accountId, liftedBy: by, reason });
}

function audit(db: Db, options: DunningOptions, action: string, accountId: string, invoiceId: string) {
  return options.recorder.record(
    {
      operator: options.by,
      role: "admin",
      source: "agent",
      action,
      target: `account:${accountId}`,
      reason: `invoice ${invoiceId}`,
      result: "ok",
    },
    db,
  );
}

/** The leader job: every interval, and at once when a payment is announced (the lead wires LISTEN). */
export function startDunning(
  options: DunningOptions & { pool: pg.Pool; intervalMs: number; logger?: Logger },
) {
  return startMaintenance({
    pool: options.pool,
    lockKey: DUNNING_LOCK_KEY,
    intervalMs: options.intervalMs,
    name: "dunning",
    logger: options.logger,
    run: (client, now) => runDunning(client, options, now),
  });
}
