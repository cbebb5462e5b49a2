import { Command } from "commander";

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
