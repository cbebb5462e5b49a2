import type { Command } from "commander";
import { TINY_MODEL_DEFAULT_SEED, writeTinyModel } from "../runtime/tiny-model.js";
import { CliError, output } from "./context.js";

function parseSeed(raw: string | undefined): number {
  if (raw === undefined) return TINY_MODEL_DEFAULT_SEED;
  const seed = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(seed) || seed > 0xffffffff)
    throw new CliError(`--seed must be an integer between 0 and 4294967295, got "${raw}"`);
  return seed;
}

/** `model ...`: model artifacts an operator prepares by hand. */
export function registerModelCommands(program: Command): void {
  const model = program.command("model").description("Prepare model files");

  model
    .command("make-tiny")
    .description("Write the tiny random-weight GGUF used by tests and first runs (deterministic per seed)")
    .requiredOption("--out <file>", "where to write the .gguf file")
    .option("--seed <n>", "weights seed; another seed makes another model version")
    .action(async (opts: { out: string; seed?: string }, command: Command) => {
      const seed = parseSeed(opts.seed);
      let file: Awaited<ReturnType<typeof writeTinyModel>>;
      try {
        file = await writeTinyModel({ out: opts.out, seed });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code && ["EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOTDIR", "EROFS"].includes(code))
          throw new CliError(`cannot write ${opts.out}: ${code}`);
        throw error;
      }
      output(
        command,
        { ...file, seed },
        () => `wrote ${file.path} (${file.bytes} bytes, sha256 ${file.sha256})`,
      );
    });
}
