import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createLogger } from "../common/log.js";
import { StoreError } from "../store/db.js";
import { parseExternalOptions } from "../store/external-options.js";
import type { ModelVersion } from "../store/models.js";
import { buildExternalVersion, externalMemoryPolicy } from "./external-build.js";
import { VersionHealthTally } from "./version-health.js";

const upstreamMain = fileURLToPath(new URL("../test-support/upstream-main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "entrim-external-build-"));
const artifact = join(dir, "weights.bin");
writeFileSync(artifact, "weights");
after(() => rmSync(dir, { recursive: true, force: true }));

const standIn = (...extra: string[]) => [
  process.execPath,
  upstreamMain,
  "--port",
  "{port}",
  "--weights",
  "{artifact}",
  ...extra,
];

function version(runtimeOptions: Record<string, unknown>): ModelVersion {
  return {
    model: "big",
    version: "v2",
    artifactUri: `file://${artifact}`,
    sha256: "a".repeat(64),
    sizeBytes: 7,
    runtime: "external",
    runtimeOptions,
    contextLength: 4096,
    defaultParams: {},
    createdAt: new Date(),
    createdBy: "test",
  };
}

const build = (runtimeOptions: Record<string, unknown>, tally = new VersionHealthTally()) =>
  buildExternalVersion({
    version: version(runtimeOptions),
    artifactPath: artifact,
    base: undefined,
    tally,
    scheduler: { queueLimit: 10, queueTimeoutMs: 10_000 },
    logger: createLogger({ level: "silent" }),
  });

const generate = (served: Awaited<ReturnType<typeof build>>) =>
  served.runtime.generate({
    kind: "chat",
    messages: [{ role: "user", content: "hi" }],
    maxTokens: 3,
    temperature: 0,
    signal: new AbortController().signal,
  });

describe("external versions built from the catalogue", () => {
  it("start their command on a fresh port with the placeholders filled, answer, and stop on unload", async () => {
    const tally = new VersionHealthTally();
    const served = await build(
      { command: standIn("--model", "{model}-{version}"), upstreamModel: "{model}-{version}" },
      tally,
    );
    assert.equal(served.version, "v2");
    await served.runtime.load();
    assert.deepEqual(await served.runtime.health(), { ok: true, detail: "ready" });
    const result = await generate(served);
    // The engine serves only "big-v2": an answer proves the name reached it filled in.
    assert.equal(result.text, "Hello, world");
    assert.equal(tally.stats(60).requests, 1, "the version's generations count for its rollout gates");
    await served.runtime.unload();
    assert.equal((await served.runtime.health()).ok, false, "the engine was stopped");
  });

  it("fails its load at once, saying why, when the command exits before it is healthy", async () => {
    // The stand-in exits 2 when its weights are missing, as an engine pointed at the wrong path would.
    const served = await build({ command: standIn("--weights", join(dir, "missing.bin")) });
    const started = Date.now();
    await assert.rejects(served.runtime.load(), /the engine exited with code 2 before it was healthy/);
    assert.ok(Date.now() - started < 10_000, "no restart-with-backoff while a rollout waits");
  });

  it("fails its load when the engine is not healthy within startTimeoutMs, and kills it", async () => {
    const served = await build({
      // Listens, but somewhere the agent never looks: health on {port} never answers.
      command: [process.execPath, upstreamMain, "--port", "0", "--model", "x{port}"],
      startTimeoutMs: 1000,
    });
    await assert.rejects(served.runtime.load(), /the engine did not start: not healthy within 1000 ms/);
    assert.equal((await served.runtime.health()).ok, false);
  });

  it("answer the placement: beside by default, drain first when in place", async () => {
    const command = standIn();
    assert.equal(await externalMemoryPolicy(version({ command })).canLoadBeside(), true);
    assert.equal(
      await externalMemoryPolicy(version({ command, placement: "in-place" })).canLoadBeside(),
      false,
    );
  });
});

describe("external version options", () => {
  const refused = (options: Record<string, unknown>, message: RegExp) =>
    assert.throws(
      () => parseExternalOptions(options),
      (e: unknown) => e instanceof StoreError && e.code === "invalid" && message.test(e.message),
    );

  it("refuse what a node could not run, saying what to write instead", () => {
    refused({}, /command is required: a JSON array/);
    refused({ command: "vllm serve x" }, /command is required/);
    refused({ command: ["vllm", "serve", "x"] }, /command must pass \{port\}/);
    refused(
      { command: ["e", "{port}"], tensorParalel: 2 },
      /tensorParalel is not known; external versions take/,
    );
    refused({ command: ["e", "{port}"], placement: "drain" }, /placement is "beside" or "in-place"/);
    refused({ command: ["e", "{port}"], slots: 0 }, /slots must be a whole number from 1 to 4096/);
    refused({ command: ["e", "{port}"], startTimeoutMs: 10 }, /startTimeoutMs must be a whole number/);
    refused({ command: ["e", "{port}"], healthPath: "health" }, /healthPath must be a path starting with \//);
    refused({ command: ["e", "{port}"], env: { "A-B": "1" } }, /env.A-B must be a variable name/);
  });

  it("take defaults for what a version leaves out", () => {
    const o = parseExternalOptions({ command: ["e", "{port}"], warmupPrompt: "Say hi" });
    assert.equal(o.placement, "beside");
    assert.equal(o.healthPath, "/v1/models");
    assert.deepEqual(o.env, {});
  });
});
