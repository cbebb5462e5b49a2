import { userInfo } from "node:os";
import type { Command } from "commander";
import { loadPepper } from "../config/pepper.js";
import { isApiKeyId, parseApiKey } from "../domain/api-key.js";
import { getAccount } from "../store/accounts.js";
import { type ApiKeyInfo, createApiKey, listApiKeys, revokeApiKey } from "../store/api-keys.js";
import { StoreError } from "../store/db.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { withStore } from "./store-context.js";

const NOT_SHOWN_AGAIN = "Store this key now: it cannot be shown again. Only its HMAC is kept.";

export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("Manage API keys");

  keys
    .command("create")
    .description("Create an API key for an account and print it once")
    .requiredOption("--account <id>", "account the key belongs to")
    .option("--name <name>", "a label for the key, e.g. where it is used")
    .option("--expires <date>", "refuse the key after this date or time (ISO 8601, at most two years ahead)")
    .action(async (options: { account: string; name?: string; expires?: string }, command: Command) => {
      const expiresAt = options.expires === undefined ? null : parseExpiry(options.expires);
      const entry = {
        action: "key.create",
        target: `account:${options.account}`,
        // The id only: the token must never reach the audit log.
        resultTarget: (r: { key: ApiKeyInfo; token: string }) => `account:${options.account}/key:${r.key.id}`,
      };
      const created = await withAuditedStore(command, entry, async (store, dataDir) => {
        const pepper = await loadPepper({ dataDir, env: process.env });
        try {
          return await createApiKey(store.pool, {
            accountId: options.account,
            name: options.name,
            createdBy: `cli:${userInfo().username}`,
            pepper,
            expiresAt,
          });
        } catch (error) {
          if (error instanceof StoreError && error.code === "not_found") {
            throw new CliError(`${error.message} Run \`accounts list\` to find the account id.`);
          }
          if (error instanceof StoreError && error.code === "invalid") throw new CliError(error.message);
          throw error;
        }
      });
      output(command, { ...created.key, token: created.token, warning: NOT_SHOWN_AGAIN }, () =>
        [
          `Created API key ${created.key.id} for account ${created.key.accountId}${
            created.key.expiresAt ? ` (expires ${created.key.expiresAt.toISOString()})` : ""
          }:`,
          "",
          `  ${created.token}`,
          "",
          NOT_SHOWN_AGAIN,
        ].join("\n"),
      );
    });

  keys
    .command("list")
    .description("List API keys (never their secrets)")
    .option("--account <id>", "only this account's keys")
    .action(async (options: { account?: string }, command: Command) => {
      const rows = await withStore(command, async (store) => {
        if (options.account && !(await getAccount(store.pool, options.account))) {
          throw new CliError(
            `There is no account ${options.account}. Run \`accounts list\` to find the account id.`,
          );
        }
        return listApiKeys(store.pool, options.account ? { accountId: options.account } : {});
      });
      output(command, rows, () =>
        table(
          rows.map((k) => ({
            id: k.id,
            account: k.accountId,
            name: k.name,
            created: k.createdAt.toISOString(),
            "last used": k.lastUsedAt?.toISOString() ?? "never",
            revoked: k.revokedAt?.toISOString() ?? "",
            expires: k.expiresAt?.toISOString() ?? "never",
          })),
          ["id", "account", "name", "created", "last used", "revoked", "expires"],
        ),
      );
    });

  keys
    .command("revoke")
    .description("Revoke an API key; every agent refuses it within a second")
    .argument("<id>", "the key's id (the 12 characters after sk-entrim-)")
    .action(async (id: string, _options: unknown, command: Command) => {
      const parsed = parseApiKey(id);
      if (parsed) {
        // The whole token would now sit in shell history; refuse and name what to pass instead.
        throw new CliError(
          `That is a full API key including its secret; pass only its id: keys revoke ${parsed.id}`,
        );
      }
      if (!isApiKeyId(id)) {
        throw new CliError(
          `"${id}" is not an API key id (12 characters a-z, 2-7). Run \`keys list\` to find it.`,
        );
      }
      const revoked = await withAuditedStore(
        command,
        { action: "key.revoke", target: `key:${id}` },
        async (store) => {
          try {
            return await revokeApiKey(store.pool, id);
          } catch (error) {
            if (error instanceof StoreError && error.code === "not_found") {
              throw new CliError(`${error.message} Run \`keys list\` to find the key id.`);
            }
            if (error instanceof StoreError && error.code === "conflict") {
              throw new CliError(`${error.message} Nothing to do.`);
            }
            throw error;
          }
        },
      );
      output(command, revoked, () => `Revoked API key ${revoked.id} of account ${revoked.accountId}.`);
    });
}

/** A date ("2027-06-30", taken as its start in UTC) or a full ISO 8601 time. */
function parseExpiry(text: string): Date {
  const trimmed = text.trim();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? new Date(`${trimmed}T00:00:00Z`) : new Date(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(date.getTime())) {
    throw new CliError(
      `"${text}" is not a date; write it as YYYY-MM-DD or an ISO 8601 time, e.g. 2027-06-30.`,
    );
  }
  return date;
}
