import { chmodSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { Command } from "commander";
import { CliError } from "../cli/context.js";
import { startTestPostgres, type TestPostgres } from "./postgres.js";

/** A program with the global options the real entry point defines, for in-process CLI tests. */
export function testProgram(...register: ((program: Command) => void)[]): Command {
  const program = new Command("entrim-agent")
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .option("--data-dir <dir>", "data directory")
    .option("--database-url <url>", "PostgreSQL connection string")
    .option("--json", "machine-readable output");
  for (const fn of register) fn(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs one command line and returns what it printed on stdout. Only string writes are captured: the
 * test runner's own reporter writes buffers to the same stream and must pass through.
 */
export async function runCli(program: Command, args: string[]): Promise<string> {
  const original = process.stdout.write;
  let captured = "";
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string") {
      captured += chunk;
      return true;
    }
    return (original as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    process.stdout.write = original;
  }
  return captured;
}

export interface CliFixture {
  /** A fresh data directory, there from the start and removed after the file's tests. */
  readonly dataDir: string;
  /** The test PostgreSQL's URL, once it is up (whichever hook or test asks first starts it). */
  databaseUrl(): Promise<string>;
  /** Runs one command line against the test store and data directory; returns its stdout. */
  cli(...args: string[]): Promise<string>;
}

/**
 * The CLI test set-up every `cli/*.test.ts` shares: a test PostgreSQL and a data directory for the
 * file, registered as `before`/`after` hooks, and `cli()` running a program with the given commands.
 * Call it at the top level of a test file.
 */
export function cliFixture(...register: ((program: Command) => void)[]): CliFixture {
  const dataDir = mkdtempSync(join(tmpdir(), "entrim-test-"));
  chmodSync(dataDir, 0o711);
  // Started by whichever comes first, the `before` hook or a `cli()` call from the file's own hooks:
  // Node 20 runs a file's top-level `before` hooks concurrently, so their order promises nothing.
  let starting: Promise<TestPostgres> | undefined;
  const start = () => {
    starting ??= startTestPostgres();
    return starting;
  };
  before(async () => {
    await start();
  });
  after(async () => {
    if (starting) await (await starting).stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    databaseUrl: async () => (await start()).url,
    cli: async (...args) => {
      const { url } = await start();
      return runCli(testProgram(...register), ["--database-url", url, "--data-dir", dataDir, ...args]);
    },
  };
}

/** Matches the `CliError` a command throws for a mistake the operator can fix, by its message. */
export const cliError = (message: RegExp) => (error: unknown) =>
  error instanceof CliError && message.test(error.message);
