import type pg from "pg";
import type Stripe from "stripe";
import type { Logger } from "../common/log.js";
import { type BillingConfig, scheduleEnabled } from "../config/billing.js";
import type { AgentAudit, AuditRecorder } from "../store/audit-recorder.js";
import { deleteExpiredBillingRecords } from "../store/billing-retention.js";
import type { Db } from "../store/db.js";
import { heldAccounts } from "../store/invoice-holds.js";
import { issueInvoice } from "../store/invoice-states.js";
import { generateInvoices, getInvoice, listInvoices } from "../store/invoices.js";
import { startMaintenance } from "../store/partitions.js";
import { refundPendingCreditNotes } from "./credit-refunds.js";
import { queueInvoiceIssuedMail } from "./invoice-mail.js";
import { recheckVatIds } from "./vat-id-check.js";

/**
 * The monthly run: on the 1st from `schedule.hour` (UTC), the leader generates the previous month's
 * drafts, issues every one not held, and queues each invoice's email in its issuing transaction.
 * Months missed while no agent ran are caught up, at most CATCH_UP_MONTHS back. Idempotent: an issued
 * invoice is never regenerated or issued again, so a second pass (or agent) does nothing.
 */

export const CATCH_UP_MONTHS = 3;

/** Who the schedule's audit entries name: the agent that ran the pass (agent:<node>). */
/** The leader's recorder and the name it acts under (agent:<node>). */
export type ScheduleAudit = AgentAudit;

export interface SchedulePass {
  months: string[];
  issued: string[];
  held: string[];
  /** VAT IDs checked in VIES before issuing (billing.vat.vies on). */
  vatIdChecks?: number;
}

function monthText(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The months the pass looks at: the last CATCH_UP_MONTHS before `now`'s, once the issuing hour passed. */
export function dueMonths(now: Date, hour: number): string[] {
  const months: string[] = [];
  // Before the hour on the 1st, last month is not due yet (late spool deliveries may still arrive).
  const latest = now.getUTCDate() === 1 && now.getUTCHours() < hour ? 2 : 1;
  for (let back = CATCH_UP_MONTHS; back >= latest; back--) {
    months.push(monthText(now.getUTCFullYear(), now.getUTCMonth() - back));
  }
  return months;
}

export async function runInvoiceSchedule(
  db: pg.Pool | Db,
  billing: BillingConfig,
  options: {
    now: Date;
    by: string;
    taxRatePlaceholder?: string;
    payBase?: string | undefined;
    /** Each issue is audited in its issuing transaction (billing.invoice.issue, invoice:<id>). */
    audit?: ScheduleAudit | undefined;
    logger?: Logger | undefined;
  },
): Promise<SchedulePass> {
  const pass: SchedulePass = { months: [], issued: [], held: [] };
  if (!scheduleEnabled(billing)) return pass;
  // Before issuing: VAT IDs never checked, changed, stale or left unknown by an outage get a check, so
  // the invoices below apply the reverse charge on a current answer. Every pass, so "unknown" is retried.
  const checked = await recheckVatIds(db, billing, {
    now: options.now,
    actor: options.audit && { operator: options.audit.operator, role: "admin", source: "agent" },
    recorder: options.audit?.recorder,
    logger: options.logger,
  });
  if (checked > 0) pass.vatIdChecks = checked;
  const held = await heldAccounts(db);
  for (const month of dueMonths(options.now, billing.schedule.hour)) {
    const existing = await listInvoices(db, { month });
    const pending = existing.filter((i) => i.status === "draft");
    // A month is done when its drafts exist and only held ones are left unissued.
    if (existing.length > 0 && pending.every((i) => held.has(i.accountId))) continue;
    pass.months.push(month);
    await generateInvoices(db, {
      month,
      taxRate: options.taxRatePlaceholder ?? billing.vat.domesticRate,
      generatedBy: options.by,
      now: options.now,
    });
    for (const draft of await listInvoices(db, { month, status: "draft" })) {
      if (held.has(draft.accountId)) {
        pass.held.push(draft.id);
        continue;
      }
      const issued = await issueInvoice(db, draft.id, {
        by: options.by,
        billing,
        now: options.now,
        onIssued: async (client, invoice, rule) => {
          // The rule's warning (no country, an unverified or invalid VAT ID) is for operators; the log,
          // not the audit log, carries it, since it names the VAT ID and audit entries outlive erasure.
          if (rule.warning) options.logger?.warn({ invoice: invoice.id, vatRule: rule.rule }, rule.warning);
          await queueInvoiceIssuedMail(
            client,
            invoice,
            (await getInvoice(client, invoice.id)).lines,
            options.payBase,
          );
          await options.audit?.recorder.record(
            {
              operator: options.audit.operator,
              role: "admin",
              source: "agent",
              action: "billing.invoice.issue",
              target: `invoice:${invoice.id}`,
              reason: `${invoice.number ?? ""} for ${month}`.trim(),
              result: "ok",
            },
            client,
          );
        },
      }).catch((error: unknown) => {
        // Another agent issued it between our list and our lock: nothing to do.
        if (error instanceof Error && /only draft/.test(error.message)) return null;
        throw error;
      });
      if (issued) pass.issued.push(issued.number as string);
    }
  }
  return pass;
}

export const INVOICE_SCHEDULE_LOCK_KEY = 7_216_853_409_551_018n;

/**
 * The leader job: whichever agent holds the lock runs the pass (the work goes through the pool; the
 * lock only elects). Without a seller it says once why nothing is issued.
 */
export function startInvoiceSchedule(options: {
  pool: pg.Pool;
  billing: BillingConfig;
  node: string;
  intervalMs: number;
  /** retention.taxYears: issued invoices and credit notes older than their tax period are deleted. */
  taxYears: number;
  clock?: () => Date;
  /** Where the emails' "pay online" links point (the portal's public URL, with Stripe on). */
  payBase?: string | undefined;
  /** With Stripe on: credit notes on card-paid invoices are refunded by each pass. */
  stripe?: Stripe | undefined;
  logger?: Logger | undefined;
  /** Audits each issued invoice and each retention deletion (operator agent:<node>). */
  recorder?: AuditRecorder | undefined;
}) {
  if (!scheduleEnabled(options.billing)) {
    options.logger?.warn(
      "invoices are not issued automatically: configure billing.seller (see docs/billing.md) to turn the schedule on",
    );
  }
  const clock = options.clock ?? (() => new Date());
  const audit = options.recorder && { recorder: options.recorder, operator: `agent:${options.node}` };
  return startMaintenance({
    pool: options.pool,
    lockKey: INVOICE_SCHEDULE_LOCK_KEY,
    intervalMs: options.intervalMs,
    name: "invoice-schedule",
    logger: options.logger,
    run: async () => {
      const now = clock();
      const pass = await runInvoiceSchedule(options.pool, options.billing, {
        now,
        by: `leader:${options.node}`,
        payBase: options.payBase,
        audit,
        logger: options.logger,
      });
      const refunds = options.stripe
        ? await refundPendingCreditNotes(options.pool, options.stripe, options.logger)
        : undefined;
      const retention = await deleteExpiredBillingRecords(options.pool, options.taxYears, now, audit);
      return { ...pass, refunds, retention };
    },
  });
}
