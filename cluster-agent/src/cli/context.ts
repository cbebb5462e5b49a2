import type { Command } from "commander";

/** A failure the operator can fix; printed as one line (or a JSON error with --json), exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Options every command inherits from the program: where the store is and how to print. */
export interface GlobalOptions {
  dataDir?: string;
  databaseUrl?: string;
  config?: string;
  json?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

/**
 * Prints a command's result: the value as JSON with --json (machine-readable, one document on stdout),
 * otherwise the human rendering.
 */
export function output(command: Command, value: unknown, human: () => string): void {
  if (globalOptions(command).json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** Renders rows as an aligned text table for human output. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return "(none)";
  const cells = rows.map((row) =>
    columns.map((c) => (row[c] === null || row[c] === undefined ? "" : String(row[c]))),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(columns), ...cells.map(line)].join("\n");
}
