import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { EmbeddedRuntime } from "../runtime/embedded.js";
import { writeTinyModel } from "../runtime/tiny-model.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { greedyAnswers } from "../test-support/greedy-answers.js";
import { type Answer, Load, startTestApi, type TestApi } from "../test-support/load.js";
import { ModelRegistry, RotationInProgressError, ServedModel } from "./models.js";
import { type RotationEvent, type RotationOptions, rotateModel } from "./rotation.js";
import { embeddedMemoryPolicy, fixedMemoryPolicy } from "./rotation-memory.js";

const MODEL = "tiny";
const MAX_TOKENS = 6;
const PROMPTS = ["Hello there", "What is the capital of France?", "Count to five", "Tell me a story"];
const dir = mkdtempSync(join(tmpdir(), "entrim-rotation-"));
const paths = { v1: "", v2: "", corrupt: join(dir, "corrupt.gguf") };
/** What each version answers to each prompt, greedy: the only answers the load may see. */
const expected = { v1: new Map<string, string>(), v2: new Map<string, string>() };

function version(path: string, name: string): ServedModel {
  const runtime = new EmbeddedRuntime({
    modelPath: path,
    modelId: MODEL,
    parallel: 2,
    threads: 1,
    gpuLayers: 0,
  });
  const scheduler = new Scheduler({ name: MODEL, slots: 2, queueLimit: 1000, queueTimeoutMs: 60_000 });
  return new ServedModel({ runtime, scheduler, version: name });
}

const answers = (path: string) =>
  greedyAnswers(path, { modelId: MODEL, prompts: PROMPTS, maxTokens: MAX_TOKENS });

before(async () => {
  paths.v1 = (await writeTinyModel({ out: join(dir, "v1.gguf"), seed: 1 })).path;
  paths.v2 = (await writeTinyModel({ out: join(dir, "v2.gguf"), seed: 2 })).path;
  // A truncated download: a valid header whose tensor data is missing (fails fast, as it should).
  writeFileSync(paths.corrupt, readFileSync(paths.v2).subarray(0, 20_000));
  expected.v1 = await answers(paths.v1);
  expected.v2 = await answers(paths.v2);
  assert.ok(
    PROMPTS.some((p) => expected.v1.get(p) !== expected.v2.get(p)),
    "the two versions answer differently",
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** A registry serving v1 behind the real API, with load running. */
async function serving(): Promise<{ models: ModelRegistry; v1: ServedModel; api: TestApi; load: Load }> {
  const models = new ModelRegistry();
  const v1 = models.add(version(paths.v1, "v1"));
  await models.loadAll();
  const api = await startTestApi(models);
  const load = new Load({
    url: api.url,
    model: MODEL,
    prompts: PROMPTS,
    workers: 5,
    maxTokens: MAX_TOKENS,
    stream: true,
  });
  await load.more(5);
  return { models, v1, api, load };
}

function which(answer: Answer): "v1" | "v2" | "both" | "neither" {
  const a = expected.v1.get(answer.prompt) === answer.text;
  const b = expected.v2.get(answer.prompt) === answer.text;
  return a && b ? "both" : a ? "v1" : b ? "v2" : "neither";
}

function assertAllGood(all: Answer[]): void {
  const failed = all.filter((a) => a.status !== 200 || a.text === null);
  assert.deepEqual(failed, [], "no request failed");
  const odd = all.filter((a) => which(a) === "neither");
  assert.deepEqual(odd, [], "every answer is what v1 or v2 says to that prompt");
}

async function rotate(extra: Partial<RotationOptions> & Pick<RotationOptions, "registry" | "build">) {
  const events: RotationEvent[] = [];
  const result = await rotateModel({
    modelId: MODEL,
    version: "v2",
    memory: fixedMemoryPolicy(true),
    warmup: { generations: 3, maxTokens: 4 },
    idleTimeoutMs: 30_000,
    ...extra,
    onProgress: (e) => {
      events.push(e);
      extra.onProgress?.(e);
    },
  });
  return { result, events, steps: events.map((e) => `${e.step}:${e.state}`) };
}

test("beside: under load, no request fails, new requests get v2, v1 unloads after its last request", async () => {
  const { models, v1, api, load } = await serving();
  try {
    let switchedAt = Number.POSITIVE_INFINITY;
    let inFlightAtUnload = -1;
    const v2 = version(paths.v2, "v2");
    const { result, steps } = await rotate({
      registry: models,
      build: () => v2,
      onProgress: (e) => {
        if (e.step === "switch" && e.state === "ok") switchedAt = performance.now();
        if (e.step === "unload" && e.state === "started") inFlightAtUnload = v1.inFlight;
      },
    });
    assert.deepEqual(result, {
      ok: true,
      modelId: MODEL,
      version: "v2",
      previousVersion: "v1",
      mode: "beside",
    });
    assert.equal(models.get(MODEL), v2);
    assert.equal(inFlightAtUnload, 0, "v1 is unloaded only once no request holds it");
    assert.deepEqual(await v1.runtime.health(), { ok: false, detail: "not loaded" });
    assert.deepEqual(models.all(), [v2], "the retired version is forgotten");
    await load.more(10);
    const all = await load.stop();
    assertAllGood(all);
    const after = all.filter((a) => a.startedAt > switchedAt);
    assert.ok(after.length >= 10);
    assert.deepEqual(
      after.filter((a) => which(a) === "v1"),
      [],
      "requests sent after the switch are answered by v2",
    );
    assert.ok(
      all.some((a) => which(a) === "v1"),
      "v1 answered before the switch",
    );
    assert.deepEqual(steps, [
      "load:started",
      "load:ok",
      "warmup:started",
      "warmup:ok",
      "switch:ok",
      "retire:started",
      "retire:ok",
      "unload:started",
      "unload:ok",
      "done:ok",
    ]);
  } finally {
    await load.stop();
    await api.close();
    await models.unloadAll();
  }
});

test("drain (no room for both): requests wait instead of failing, then run on v2", async () => {
  const { models, v1, api, load } = await serving();
  try {
    const v2 = version(paths.v2, "v2");
    const { result, steps } = await rotate({
      registry: models,
      build: () => v2,
      memory: fixedMemoryPolicy(false),
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(steps, [
      "drain:started",
      "drain:ok",
      "unload:started",
      "unload:ok",
      "load:started",
      "load:ok",
      "warmup:started",
      "warmup:ok",
      "switch:ok",
      "done:ok",
    ]);
    assert.equal(models.get(MODEL), v2);
    assert.equal(v1.inFlight, 0);
    await load.more(10);
    assertAllGood(await load.stop());
  } finally {
    await load.stop();
    await api.close();
    await models.unloadAll();
  }
});

test("a failing version rolls back: the old one keeps serving, the result names the step", async () => {
  const { models, v1, api, load } = await serving();
  try {
    const corrupt = await rotate({ registry: models, build: () => version(paths.corrupt, "bad") });
    assert.equal(corrupt.result.ok, false);
    assert.equal(!corrupt.result.ok && corrupt.result.failedStep, "load");
    assert.equal(!corrupt.result.ok && corrupt.result.rolledBack, true);
    assert.deepEqual(corrupt.steps, ["load:started", "load:failed", "rollback:started", "rollback:ok"]);

    const throws = await rotate({
      registry: models,
      build: () => {
        throw new Error("no such artifact");
      },
    });
    assert.deepEqual(!throws.result.ok && [throws.result.failedStep, throws.result.reason], [
      "load",
      "no such artifact",
    ]);

    // A real runtime failing its warm-up: prompts beyond its context, as a broken template would.
    const tooLong = [{ role: "user" as const, content: "word ".repeat(5000) }];
    const warm = await rotate({
      registry: models,
      build: () => version(paths.v2, "v2"),
      warmup: { generations: 3, maxTokens: 4, messages: tooLong },
    });
    assert.equal(!warm.result.ok && warm.result.failedStep, "warmup");
    assert.match(!warm.result.ok ? warm.result.reason : "", /context/);

    // Drain mode rolls back too: v1 is loaded again and the held requests run on it.
    const drained = await rotate({
      registry: models,
      build: () => version(paths.corrupt, "bad"),
      memory: fixedMemoryPolicy(false),
    });
    assert.equal(!drained.result.ok && drained.result.failedStep, "load");
    assert.equal(!drained.result.ok && drained.result.rolledBack, true);

    assert.equal(models.get(MODEL), v1);
    assert.equal(v1.admitting, true);
    await load.more(10);
    const all = await load.stop();
    assertAllGood(all);
    assert.deepEqual(
      all.filter((a) => which(a) === "v2"),
      [],
      "only v1 ever answered",
    );
  } finally {
    await load.stop();
    await api.close();
    await models.unloadAll();
  }
});

test("a second rotation of the same model is refused while one runs", async () => {
  const models = new ModelRegistry();
  models.add(version(paths.v1, "v1"));
  await models.loadAll();
  try {
    const first = rotate({ registry: models, build: () => version(paths.v2, "v2") });
    await assert.rejects(
      rotate({ registry: models, build: () => version(paths.v2, "v3") }),
      (error: unknown) =>
        error instanceof RotationInProgressError && /already being rotated/.test(error.message),
    );
    assert.equal((await first).result.ok, true);
    const again = await rotate({ registry: models, build: () => version(paths.v1, "v1-again") });
    assert.equal(again.result.ok, true, "the model can be rotated again once the first finished");
  } finally {
    await models.unloadAll();
  }
});

test("a rotation cancelled before the switch rolls back and names the step it stopped at", async () => {
  const models = new ModelRegistry();
  const v1 = models.add(version(paths.v1, "v1"));
  await models.loadAll();
  try {
    const cancel = new AbortController();
    const v2 = version(paths.v2, "v2");
    const { result, steps } = await rotate({
      registry: models,
      build: () => v2,
      signal: cancel.signal,
      onProgress: (e) => {
        if (e.step === "warmup" && e.state === "ok") cancel.abort();
      },
    });
    assert.deepEqual(!result.ok && [result.failedStep, result.reason], ["switch", "rotation cancelled"]);
    assert.deepEqual(steps.slice(-3), ["switch:failed", "rollback:started", "rollback:ok"]);
    assert.equal(models.get(MODEL), v1);
    assert.equal((await v2.runtime.health()).ok, false, "the new version was unloaded");
  } finally {
    await models.unloadAll();
  }
});

test("embedded memory policy: file size with a margin against free RAM", async () => {
  const size = 2 * 1024 * 1024 * 1024;
  const file = (free: number) =>
    embeddedMemoryPolicy({ modelPath: paths.v2, margin: 1.5, reserveBytes: 0, freeRam: () => free });
  assert.equal(await file(size).canLoadBeside(), true);
  assert.equal(await file(0).canLoadBeside(), false);
  const gpu = embeddedMemoryPolicy({
    modelPath: paths.v2,
    reserveBytes: 0,
    llama: { gpu: "cuda", getVramState: async () => ({ total: 10, used: 10, free: 0, unifiedSize: 0 }) },
    freeRam: () => size,
  });
  assert.equal(await gpu.canLoadBeside(), false, "on a GPU node VRAM decides, not RAM");
  assert.match(gpu.describe?.() ?? "", /VRAM/);
});
