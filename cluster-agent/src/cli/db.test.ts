import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readMigrations } from "../store/migrate.js";
import { runCli, testProgram } from "../test-support/cli.js";
import { useEnv } from "../test-support/env.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { CliError } from "./context.js";
import { registerDbCommands } from "./db.js";

let base: string;
// The embedded store of the data dir, not a DATABASE_URL the environment may carry.
useEnv({ DATABASE_URL: undefined });

before(async () => {
  base = await makeTempDataDir();
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("entrim-agent db", () => {
  it("migrates the embedded store of a data dir and reports its status", async () => {
    const dataDir = join(base, "data");
    const cli = (...args: string[]) =>
      runCli(testProgram(registerDbCommands), ["--data-dir", dataDir, ...args]);
    const files = await readMigrations();

    const before = JSON.parse(await cli("--json", "db", "status"));
    assert.ok(before.migrations.every((m: { state: string }) => m.state === "pending"));
    assert.doesNotMatch(before.store, /postgres:[^*@]+@/, "the password is masked");

    const applied = await cli("db", "migrate");
    for (const file of files) assert.match(applied, new RegExp(`  ${file.file}`));
    assert.match(await cli("db", "migrate"), /is up to date/);

    const status = await cli("db", "status");
    assert.match(status, /^Store: postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/entrim\n/);
    assert.match(status, /version\s+name\s+state\s+applied\n1\s+accounts_keys_nodes\s+applied\s+\d{4}-/);
  });

  it("names the store it cannot reach, without its password", async () => {
    const cli = runCli(testProgram(registerDbCommands), [
      "--data-dir",
      base,
      "--database-url",
      "postgresql://entrim:hunter2@127.0.0.1:1/entrim",
      "db",
      "status",
    ]);
    await assert.rejects(cli, (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.match(error.message, /postgresql:\/\/entrim:\*\*\*@127\.0\.0\.1:1\/entrim/);
      assert.doesNotMatch(error.message, /hunter2/);
      assert.match(error.message, /--database-url/);
      return true;
    });
  });
});
