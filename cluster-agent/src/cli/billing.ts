import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import type { Command } from "commander";
import { invoicePdf } from "../billing/invoice-pdf.js";
import type { BillingConfig } from "../config/billing.js";
import { ConfigError, loadConfig } from "../config/load.js";
import { formatCents, formatPicoEur, usageByDay } from "../store/billing.js";
import { createCreditNote } from "../store/credit-notes.js";
import { StoreError } from "../store/db.js";
import { invoiceCsv, invoiceDocument, plain } from "../store/invoice-export.js";
import { holdInvoices, unholdInvoices } from "../store/invoice-holds.js";
import {
  disputeInvoice,
  issueInvoice,
  markInvoicePaid,
  type OverdueSuspension,
  overdueInvoices,
  suspendOverdueAccounts,
} from "../store/invoice-states.js";
import {
  generateInvoices,
  getInvoice,
  INVOICE_STATUSES,
  type Invoice,
  type InvoiceStatus,
  listInvoices,
} from "../store/invoices.js";
import { addPriceVersion, formatMicroEur, listPriceVersions, parseEurPerMillion } from "../store/prices.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, globalOptions, output, table } from "./context.js";
import { withStore } from "./store-context.js";

/** The config's billing section; refuses without a seller, which every issued invoice must name. */
export function billingConfigOf(command: Command, file: string | undefined): BillingConfig {
  const global = globalOptions(command);
  let billing: BillingConfig;
  try {
    billing = loadConfig({ config: file, dataDir: global.dataDir, databaseUrl: global.databaseUrl }).billing;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  if (!billing.seller) {
    throw new CliError(
      "No seller is configured: add billing.seller (legalName, address, country, vatId, registration, bank, " +
        "email) to the config file and pass it with --config FILE or ENTRIM_CONFIG. See docs/configuration.md, Billing.",
    );
  }
  return billing;
}

/** The default VAT rate (Germany's standard rate); pass --tax-rate for anything else, e.g. 0 for reverse charge. */
export const DEFAULT_TAX_RATE = "0.19";
const by = () => `cli:${userInfo().username}`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function eur(option: string, text: string): bigint {
  const micro = parseEurPerMillion(text);
  if (micro === undefined) {
    throw new CliError(
      `${option} "${text}" is not a price; give EUR per million tokens, e.g. 0.5 (at most 6 decimals).`,
    );
  }
  return micro;
}

function day(option: string, text: string): Date {
  const at = new Date(`${text}T00:00:00Z`);
  if (!DAY.test(text) || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== text) {
    throw new CliError(`${option} "${text}" is not a day; write it as YYYY-MM-DD (UTC), e.g. 2026-11-01.`);
  }
  return at;
}

function invoiceRow(i: Invoice): Record<string, unknown> {
  return {
    id: i.id,
    account: i.accountId,
    month: i.month,
    status: i.status,
    subtotal: formatCents(i.subtotalCents),
    tax: formatCents(i.taxCents),
    total: formatCents(i.totalCents),
    "invoice date": i.issuedAt?.toISOString().slice(0, 10) ?? "",
    due: i.dueAt?.toISOString().slice(0, 10) ?? "",
  };
}
const INVOICE_COLUMNS = [
  "id",
  "account",
  "month",
  "status",
  "subtotal",
  "tax",
  "total",
  "invoice date",
  "due",
];

/** Store "not found"s point at `invoices list`; other store errors pass through withStore. */
function withInvoiceHint(error: unknown): never {
  if (error instanceof StoreError && error.code === "not_found") {
    throw new CliError(`${error.message} Run \`invoices list\` to find the invoice id.`);
  }
  throw error;
}

export function registerBillingCommands(program: Command): void {
  const prices = program.command("prices").description("Price versions per model (EUR per million tokens)");
  prices
    .command("set")
    .description(
      "Add a price version for a model, in force from --from (default now); versions are never edited",
    )
    .requiredOption("--model <name>", "the model's public name")
    .requiredOption("--input <eur>", "EUR per million input tokens")
    .requiredOption("--output <eur>", "EUR per million output tokens")
    .option("--cached <eur>", "EUR per million cached input tokens (default: the input price)")
    .option("--embedding <eur>", "EUR per million embedding input tokens (default: the input price)")
    .option("--from <time>", "ISO time it takes effect, e.g. 2026-12-01T00:00:00Z (default now)")
    .action(
      async (
        o: {
          model: string;
          input: string;
          output: string;
          cached?: string;
          embedding?: string;
          from?: string;
        },
        command: Command,
      ) => {
        const input = eur("--input", o.input);
        const effectiveFrom = o.from === undefined ? undefined : new Date(o.from);
        if (effectiveFrom && Number.isNaN(effectiveFrom.getTime())) {
          throw new CliError(`--from "${o.from}" is not a time; write e.g. 2026-12-01T00:00:00Z.`);
        }
        const entry = { action: "billing.price.set", target: `model:${o.model}` };
        const created = await withAuditedStore(command, entry, (store) =>
          addPriceVersion(store.pool, {
            model: o.model,
            inputMicroEurPerM: input,
            cachedMicroEurPerM: o.cached === undefined ? input : eur("--cached", o.cached),
            outputMicroEurPerM: eur("--output", o.output),
            embeddingMicroEurPerM: o.embedding === undefined ? null : eur("--embedding", o.embedding),
            effectiveFrom,
            createdBy: by(),
          }),
        );
        output(
          command,
          plain(created),
          () =>
            `Price version ${created.version} for ${created.model} in force from ${new Date(created.effectiveFrom).toISOString()}.`,
        );
      },
    );
  prices
    .command("list")
    .description("List price versions, oldest first per model")
    .option("--model <name>", "only this model")
    .action(async (o: { model?: string }, command: Command) => {
      const rows = await withStore(command, (store) => listPriceVersions(store.pool, o.model));
      output(command, plain(rows), () =>
        table(
          rows.map((p) => ({
            version: p.version,
            model: p.model,
            "input/M": formatMicroEur(p.inputMicroEurPerM),
            "cached/M": formatMicroEur(p.cachedMicroEurPerM),
            "output/M": formatMicroEur(p.outputMicroEurPerM),
            // Without an embedding price, embedding tokens are billed at the input price.
            "embedding/M": formatMicroEur(p.embeddingMicroEurPerM ?? p.inputMicroEurPerM),
            from: new Date(p.effectiveFrom).toISOString(),
            by: p.createdBy,
          })),
          ["version", "model", "input/M", "cached/M", "output/M", "embedding/M", "from", "by"],
        ),
      );
    });

  program
    .command("usage")
    .description("An account's usage per UTC day and model")
    .requiredOption("--account <id>", "the account")
    .requiredOption("--from <day>", "first day, YYYY-MM-DD (UTC)")
    .requiredOption("--to <day>", "last day, included, YYYY-MM-DD (UTC)")
    .action(async (o: { account: string; from: string; to: string }, command: Command) => {
      const rows = await withStore(command, (store) =>
        usageByDay(store.pool, o.account, day("--from", o.from), day("--to", o.to)),
      );
      output(command, plain(rows), () =>
        table(
          rows.map((r) => ({
            day: r.day,
            model: r.model,
            requests: r.requests,
            prompt: r.promptTokens,
            cached: r.cachedTokens,
            completion: r.completionTokens,
            // Exact and unrounded: the invoice rounds once per month and model, not per day.
            "cost EUR": formatPicoEur(r.costPicoEur),
          })),
          ["day", "model", "requests", "prompt", "cached", "completion", "cost EUR"],
        ),
      );
    });

  registerInvoiceCommands(program);
}

function registerInvoiceCommands(program: Command): void {
  const invoices = program.command("invoices").description("Monthly postpaid invoices");
  invoices
    .command("generate")
    .description(
      "Roll up a month's usage and write a draft invoice per account (drafts are replaced, issued ones kept)",
    )
    .requiredOption("--month <YYYY-MM>", "the month billed")
    .option("--tax-rate <rate>", "tax rate as a fraction", DEFAULT_TAX_RATE)
    .action(async (o: { month: string; taxRate: string }, command: Command) => {
      const entry = { action: "billing.invoices.generate", target: `month:${o.month}` };
      const result = await withAuditedStore(command, entry, (store) =>
        generateInvoices(store.pool, { month: o.month, taxRate: o.taxRate, generatedBy: by() }),
      );
      output(command, plain(result), () =>
        [
          `${result.drafts.length} draft invoice(s) for ${result.month}:`,
          table(result.drafts.map(invoiceRow), INVOICE_COLUMNS),
          ...(result.kept.length > 0
            ? [`Kept unchanged (already issued): ${result.kept.map((i) => i.id).join(", ")}`]
            : []),
          ...(result.removed.length > 0
            ? [`Removed drafts without usage: ${result.removed.join(", ")}`]
            : []),
        ].join("\n"),
      );
    });
  invoices
    .command("list")
    .description("List invoices")
    .option("--month <YYYY-MM>", "only this month")
    .option("--account <id>", "only this account")
    .option("--status <status>", `only this status (${INVOICE_STATUSES.join(", ")})`)
    .action(async (o: { month?: string; account?: string; status?: string }, command: Command) => {
      if (o.status && !INVOICE_STATUSES.includes(o.status as InvoiceStatus)) {
        throw new CliError(`--status must be one of ${INVOICE_STATUSES.join(", ")}.`);
      }
      const rows = await withStore(command, (store) =>
        listInvoices(store.pool, { month: o.month, accountId: o.account, status: o.status as InvoiceStatus }),
      );
      output(command, plain(rows), () => table(rows.map(invoiceRow), INVOICE_COLUMNS));
    });
  invoices
    .command("show")
    .description("Show an invoice and its lines")
    .argument("<id>", "invoice id, e.g. inv_202611_...")
    .action(async (id: string, _o: unknown, command: Command) => {
      const { invoice, lines } = await withStore(command, (store) =>
        getInvoice(store.pool, id).catch(withInvoiceHint),
      );
      output(command, invoiceDocument(invoice, lines), () =>
        [
          table([invoiceRow(invoice)], INVOICE_COLUMNS),
          "",
          table(
            lines.map((l) => ({
              model: l.model,
              requests: l.requests,
              prompt: l.promptTokens,
              cached: l.cachedTokens,
              completion: l.completionTokens,
              "amount EUR": formatCents(l.amountCents),
            })),
            ["model", "requests", "prompt", "cached", "completion", "amount EUR"],
          ),
          ...(invoice.disputeReason
            ? ["", `Disputed ${invoice.disputedAt?.toISOString()}: ${invoice.disputeReason}`]
            : []),
        ].join("\n"),
      );
    });
  invoices
    .command("export")
    .description("Print an invoice as JSON (default, or with --json) or CSV, or write its PDF with --out")
    .argument("<id>", "invoice id")
    .option("--format <format>", "json, csv or pdf", "json")
    .option("--out <file>", "write to this file (required for pdf)")
    .action(async (id: string, o: { format: string; out?: string }, command: Command) => {
      const format = globalOptions(command).json ? "json" : o.format;
      if (format !== "json" && format !== "csv" && format !== "pdf")
        throw new CliError('--format must be "json", "csv" or "pdf".');
      if (format === "pdf" && !o.out)
        throw new CliError("A PDF goes to a file: add --out FILE, e.g. --out invoice.pdf.");
      const { invoice, lines } = await withStore(command, (store) =>
        getInvoice(store.pool, id).catch(withInvoiceHint),
      );
      if (format === "pdf") {
        if (invoice.status === "draft")
          throw new CliError(`Invoice ${id} is a draft: issue it first; drafts have no PDF.`);
        await writeFile(o.out as string, await invoicePdf(invoice, lines));
        process.stdout.write(`Wrote ${o.out}.\n`);
        return;
      }
      process.stdout.write(
        format === "csv"
          ? invoiceCsv(invoice, lines)
          : `${JSON.stringify(invoiceDocument(invoice, lines), null, 2)}\n`,
      );
    });
  invoices
    .command("hold")
    .description("Hold an account's invoices for review: the schedule issues nothing for it until unhold")
    .requiredOption("--account <id>", "account id")
    .requiredOption("--reason <text>", "why, for the audit log and the next operator")
    .action(async (o: { account: string; reason: string }, command: Command) => {
      const hold = await withAuditedStore(
        command,
        { action: "billing.invoice.hold", target: `account:${o.account}` },
        (store) => holdInvoices(store.pool, o.account, o.reason, by()).catch(withInvoiceHint),
      );
      output(
        command,
        plain(hold),
        () => `Held invoices of ${o.account}; \`entrim billing invoices unhold\` releases them.`,
      );
    });
  invoices
    .command("unhold")
    .description("Release an account's held invoices: the next schedule pass issues them")
    .requiredOption("--account <id>", "account id")
    .action(async (o: { account: string }, command: Command) => {
      const lifted = await withAuditedStore(
        command,
        { action: "billing.invoice.unhold", target: `account:${o.account}` },
        (store) => unholdInvoices(store.pool, o.account),
      );
      output(command, { lifted }, () =>
        lifted ? `Released invoices of ${o.account}.` : `${o.account} had no hold.`,
      );
    });
  invoices
    .command("credit")
    .description(
      "Credit an issued, paid or disputed invoice (e.g. a dispute resolved in the customer's favour)",
    )
    .requiredOption("--invoice <id>", "invoice id")
    .requiredOption("--amount <eur>", "amount credited, tax included, e.g. 12.50")
    .requiredOption("--reason <text>", "printed on the credit note")
    .option("--config <file>", "agent config with the billing section (default: ENTRIM_CONFIG)")
    .action(
      async (o: { invoice: string; amount: string; reason: string; config?: string }, command: Command) => {
        const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(o.amount.trim());
        if (!match) throw new CliError("--amount is euros with at most two decimals, e.g. 12.50.");
        const amountCents = BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
        const billing = billingConfigOf(command, o.config);
        const note = await withAuditedStore(
          command,
          { action: "billing.credit_note.create", target: `invoice:${o.invoice}` },
          (store) =>
            createCreditNote(store.pool, {
              invoiceId: o.invoice,
              amountCents,
              reason: o.reason,
              by: by(),
              billing,
            }).catch(withInvoiceHint),
        );
        output(
          command,
          plain(note),
          () => `Credit note ${note.number}: ${formatCents(note.amountCents)} EUR on ${o.invoice}.`,
        );
      },
    );
  invoices
    .command("issue")
    .description("Issue a draft: sets the invoice date (the dispute window starts) and the due date")
    .argument("<id>", "invoice id")
    .option("--config <file>", "agent config with the billing section (default: ENTRIM_CONFIG)")
    .action(async (id: string, o: { config?: string }, command: Command) => {
      const billing = billingConfigOf(command, o.config);
      // The VAT rule's warning (no country, a VAT ID VIES did not confirm) is for the operator issuing.
      let warning: string | null = null;
      const invoice = await withAuditedStore(
        command,
        { action: "billing.invoice.issue", target: `invoice:${id}` },
        (store) =>
          issueInvoice(store.pool, id, {
            by: by(),
            billing,
            onIssued: async (_db, _invoice, rule) => {
              warning = rule.warning;
            },
          }).catch(withInvoiceHint),
      );
      output(
        command,
        plain(invoice),
        () =>
          `Issued ${invoice.id} as ${invoice.number}: ${formatCents(invoice.totalCents)} EUR due ${invoice.dueAt?.toISOString().slice(0, 10)}.${warning ? `\nWarning: ${warning}` : ""}`,
      );
    });
  invoices
    .command("mark-paid")
    .description("Record that an issued (or disputed) invoice was paid")
    .argument("<id>", "invoice id")
    .action(async (id: string, _o: unknown, command: Command) => {
      const invoice = await withAuditedStore(
        command,
        { action: "billing.invoice.paid", target: `invoice:${id}` },
        (store) => markInvoicePaid(store.pool, id, { by: by() }).catch(withInvoiceHint),
      );
      output(command, plain(invoice), () => `Marked ${invoice.id} paid.`);
    });
  invoices
    .command("dispute")
    .description("Open a dispute, within 30 days of the invoice date")
    .argument("<id>", "invoice id")
    .requiredOption("--reason <text>", "what the customer disputes")
    .action(async (id: string, o: { reason: string }, command: Command) => {
      const entry = { action: "billing.invoice.dispute", target: `invoice:${id}`, reason: o.reason };
      const invoice = await withAuditedStore(command, entry, (store) =>
        disputeInvoice(store.pool, id, { reason: o.reason, by: by() }).catch(withInvoiceHint),
      );
      output(command, plain(invoice), () => `Invoice ${invoice.id} is disputed.`);
    });
  invoices
    .command("overdue")
    .description(
      "List issued invoices past their due date; --suspend suspends their accounts for non_payment",
    )
    .option("--suspend", "suspend each such account (reason non_payment) unless already suspended for it")
    .action(async (o: { suspend?: boolean }, command: Command) => {
      if (!o.suspend) {
        const rows = await withStore(command, (store) => overdueInvoices(store.pool));
        output(command, plain(rows), () => table(rows.map(invoiceRow), INVOICE_COLUMNS));
        return;
      }
      const entry = {
        action: "billing.overdue.suspend",
        target: "overdue",
        reason: "non_payment",
        resultTarget: (rs: OverdueSuspension[]) =>
          `overdue:${
            rs
              .filter((r) => r.suspension)
              .map((r) => `account:${r.accountId}`)
              .join(",") || "none"
          }`,
      };
      const results = await withAuditedStore(command, entry, (store) =>
        suspendOverdueAccounts(store.pool, { by: by() }),
      );
      output(command, plain(results), () =>
        table(
          results.map((r) => ({
            account: r.accountId,
            invoices: r.invoices.join(" "),
            suspension: r.suspension?.id ?? (r.refused ? `not suspended: ${r.refused}` : "already suspended"),
          })),
          ["account", "invoices", "suspension"],
        ),
      );
    });
}
