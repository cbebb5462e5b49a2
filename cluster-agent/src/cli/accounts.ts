import type { Command } from "commander";
import {
  ACCOUNT_STATUSES,
  type Account,
  type AccountStatus,
  createAccount,
  isValidEmail,
  listAccounts,
} from "../store/accounts.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { registerDataSubjectCommands } from "./data-subject.js";
import { withStore } from "./store-context.js";

export function registerAccountCommands(program: Command): void {
  const accounts = program.command("accounts").description("Manage customer accounts");

  accounts
    .command("create")
    .description("Create an active customer account")
    .requiredOption("--name <name>", "account name shown to operators")
    .requiredOption("--email <email>", "contact address for the account")
    .option("--company <company>", "legal entity, if any")
    .action(async (options: { name: string; email: string; company?: string }, command: Command) => {
      // Checked before touching the store, so a typo does not start a database.
      if (!isValidEmail(options.email.trim())) {
        throw new CliError(
          `"${options.email}" is not a valid email address; pass --email like ops@example.eu.`,
        );
      }
      const account = await withAuditedStore(
        command,
        { action: "account.create", target: "account:new", resultTarget: (a: Account) => `account:${a.id}` },
        (store) => createAccount(store.pool, options),
      );
      output(command, account, () => `Created account ${account.id} (${account.name}, ${account.email}).`);
    });

  accounts
    .command("list")
    .description("List accounts")
    .option("--status <status>", `only accounts in this status (${ACCOUNT_STATUSES.join(", ")})`)
    .action(async (options: { status?: string }, command: Command) => {
      if (options.status && !ACCOUNT_STATUSES.includes(options.status as AccountStatus)) {
        throw new CliError(`Unknown status "${options.status}"; use one of ${ACCOUNT_STATUSES.join(", ")}.`);
      }
      const filter = options.status ? { status: options.status as AccountStatus } : {};
      const rows = await withStore(command, (store) => listAccounts(store.pool, filter));
      output(command, rows, () =>
        table(
          rows.map((a) => ({ ...a, created: a.createdAt.toISOString() })),
          ["id", "name", "email", "company", "status", "created"],
        ),
      );
    });

  registerDataSubjectCommands(accounts);
}
