import { hostname, userInfo } from "node:os";
import type { Command } from "commander";
import { appendAudit, loadAuditKey } from "../store/audit-log.js";
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
}

/**
 * Runs a state-changing command's store work and appends its audit entry with the outcome: "ok", or
 * "error: <message>" before the error goes on to the operator. When the entry cannot be written after
 * the change was made, the command fails saying so: a change nobody can trace must not look fine.
 */
export async function recordCli<T>(
  store: Store,
  key: Buffer,
  entry: CliAuditEntry<T>,
  perform: () => Promise<T>,
): Promise<T> {
  const base = {
    operator: cliOperator(),
    role: "admin" as const,
    source: "cli" as const,
    action: entry.action,
    reason: entry.reason ?? "",
  };
  const node = hostname();
  let value: T;
  try {
    value = await perform();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Best effort: if the store is what failed, the entry cannot be written either, and nothing changed.
    await appendAudit(
      store.pool,
      node,
      { ...base, target: entry.target, result: `error: ${message}` },
      key,
    ).catch(() => {});
    throw error;
  }
  try {
    const target = entry.resultTarget ? entry.resultTarget(value) : entry.target;
    await appendAudit(store.pool, node, { ...base, target, result: "ok" }, key);
  } catch (error) {
    throw new CliError(
      `The change was made, but its audit entry could not be written: ${(error as Error).message}`,
      1,
    );
  }
  return value;
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
