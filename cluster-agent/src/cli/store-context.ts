import { resolve } from "node:path";
import type { Command } from "commander";
import { createLogger } from "../common/log.js";
import { StoreError } from "../store/db.js";
import { openStore, type Store } from "../store/store.js";
import { CliError, globalOptions } from "./context.js";

/** `--data-dir`, else ENTRIM_DATA_DIR, else `./.entrim` (gitignored in a checkout). */
export function dataDirOf(command: Command): string {
  return resolve(globalOptions(command).dataDir ?? process.env.ENTRIM_DATA_DIR ?? ".entrim");
}

export function databaseUrlOf(command: Command): string | undefined {
  return globalOptions(command).databaseUrl || process.env.DATABASE_URL || undefined;
}

/**
 * Opens the store the global options point at, runs `fn`, and always closes it (which also stops an
 * embedded server this command had to start). Store errors become operator-facing CliErrors.
 */
export async function withStore<T>(
  command: Command,
  fn: (store: Store, dataDir: string) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const dataDir = dataDirOf(command);
  const databaseUrl = databaseUrlOf(command);
  // Warnings only: stdout carries the command's result and stays clean for --json.
  const logger = createLogger({ level: process.env.ENTRIM_LOG_LEVEL ?? "warn" });
  let store: Store;
  try {
    store = await openStore({ databaseUrl, dataDir, logger, migrate: options.migrate ?? true });
  } catch (error) {
    const where = databaseUrl ? "Check --database-url / DATABASE_URL." : `Check --data-dir (${dataDir}).`;
    throw new CliError(`${(error as Error).message}\n${where}`);
  }
  try {
    return await fn(store, dataDir);
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}
