import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import {
  type AccountExport,
  eraseAccount,
  exportAccount,
  restrictAccount,
  unrestrictAccount,
} from "../store/data-subject.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, output } from "./context.js";

const actor = () => `cli:${userInfo().username}`;
const ACCOUNT_ID = /^acct_[a-z0-9]{16,40}$/;

function checkAccountId(id: string): void {
  if (!ACCOUNT_ID.test(id)) {
    throw new CliError(
      `"${id}" is not an account id; pass one like acct_0123456789abcdef (see accounts list).`,
    );
  }
}

function checkReason(reason: string | undefined): string {
  if (!reason?.trim()) {
    throw new CliError(
      'Say why with --reason "…" (a ticket or request reference; never the person\'s name or email).',
    );
  }
  return reason;
}

/**
 * Erasure cannot be undone, so a person at a terminal types the account id again; a script must say
 * --yes, and without a terminal nobody could answer, so the command refuses rather than hangs.
 */
async function confirmErasure(id: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new CliError(
      `Erasure cannot be undone and there is no terminal to confirm it; add --yes to erase ${id}.`,
    );
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const typed = await prompt.question(
      `This erases the personal data of ${id} for good. Type the account id: `,
    );
    if (typed.trim() !== id) throw new CliError("The id typed does not match; nothing was erased.");
  } finally {
    prompt.close();
  }
}

function summary(document: AccountExport): Record<string, number> {
  return {
    keys: document.keys.length,
    usageEvents: document.usageEvents.length,
    invoices: document.invoices?.length ?? 0,
    invoiceLines: document.invoiceLines?.length ?? 0,
    suspensions: document.suspensions.length,
    securityEvents: document.securityEvents.length,
  };
}

/** `accounts export|erase|restrict|unrestrict`: the data-subject rights, for operators. */
export function registerDataSubjectCommands(accounts: Command): void {
  accounts
    .command("export")
    .description("Write everything held about an account as one JSON document (access, portability)")
    .argument("<id>", "account id")
    .option("--out <file>", "write the document to this file (mode 0600) instead of stdout")
    .action(async (id: string, options: { out?: string }, command: Command) => {
      checkAccountId(id);
      const document = await withAuditedStore(
        command,
        { action: "data-subject.export", target: `account:${id}` },
        (store) => exportAccount(store.pool, id, actor()),
      );
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (!options.out) {
        // The document is the result, with or without --json.
        process.stdout.write(text);
        return;
      }
      // Personal data: readable by the operator only.
      await writeFile(options.out, text, { mode: 0o600 });
      const counts = summary(document);
      output(command, { file: options.out, accountId: id, counts }, () =>
        [`Exported ${id} to ${options.out}:`, ...Object.entries(counts).map(([k, n]) => `  ${k}: ${n}`)].join(
          "\n",
        ),
      );
    });

  accounts
    .command("erase")
    .description("Erase an account's personal data, revoke its keys; invoices and usage amounts stay")
    .argument("<id>", "account id")
    .option("--reason <text>", "why (ticket or request reference), recorded with who did it")
    .option("--yes", "do not ask to type the account id again")
    .action(async (id: string, options: { reason?: string; yes?: boolean }, command: Command) => {
      checkAccountId(id);
      const reason = checkReason(options.reason);
      await confirmErasure(id, options.yes);
      const done = await withAuditedStore(
        command,
        { action: "data-subject.erase", target: `account:${id}`, reason },
        (store) => eraseAccount(store.pool, id, actor(), reason),
      );
      output(command, done, () =>
        [
          `Erased ${id}: personal data removed, keys revoked, invoices and usage amounts kept.`,
          ...Object.entries(done.counts).map(([table, n]) => `  ${table}: ${n} row(s) changed`),
        ].join("\n"),
      );
    });

  accounts
    .command("restrict")
    .description("Stop processing for an account (every agent refuses its requests) without erasing")
    .argument("<id>", "account id")
    .option("--reason <text>", "why, recorded with who did it")
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      checkAccountId(id);
      const reason = checkReason(options.reason);
      const done = await withAuditedStore(
        command,
        { action: "data-subject.restrict", target: `account:${id}`, reason },
        (store) => restrictAccount(store.pool, id, actor(), reason),
      );
      output(command, done, () => `Restricted ${id}: its requests are refused on every agent.`);
    });

  accounts
    .command("unrestrict")
    .description("Lift a restriction: the account is active again")
    .argument("<id>", "account id")
    .option("--reason <text>", "why, recorded with who did it")
    .action(async (id: string, options: { reason?: string }, command: Command) => {
      checkAccountId(id);
      const entry = {
        action: "data-subject.unrestrict",
        target: `account:${id}`,
        reason: options.reason ?? "",
      };
      const done = await withAuditedStore(command, entry, (store) =>
        unrestrictAccount(store.pool, id, actor(), options.reason ?? ""),
      );
      output(command, done, () => `Unrestricted ${id}: the account is active again.`);
    });
}
