import type { Command } from "commander";
import { notifyEveryAccount } from "../notices/broadcast.js";
import { StoreError } from "../store/db.js";
import { isNoticeKind, listNotices, NOTICE_KINDS, type Notice, publishNotice } from "../store/notices.js";
import { cliOperator, withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { withStore } from "./store-context.js";

/** A date ("2027-01-31", its start in UTC) or a full ISO 8601 time. */
function parseTime(text: string, option: string): Date {
  const trimmed = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? new Date(`${trimmed}T00:00:00Z`) : new Date(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(date.getTime()))
    throw new CliError(`${option} "${text}" is not a date; write YYYY-MM-DD or an ISO 8601 time.`);
  return date;
}

/** Service notices customers read in the portal, until the console has a view for them (issue 16). */
export function registerNoticeCommands(program: Command): void {
  const notices = program.command("notices").description("Post and list service notices shown in the portal");

  notices
    .command("publish")
    .description("Post a notice to every account, or to one with --account")
    .requiredOption("--title <text>", "a short title (at most 200 characters)")
    .requiredOption("--body <text>", "what happens and what customers should do (at most 5000 characters)")
    .option("--account <id>", "only this account reads it (default: every account)")
    .option("--kind <kind>", `one of ${NOTICE_KINDS.join(", ")}`, "service")
    .option("--expires <date>", "stop showing it after this date or time")
    .action(
      async (
        options: { title: string; body: string; account?: string; kind: string; expires?: string },
        command: Command,
      ) => {
        if (!isNoticeKind(options.kind))
          throw new CliError(`--kind must be one of ${NOTICE_KINDS.join(", ")} (got "${options.kind}").`);
        const kind = options.kind;
        const expiresAt = options.expires === undefined ? null : parseTime(options.expires, "--expires");
        const entry = {
          action: "notice.publish",
          target: options.account ? `account:${options.account}` : "notices:global",
          resultTarget: (n: Notice) => `notice:${n.id}`,
          reason: options.title,
        };
        const notice = await withAuditedStore(command, entry, async (store) => {
          try {
            return await publishNotice(store.pool, {
              accountId: options.account ?? null,
              kind,
              title: options.title,
              body: options.body,
              expiresAt,
              createdBy: cliOperator(),
            });
          } catch (error) {
            if (error instanceof StoreError && (error.code === "invalid" || error.code === "not_found"))
              throw new CliError(error.message);
            throw error;
          }
        });
        output(
          command,
          notice,
          () => `Published notice ${notice.id} to ${notice.accountId ?? "every account"}.`,
        );
      },
    );

  notices
    .command("maintenance")
    .description("Announce scheduled maintenance to every open account (non-essential: the opt-out applies)")
    .requiredOption("--title <text>", "a short title (at most 200 characters)")
    .requiredOption("--body <text>", "what is affected and what customers should do")
    .requiredOption("--start <time>", "when it starts (ISO 8601 time or YYYY-MM-DD)")
    .requiredOption("--end <time>", "when it ends")
    .action(
      async (options: { title: string; body: string; start: string; end: string }, command: Command) => {
        const start = parseTime(options.start, "--start");
        const end = parseTime(options.end, "--end");
        if (end <= start) throw new CliError("--end must lie after --start.");
        const entry = {
          action: "notice.maintenance",
          target: "notices:every-account",
          reason: options.title,
        };
        const report = await withAuditedStore(command, entry, (store) =>
          notifyEveryAccount(store.pool, {
            kind: "maintenance",
            essential: false,
            title: options.title,
            body: `${options.body.trim()}\n\nFrom ${start.toISOString()} to ${end.toISOString()}.`,
            effectiveAt: start,
            createdBy: cliOperator(),
          }).catch((error: unknown) => {
            if (error instanceof StoreError && error.code === "invalid") throw new CliError(error.message);
            throw error;
          }),
        );
        output(
          command,
          report,
          () =>
            `Announced to ${report.accounts} accounts: ${report.mails} emails queued, ${report.optedOut} opted out of non-essential mail (they see it in the portal).`,
        );
      },
    );

  notices
    .command("list")
    .description("List notices, newest first (expired ones too)")
    .option("--account <id>", "only the notices posted to this account")
    .action(async (options: { account?: string }, command: Command) => {
      const rows = await withStore(command, (store) =>
        listNotices(store.pool, options.account ? { accountId: options.account } : {}),
      );
      output(command, rows, () =>
        table(
          rows.map((n) => ({
            id: n.id,
            to: n.accountId ?? "everyone",
            kind: n.kind,
            title: n.title,
            published: n.publishedAt.toISOString(),
            expires: n.expiresAt?.toISOString() ?? "never",
          })),
          ["id", "to", "kind", "title", "published", "expires"],
        ),
      );
    });
}
