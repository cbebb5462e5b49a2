import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ArtifactCache } from "../cache/artifacts.js";
import { hashFile } from "../cache/fetch.js";
import { createLogger } from "../common/log.js";
import { ModelRegistry } from "../serving/models.js";
import { addModelVersion, createModel, getModelVersion } from "../store/models.js";
import { upsertNode } from "../store/nodes.js";
import { getNodeModelState, setDesiredVersion } from "../store/rollouts.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import { buildExternalVersion, externalMemoryPolicy } from "./external-build.js";
import { Reconciler } from "./reconciler.js";
import { VersionHealthTally } from "./version-health.js";

/**
 * One node's reconciler against a real store, serving a model through supervised stand-in engines:
 * what a rollout or RotateModel asks of the node (a desired version) starts the version's own command
 * and switches to it, and a version whose engine does not start leaves the old one serving.
 */
const upstreamMain = fileURLToPath(new URL("../test-support/upstream-main.js", import.meta.url));
const NODE = "gpu-1";
const MODEL = "big";
const logger = createLogger({ level: "silent" });
const scheduler = { queueLimit: 100, queueTimeoutMs: 30_000 };
let t: TestStore;
let cache: ArtifactCache;
let reconciler: Reconciler;
const registry = new ModelRegistry();

/** The stand-in engine answering `tokens` pieces, so each version's answer is its own. */
const engine = (tokens: number, extra: Record<string, unknown> = {}) => ({
  command: [
    process.execPath,
    upstreamMain,
    "--port",
    "{port}",
    "--model",
    "{model}-{version}",
    "--weights",
    "{artifact}",
    "--tokens",
    String(tokens),
  ],
  upstreamModel: "{model}-{version}",
  warmupGenerations: 1,
  ...extra,
});

const state = () => getNodeModelState(t.store.pool, NODE, MODEL);

async function answer(): Promise<string> {
  const served = registry.get(MODEL)!;
  const result = await served.runtime.generate({
    kind: "chat",
    messages: [{ role: "user", content: "hi" }],
    maxTokens: 8,
    temperature: 0,
    signal: new AbortController().signal,
  });
  return result.text;
}

before(async () => {
  t = await openTestStore();
  const pool = t.store.pool;
  const artifact = join(t.dataDir, "weights.bin");
  writeFileSync(artifact, "weights of every version");
  const { sha256, size } = await hashFile(artifact);
  await upsertNode(pool, { name: NODE, region: "eu-central", addresses: [], version: "test" });
  await createModel(pool, { name: MODEL, createdBy: "test" });
  const add = (version: string, runtimeOptions: Record<string, unknown>) =>
    addModelVersion(pool, {
      model: MODEL,
      version,
      artifactUri: `file://${artifact}`,
      sha256,
      sizeBytes: size,
      runtime: "external",
      runtimeOptions,
      createdBy: "test",
    });
  await add("v1", engine(2));
  await add("v2", engine(3));
  await add("v3", engine(4, { placement: "in-place" }));
  // Exits at once (an option the engine does not know), as an engine given a wrong flag does.
  await add("broken", { command: [process.execPath, upstreamMain, "--port", "{port}", "--tokenize", "no"] });

  cache = new ArtifactCache({ dir: join(t.dataDir, "artifacts"), maxBytes: 1024 ** 3, logger });
  await cache.open();
  const build = (
    version: NonNullable<Awaited<ReturnType<typeof getModelVersion>>>,
    path: string,
    tally: VersionHealthTally,
  ) =>
    buildExternalVersion({
      version,
      artifactPath: path,
      base: undefined,
      engines: { allowedExecutables: [process.execPath], passEnv: [], env: {} },
      tally,
      scheduler,
      logger,
    });
  // What the node's configuration started: v1's engine, named as catalogue version v1.
  const v1 = (await getModelVersion(pool, MODEL, "v1"))!;
  registry.add(await build(v1, artifact, new VersionHealthTally()));
  await registry.loadAll();
  reconciler = new Reconciler({
    store: t.store,
    node: NODE,
    registry,
    cache,
    startedFrom: () => undefined,
    configuredVersion: (id) => (id === MODEL ? "v1" : undefined),
    build,
    memory: (version) => externalMemoryPolicy(version),
    idleTimeoutMs: 10_000,
    logger,
  });
  await reconciler.start();
  await until("v1 is registered as live", async () => (await state())?.liveVersion === "v1");
});

after(async () => {
  await reconciler?.stop();
  await registry.unloadAll();
  await cache?.close();
  await t?.close();
});

it("rotates to an external version by starting its command, then stops the old engine", async () => {
  const old = registry.get(MODEL)!;
  assert.equal(await answer(), "Hello,");
  await setDesiredVersion(t.store.pool, NODE, MODEL, "v2");
  await until("v2 is live", async () => (await state())?.liveVersion === "v2");
  assert.equal((await state())?.state, "live");
  assert.equal(registry.get(MODEL)!.version, "v2");
  assert.equal(await answer(), "Hello, world");
  assert.equal((await old.runtime.health()).ok, false, "v1's engine was stopped");
});

it("a version whose engine exits at start fails at load; the node keeps serving the old version", async () => {
  await setDesiredVersion(t.store.pool, NODE, MODEL, "broken");
  await until("broken failed", async () => (await state())?.state === "failed");
  const row = (await state())!;
  assert.equal(row.liveVersion, "v2");
  assert.match(row.error ?? "", /^load: the engine exited with code 2 before it was healthy/);
  assert.equal(registry.get(MODEL)!.version, "v2");
  assert.equal(await answer(), "Hello, world");
});

it("an in-place version restarts the one engine (drain, stop, start) and serves", async () => {
  await setDesiredVersion(t.store.pool, NODE, MODEL, "v3");
  await until("v3 is live", async () => (await state())?.liveVersion === "v3");
  assert.equal(registry.get(MODEL)!.version, "v3");
  assert.equal(await answer(), "Hello, world —");
});
