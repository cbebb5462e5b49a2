import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import pg from "pg";
import { makeArtifacts, type TestArtifact } from "../test-support/artifacts.js";
import { cliError, cliFixture, runCli } from "../test-support/cli.js";
import { registerCatalogCommands } from "./models.js";
import { createProgram } from "./program.js";

let tiny: TestArtifact;
const fixture = cliFixture(registerCatalogCommands);
const { cli, dataDir } = fixture;

before(async () => {
  [tiny] = await makeArtifacts(dataDir, [7]);
});

describe("entrim-agent catalog", () => {
  it("inspects a file for add-version", async () => {
    const json = JSON.parse(await cli("--json", "catalog", "inspect", tiny.path));
    assert.deepEqual(json, { path: tiny.path, uri: tiny.uri, sha256: tiny.sha256, size: tiny.size });
    const human = await cli("catalog", "inspect", tiny.path);
    assert.match(human, new RegExp(`--uri ${tiny.uri} --sha256 ${tiny.sha256} --size ${tiny.size}`));
    await assert.rejects(cli("catalog", "inspect", join(dataDir, "nope")), cliError(/Cannot read .*ENOENT/));
  });

  it("adds models and versions and lists them", async () => {
    assert.match(
      await cli("catalog", "add-model", "--name", "tiny", "--description", "test model"),
      /Added model tiny/,
    );
    // Through the real program, whose own --version would swallow a subcommand's --version.
    const program = createProgram().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    const added = JSON.parse(
      await runCli(program, [
        "--database-url",
        await fixture.databaseUrl(),
        "--data-dir",
        dataDir,
        "--json",
        "catalog",
        "add-version",
        "--model",
        "tiny",
        "--model-version",
        "v1",
        "--uri",
        tiny.uri,
        "--sha256",
        tiny.sha256,
        "--size",
        String(tiny.size),
        "--context-length",
        "2048",
        "--option",
        "gpuLayers=0",
        "--option",
        "flashAttention=true",
        "--param",
        "temperature=0.7",
        "--param",
        'stop=["###"]',
      ]),
    );
    assert.equal(added.version, "v1");
    assert.deepEqual(added.runtimeOptions, { gpuLayers: 0, flashAttention: true });
    assert.deepEqual(added.defaultParams, { temperature: 0.7, stop: ["###"] });
    assert.equal(added.contextLength, 2048);

    const listed = JSON.parse(await cli("--json", "catalog", "list"));
    assert.deepEqual(
      listed.map((m: { name: string; versions: { version: string }[] }) => [
        m.name,
        m.versions.map((v) => v.version),
      ]),
      [["tiny", ["v1"]]],
    );
    assert.match(
      await cli("catalog", "list"),
      new RegExp(`tiny\\s+v1\\s+embedded\\s+0.00 GiB\\s+${tiny.sha256.slice(0, 12)}`),
    );
    assert.equal(await cli("catalog", "nodes"), "(none)\n");
  });

  it("warns when publishing an external version that nodes run only if their config allows its executable", async () => {
    await cli("catalog", "add-model", "--name", "engine-model");
    const original = process.stderr.write;
    let warned = "";
    process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === "string") {
        warned += chunk;
        return true;
      }
      return (original as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
      await cli(
        ...[
          "catalog",
          "add-version",
          "--model",
          "engine-model",
          "--model-version",
          "e1",
          "--runtime",
          "external",
        ],
        ...["--uri", tiny.uri, "--sha256", tiny.sha256, "--size", String(tiny.size)],
        ...["--option", 'command=["vllm","serve","{artifact}","--port","{port}"]'],
      );
    } finally {
      process.stderr.write = original;
    }
    assert.match(
      warned,
      /warning: nodes start this version only if their configuration allows its executable vllm \(engines\.allowedExecutables.*"vllm" is not an absolute path/,
    );
    // The catalogue refuses outright what may never reach an engine.
    await assert.rejects(
      cli(
        ...[
          "catalog",
          "add-version",
          "--model",
          "engine-model",
          "--model-version",
          "e2",
          "--runtime",
          "external",
        ],
        ...["--uri", tiny.uri, "--sha256", tiny.sha256, "--size", String(tiny.size)],
        ...[
          "--option",
          'command=["/opt/vllm/bin/vllm","{port}"]',
          "--option",
          'env={"LD_PRELOAD":"/tmp/x.so"}',
        ],
      ),
      /env\.LD_PRELOAD cannot be set by the catalogue/,
    );
  });

  it("explains every mistake", async () => {
    const version = [
      "--model",
      "tiny",
      "--uri",
      tiny.uri,
      "--sha256",
      tiny.sha256,
      "--size",
      String(tiny.size),
    ];
    await assert.rejects(cli("catalog", "add-model", "--name", "tiny"), cliError(/already is a model tiny/));
    await assert.rejects(
      cli("catalog", "add-version", "--model-version", "v1", ...version),
      cliError(/already has a version v1/),
    );
    await assert.rejects(
      cli("catalog", "add-version", "--model-version", "v2", ...version, "--runtime", "vllm"),
      cliError(/--runtime is embedded or external/),
    );
    await assert.rejects(
      cli("catalog", "add-version", "--model-version", "v2", ...version.slice(0, -1), "12MB"),
      cliError(/--size must be a whole number/),
    );
    await assert.rejects(
      cli("catalog", "add-version", "--model-version", "v2", ...version, "--option", "novalue"),
      cliError(/not key=value/),
    );
    const external = ["add-version", "--model-version", "x1", ...version, "--runtime", "external"];
    await assert.rejects(
      cli("catalog", ...external),
      cliError(/command is required: a JSON array .*--option 'command=\["vllm"/),
    );
    await assert.rejects(
      cli("catalog", ...external, "--option", "command=vllm serve"),
      cliError(/command is required: a JSON array/),
    );
    await assert.rejects(
      cli("catalog", ...external, "--option", 'command=["vllm","serve"]'),
      cliError(/command must pass \{port\}/),
    );
    await assert.rejects(
      cli("catalog", ...external, "--option", 'command=["e","{port}"]', "--option", "placement=drain"),
      cliError(/placement is "beside" or "in-place"/),
    );
    await assert.rejects(
      cli("catalog", "stage", "--uri", tiny.uri),
      cliError(/Give --uri with --sha256 and --size/),
    );
    await assert.rejects(
      cli("catalog", "stage", "--model", "tiny", "--model-version", "v9"),
      cliError(/no version v9.*catalog list/),
    );
  });

  it("stages into <data-dir>/artifacts, from the catalogue or a URI, and refuses wrong bytes", async () => {
    const staged = JSON.parse(
      await cli("--json", "catalog", "stage", "--model", "tiny", "--model-version", "v1"),
    );
    assert.equal(staged.path, join(dataDir, "artifacts", "sha256", tiny.sha256));
    assert.equal(staged.fetched, true);
    assert.deepEqual(await readFile(staged.path), tiny.bytes);
    const again = await cli(
      "catalog",
      "stage",
      "--uri",
      tiny.path,
      "--sha256",
      tiny.sha256,
      "--size",
      String(tiny.size),
    );
    assert.equal(again, `Already cached: ${staged.path} (verified).\n`);
    await assert.rejects(
      cli("catalog", "stage", "--uri", tiny.path, "--sha256", "0".repeat(64), "--size", String(tiny.size)),
      cliError(new RegExp(`sha256 mismatch: expected ${"0".repeat(64)}, got ${tiny.sha256}`)),
    );
  });
  it("retires a model on a date (notifying its recent users) and cancels a retirement", async () => {
    await cli("catalog", "add-model", "--name", "retiring-7b");
    await cli("catalog", "add-model", "--name", "next-8b");
    const date = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const human = await cli(
      "models",
      "deprecate",
      "--model",
      "retiring-7b",
      "--date",
      date,
      "--replacement",
      "next-8b",
    );
    assert.match(human, new RegExp(`Every agent refuses retiring-7b from ${date}`));
    const db = new pg.Client({ connectionString: await fixture.databaseUrl() });
    await db.connect();
    try {
      const retiring = async () =>
        (await db.query("SELECT retires_at, replacement FROM models WHERE name = 'retiring-7b'")).rows[0];
      assert.equal((await retiring()).replacement, "next-8b");
      assert.equal((await retiring()).retires_at.toISOString().slice(0, 10), date);
      assert.match(await cli("models", "undeprecate", "--model", "retiring-7b"), /no longer retiring/);
      assert.equal((await retiring()).retires_at, null);
      const audit = await db.query(
        "SELECT action FROM audit_log WHERE target = 'model:retiring-7b' AND result = 'ok' ORDER BY seq",
      );
      assert.deepEqual(
        audit.rows.map((row) => row.action),
        ["model.create", "model.deprecate", "model.undeprecate"],
      );
    } finally {
      await db.end();
    }
    await assert.rejects(
      cli("models", "deprecate", "--model", "retiring-7b", "--date", date, "--replacement", "retiring-7b"),
      cliError(/cannot replace itself/),
    );
    await assert.rejects(cli("models", "undeprecate", "--model", "nope"), cliError(/no model nope/));
  });
});
