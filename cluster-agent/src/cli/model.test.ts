import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Command } from "commander";
import { registerModelCommands } from "./model.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-cli-model-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<string> {
  const program = new Command().option("--json").exitOverride();
  registerModelCommands(program);
  let stdout = "";
  const write = process.stdout.write;
  // Only strings are ours: node:test's runner shares stdout with serialized (binary) reports.
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== "string")
      return (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "entrim-agent", ...args]);
  } finally {
    process.stdout.write = write;
  }
  return stdout;
}

test("model make-tiny --json reports the file it wrote", async () => {
  const out = join(dir, "models", "tiny.gguf");
  const report = JSON.parse(await cli(["--json", "model", "make-tiny", "--out", out, "--seed", "5"]));
  const bytes = readFileSync(out);
  assert.deepEqual(report, {
    path: out,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    seed: 5,
  });
});

test("model make-tiny refuses a seed that is not a 32-bit unsigned integer", async () => {
  await assert.rejects(cli(["model", "make-tiny", "--out", join(dir, "x.gguf"), "--seed", "-3"]), {
    name: "CliError",
  });
});
