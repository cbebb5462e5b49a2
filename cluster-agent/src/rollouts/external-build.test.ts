import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createLogger } from "../common/log.js";
import type { EnginePolicy } from "../runtime/engine-launch.js";
import { StoreError } from "../store/db.js";
import { parseExternalOptions } from "../store/external-options.js";
import type { ModelVersion } from "../store/models.js";
import { setEnv } from "../test-support/env.js";
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

/** This node may start node (the stand-in engine's interpreter) and nothing else. */
const ALLOW_NODE: EnginePolicy = { allowedExecutables: [process.execPath], passEnv: [], env: {} };

const build = (
  runtimeOptions: Record<string, unknown>,
  tally = new VersionHealthTally(),
  engines: EnginePolicy = ALLOW_NODE,
) =>
  buildExternalVersion({
    version: version(runtimeOptions),
    artifactPath: artifact,
    base: undefined,
    engines,
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
    try {
      await assert.rejects(served.runtime.load(), /the engine did not start: not healthy within 1000 ms/);
      assert.equal((await served.runtime.health()).ok, false);
    } finally {
      // Should the port have been answered after all (another process took it), stop the stand-in,
      // or it would keep this test file running.
      await served.runtime.unload();
    }
  });

  it("give the engine an allowlisted environment: none of the agent's secrets, the catalogue's settings", async () => {
    const dump = join(dir, "env-allowlisted.json");
    const planted = {
      ENTRIM_KEY_PEPPER: "pepper-the-engine-must-not-see",
      DATABASE_URL: "postgres://agent:secret@db.internal/entrim",
      OTHER_ENGINE_KEY: "another-engines-key",
      CUDA_VISIBLE_DEVICES: "0,1",
    };
    const restoreEnv = setEnv(planted);
    try {
      const served = await build({
        command: standIn("--env-dump", dump),
        env: { HF_HUB_OFFLINE: "1", VLLM_LOGGING_LEVEL: "WARNING" },
      });
      await served.runtime.load();
      await served.runtime.unload();
    } finally {
      restoreEnv();
    }
    const { names } = JSON.parse(readFileSync(dump, "utf8")) as { names: string[] };
    for (const secret of ["ENTRIM_KEY_PEPPER", "DATABASE_URL", "OTHER_ENGINE_KEY"])
      assert.ok(!names.includes(secret), `${secret} reached the engine: ${names.join(" ")}`);
    for (const given of [
      "PATH",
      "CUDA_VISIBLE_DEVICES",
      "HF_HUB_OFFLINE",
      "VLLM_LOGGING_LEVEL",
      "ENTRIM_ENGINE_API_KEY",
    ])
      assert.ok(names.includes(given), `${given} is given to the engine`);
  });

  it("fail the load step, naming the setting, when the executable is not in the node's allowlist", async () => {
    const dump = join(dir, "env-refused.json");
    const served = await build({ command: standIn("--env-dump", dump) }, undefined, {
      ...ALLOW_NODE,
      allowedExecutables: ["/usr/local/bin/vllm"],
    });
    await assert.rejects(
      served.runtime.load(),
      /the engine did not start: the engine's executable .*node is not allowed on this node: add it .* engines\.allowedExecutables/,
    );
    assert.equal(existsSync(dump), false, "nothing was started");
  });

  it("find a bare command on the node's engine PATH, allowed by directory, and compare after links", async () => {
    const real = realpathSync(process.execPath);
    // A directory entry allows what lies in it; "node" is looked up on the PATH the node configures.
    const byDirectory: EnginePolicy = {
      ...ALLOW_NODE,
      path: dirname(real),
      allowedExecutables: [`${dirname(real)}/`],
    };
    const served = await build({ command: ["node", ...standIn().slice(1)] }, undefined, byDirectory);
    await served.runtime.load();
    await served.runtime.unload();
    // A link planted in an allowed directory does not carry what it points to into the allowlist.
    const planted = join(dir, "allowed-bin");
    mkdirSync(planted, { recursive: true });
    symlinkSync(real, join(planted, "engine"));
    const linked = await build({ command: [join(planted, "engine"), ...standIn().slice(1)] }, undefined, {
      ...ALLOW_NODE,
      allowedExecutables: [planted],
    });
    await assert.rejects(linked.runtime.load(), /is not allowed on this node/);
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

  it("refuse environment variables that change which code the engine runs, pointing to the node's config", () => {
    for (const name of [
      "LD_PRELOAD",
      "LD_LIBRARY_PATH",
      "PATH",
      "PYTHONPATH",
      "PYTHONSTARTUP",
      "NODE_OPTIONS",
      "BASH_ENV",
      "ENV",
      "DYLD_INSERT_LIBRARIES",
      "ENTRIM_KEY_PEPPER",
      "DATABASE_URL",
    ])
      refused(
        { command: ["e", "{port}"], env: { [name]: "/tmp/x" } },
        new RegExp(`env\\.${name} cannot be set by the catalogue: .*engines\\.env`),
      );
  });

  it("embed when the version says so, through the engine it started", async () => {
    const served = await build({ command: standIn("--model", "big"), embeddings: true });
    assert.deepEqual(served.runtime.model.capabilities, {
      chat: false,
      completions: false,
      embeddings: true,
      tools: false,
      logprobs: false,
    });
    await served.runtime.load();
    try {
      const result = await served.runtime.embed!({
        inputs: ["two words"],
        signal: new AbortController().signal,
      });
      assert.equal(result.vectors.length, 1);
      assert.equal(result.promptTokens, 2);
    } finally {
      await served.runtime.unload();
    }
    const plain = await build({ command: standIn() });
    assert.equal(plain.runtime.model.capabilities, undefined, "a generation model, as before");
  });

  it("take defaults for what a version leaves out", () => {
    const o = parseExternalOptions({ command: ["e", "{port}"], warmupPrompt: "Say hi" });
    assert.equal(o.placement, "beside");
    assert.equal(o.healthPath, "/v1/models");
    assert.deepEqual(o.env, {});
  });
});
