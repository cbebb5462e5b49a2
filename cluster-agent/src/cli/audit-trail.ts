import { hostname, userInfo } from "node:os";
import type { Command } from "commander";
import { plainTextProblem } from "../common/text.js";
import { appendAudit, loadAuditKey } from "../store/audit-log.js";
import { type Db, transaction } from "../store/db.js";
import type { Store } from "../store/store.js";
import { CliError } from "./context.js";
import { withStore } from "./store-context.js";

/** Who acts from a shell: the OS user on this machine. The CLI needs store access, hence admin. */
export const cliOperator = () => `cli:${userInfo().username}@${hostname()}`;

export interface CliAuditEntry<T> {
  /** Dotted verb, e.g. "key.revoke". */
  action: string;
  /** What it acts on, e.g. "account:acct_…"; known before the command runs. */
  target: string;
  /** A better target once the result is known (the id of what was created). */
  resultTarget?: (result: T) => string;
  /** The operator's stated reason or note, "" when the command takes none. Never a secret. */
  reason?: string | undefined;
  /**
   * Only for `db migrate`: the audit log may not exist before it runs, so no "started" entry can be
   * written first; the outcome is recorded after, as the one entry.
   */
  outcomeOnly?: boolean;
}

/**
 * The fields every entry of a CLI command shares. Reasons and targets with control characters are
 * refused here, before anything is written: they would break the entry, and the change with it.
 */
function entryBase<T>(entry: CliAuditEntry<T>) {
  const reason = entry.reason ?? "";
  const problem = plainTextProblem("the reason", reason) ?? plainTextProblem("the target", entry.target);
  if (problem) throw new CliError(problem);
  return {
    operator: cliOperator(),
    role: "admin" as const,
    source: "cli" as const,
    action: entry.action,
    reason,
  };
}

/** Records a failed attempt as "error: <message>", best effort: the command's own error is what counts. */
async function recordFailure(
  store: Store,
  key: Buffer,
  node: string,
  base: ReturnType<typeof entryBase>,
  target: string,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await appendAudit(store.pool, node, { ...base, target, result: `error: ${message}` }, key).catch(() => {});
}

/**
 * Runs a state-changing command's store work with its audit trail: an entry "started" is written
 * before anything changes (a command whose entry cannot be written does nothing), then the outcome,
 * "ok" or "error: <message>". Reasons and targets with control characters are refused before either:
 * they would break the entry, and the change with it.
 */
export async function recordCli<T>(
  store: Store,
  key: Buffer,
  entry: CliAuditEntry<T>,
  perform: () => Promise<T>,
): Promise<T> {
  const base = entryBase(entry);
  const node = hostname();
  try {
    if (!entry.outcomeOnly)
      await appendAudit(store.pool, node, { ...base, target: entry.target, result: "started" }, key);
  } catch (error) {
    throw new CliError(
      `Nothing was changed: the audit entry could not be written first (${(error as Error).message}).`,
      1,
    );
  }
  let value: T;
  try {
    value = await perform();
  } catch (error) {
    // If the store is what failed, the entry cannot be written either; "started" stands.
    await recordFailure(store, key, node, base, entry.target, error);
    throw error;
  }
  try {
    const target = entry.resultTarget ? entry.resultTarget(value) : entry.target;
    await appendAudit(store.pool, node, { ...base, target, result: "ok" }, key);
  } catch (error) {
    throw new CliError(
      `The change was made (its "started" entry is in the audit log), but its outcome could not be recorded: ${(error as Error).message}`,
      1,
    );
  }
  return value;
}

/**
 * For a command whose whole change is made through one store transaction: `perform` makes it through
 * `db`, and the "ok" entry is appended in the same transaction, so both commit or neither does. A
 * failed attempt changed nothing and is recorded as "error: <message>", best effort.
 */
export async function recordCliChange<T>(
  store: Store,
  key: Buffer,
  entry: CliAuditEntry<T>,
  perform: (db: Db) => Promise<T>,
): Promise<T> {
  const base = entryBase(entry);
  const node = hostname();
  let performed = false;
  try {
    return await transaction(store.pool, async (db) => {
      const value = await perform(db);
      performed = true;
      const target = entry.resultTarget ? entry.resultTarget(value) : entry.target;
      await appendAudit(db, node, { ...base, target, result: "ok" }, key);
      return value;
    });
  } catch (error) {
    if (performed)
      throw new CliError(
        `Nothing was changed: the audit entry could not be written (${(error as Error).message}).`,
        1,
      );
    await recordFailure(store, key, node, base, entry.target, error);
    throw error;
  }
}

/** withStore for a state-changing command: the work is recorded in the audit log with its outcome. */
export function withAuditedStore<T>(
  command: Command,
  // A resultTarget needs its parameter type written out: T is inferred from it before fn is looked at.
  entry: CliAuditEntry<T>,
  fn: (store: Store, dataDir: string) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  return withStore(
    command,
    async (store, dataDir) =>
      recordCli(store, await loadAuditKey({ dataDir, env: process.env }), entry, () => fn(store, dataDir)),
    options,
  );
}
