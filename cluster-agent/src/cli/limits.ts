import { userInfo } from "node:os";
import type { Command } from "commander";
import { getAccount } from "../store/accounts.js";
import { getApiKey } from "../store/api-keys.js";
import { StoreError } from "../store/db.js";
import {
  effectiveLimits,
  getLimits,
  LIMIT_FIELDS,
  type LimitField,
  type LimitRecord,
  type LimitValues,
  setLimits,
} from "../store/limits.js";
import type { Store } from "../store/store.js";
import { withAuditedStore } from "./audit-trail.js";
import { CliError, output, table } from "./context.js";
import { withStore } from "./store-context.js";

/** Flag names as operators type them, to the stored fields. */
const FLAG_FIELDS: Record<string, LimitField> = {
  rpm: "rpm",
  tpm: "tpm",
  concurrency: "concurrency",
  "spend-cap": "spendCapEur",
};
const FIELD_FLAGS = Object.fromEntries(Object.entries(FLAG_FIELDS).map(([flag, field]) => [field, flag]));

interface SetOptions {
  account: string;
  key?: string;
  rpm?: string;
  tpm?: string;
  concurrency?: string;
  spendCap?: string;
  clear?: string[];
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new CliError(`--${flag} must be a whole number of 1 or more (got "${value}").`);
  return n;
}

function euros(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d{1,2})?$/.test(value.trim()) || !Number.isFinite(n))
    throw new CliError(`--spend-cap must be an amount in EUR such as 500 or 99.90 (got "${value}").`);
  return n;
}

/** Resolves the account (and key) first, so every mistake names the command that finds the right id. */
async function checkTarget(store: Store, accountId: string, keyId: string | undefined): Promise<void> {
  if (!(await getAccount(store.pool, accountId)))
    throw new CliError(`There is no account ${accountId}. Run \`accounts list\` to find the account id.`);
  if (keyId === undefined) return;
  const key = await getApiKey(store.pool, keyId);
  if (!key || key.accountId !== accountId) {
    throw new CliError(
      `Account ${accountId} has no API key ${keyId}. Run \`keys list --account ${accountId}\` to find it.`,
    );
  }
}

const show = (value: number | null, field: LimitField) =>
  value === null ? "unlimited" : field === "spendCapEur" ? `${value.toFixed(2)} EUR` : String(value);

export function registerLimitCommands(program: Command): void {
  const limits = program
    .command("limits")
    .description("Rate limits and spend caps per account (defaults for its keys) and per key (overrides)");

  limits
    .command("set")
    .description("Set or clear limits of an account, or of one of its keys with --key")
    .requiredOption("--account <id>", "the account")
    .option("--key <id>", "override for this key of the account instead of the account's own limits")
    .option("--rpm <n>", "requests per minute, across the cluster")
    .option("--tpm <n>", "tokens (prompt + completion) per minute, across the cluster")
    .option("--concurrency <n>", "requests running at once, across the cluster")
    .option("--spend-cap <eur>", "spend per calendar month, in EUR")
    .option("--clear <fields...>", "unset fields (rpm, tpm, concurrency, spend-cap); a key then inherits")
    .action(async (options: SetOptions, command: Command) => {
      const set: Partial<LimitValues> = {};
      if (options.rpm !== undefined) set.rpm = wholeNumber("rpm", options.rpm);
      if (options.tpm !== undefined) set.tpm = wholeNumber("tpm", options.tpm);
      if (options.concurrency !== undefined)
        set.concurrency = wholeNumber("concurrency", options.concurrency);
      if (options.spendCap !== undefined) set.spendCapEur = euros(options.spendCap);
      const clear = (options.clear ?? []).map((flag) => {
        const field = FLAG_FIELDS[flag];
        if (!field) throw new CliError(`--clear takes rpm, tpm, concurrency or spend-cap (got "${flag}").`);
        if (set[field] !== undefined) throw new CliError(`--${flag} cannot be both set and cleared.`);
        return field;
      });
      if (Object.keys(set).length === 0 && clear.length === 0)
        throw new CliError("Nothing to change: give --rpm, --tpm, --concurrency, --spend-cap or --clear.");
      const entry = {
        action: Object.keys(set).length === 0 ? "limits.clear" : "limits.set",
        target: options.key ? `account:${options.account}/key:${options.key}` : `account:${options.account}`,
      };
      const record = await withAuditedStore(command, entry, async (store) => {
        await checkTarget(store, options.account, options.key);
        try {
          return await setLimits(store.pool, {
            accountId: options.account,
            keyId: options.key,
            set,
            clear,
            updatedBy: `cli:${userInfo().username}`,
          });
        } catch (error) {
          if (error instanceof StoreError) throw new CliError(error.message);
          throw error;
        }
      });
      output(command, record, () => {
        const target = record.keyId ? `API key ${record.keyId}` : `account ${record.accountId}`;
        const values = LIMIT_FIELDS.map((f) => `${FIELD_FLAGS[f]} ${show(record[f], f)}`).join(", ");
        return `Limits of ${target}: ${values}. Every agent applies them within a second.`;
      });
    });

  limits
    .command("show")
    .description("Show the limits that apply to an account, or to one of its keys, and where each comes from")
    .requiredOption("--account <id>", "the account")
    .option("--key <id>", "one of the account's keys")
    .action(async (options: { account: string; key?: string }, command: Command) => {
      const rows = await withStore(command, async (store) => {
        await checkTarget(store, options.account, options.key);
        return getLimits(store.pool, options.account, options.key);
      });
      const effective = options.key
        ? effectiveLimits(rows.account, rows.key)
        : effectiveLimits(rows.account, undefined);
      const result = {
        accountId: options.account,
        keyId: options.key ?? null,
        limits: effective,
        account: rows.account ?? null,
        key: rows.key ?? null,
      };
      output(command, result, () => human(result.limits, rows.account, rows.key));
    });
}

function human(
  limits: ReturnType<typeof effectiveLimits>,
  account: LimitRecord | undefined,
  key: LimitRecord | undefined,
): string {
  const rows = LIMIT_FIELDS.map((field) => ({
    limit: FIELD_FLAGS[field],
    value: show(limits[field].value, field),
    from: limits[field].source === "none" ? "" : limits[field].source,
  }));
  const changed = [account, key]
    .filter((r): r is LimitRecord => r !== undefined)
    .map(
      (r) =>
        `${r.keyId ? "key" : "account"} limits last changed ${r.updatedAt.toISOString()} by ${r.updatedBy}`,
    );
  return [
    table(rows, ["limit", "value", "from"]),
    "",
    "rpm, tpm and concurrency hold for the whole cluster: each serving node enforces its share.",
    ...changed,
  ].join("\n");
}
