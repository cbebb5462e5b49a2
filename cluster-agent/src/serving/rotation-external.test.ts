import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "../common/ports.js";
import { ExternalRuntime } from "../runtime/external.js";
import { Supervisor } from "../runtime/supervisor.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { Load, startTestApi } from "../test-support/load.js";
import { ModelRegistry, ServedModel } from "./models.js";
import { type RotationEvent, rotateModel } from "./rotation.js";
import { fixedMemoryPolicy } from "./rotation-memory.js";

const upstreamMain = fileURLToPath(new URL("../test-support/upstream-main.js", import.meta.url));
const MODEL = "big";

/**
 * One version of an externally served model: the stand-in engine as a supervised command on its own
 * port, serving under a version-specific upstream name, so a request that reached the wrong process
 * would get the engine's 404 instead of an answer.
 */
function version(port: number, name: string): { served: ServedModel; supervisor: Supervisor } {
  const url = `http://127.0.0.1:${port}/v1`;
  const supervisor = new Supervisor({
    name,
    command: [
      process.execPath,
      upstreamMain,
      "--port",
      String(port),
      "--model",
      name,
      "--token-delay-ms",
      "2",
    ],
    healthUrl: `${url}/models`,
    startTimeoutMs: 30_000,
    healthIntervalMs: 50,
    stopGraceMs: 5_000,
  });
  const runtime = new ExternalRuntime({
    modelId: MODEL,
    upstreamUrl: url,
    upstreamModel: name,
    contextLength: 4096,
    slots: 4,
    supervisor,
  });
  const scheduler = new Scheduler({ name: MODEL, slots: 4, queueLimit: 1000, queueTimeoutMs: 60_000 });
  return { served: new ServedModel({ runtime, scheduler, version: name }), supervisor };
}

async function rotateUnderLoad(samePort: boolean) {
  const models = new ModelRegistry();
  const portA = await freeLoopbackPort();
  const v1 = version(portA, "engine-v1");
  models.add(v1.served);
  await models.loadAll();
  const api = await startTestApi(models);
  const load = new Load({
    url: api.url,
    model: MODEL,
    prompts: ["one", "two", "three"],
    workers: 6,
    maxTokens: 5,
    stream: true,
  });
  try {
    await load.more(20);
    const v2 = version(samePort ? portA : await freeLoopbackPort(), "engine-v2");
    const events: RotationEvent[] = [];
    const result = await rotateModel({
      registry: models,
      modelId: MODEL,
      version: "engine-v2",
      build: () => v2.served,
      memory: fixedMemoryPolicy(!samePort),
      warmup: { generations: 3, maxTokens: 4 },
      idleTimeoutMs: 30_000,
      onProgress: (e) => events.push(e),
    });
    assert.equal(result.ok, true, JSON.stringify({ result, events }));
    assert.equal(models.get(MODEL), v2.served);
    assert.equal(v1.supervisor.state, "stopped", "the old engine process was stopped");
    assert.equal(v1.supervisor.pid, undefined);
    assert.equal(v2.supervisor.state, "healthy");
    await load.more(20);
    const all = await load.stop();
    const failed = all.filter((a) => a.status !== 200 || a.text === null);
    assert.deepEqual(failed, [], "no request failed");
    // The stand-in answers the same text on every engine; which engine answered is proven by the old
    // one being stopped while requests kept succeeding.
    assert.equal(new Set(all.map((a) => a.text)).size, 1);
    return events.map((e) => `${e.step}:${e.state}`);
  } finally {
    await load.stop();
    await api.close();
    await models.unloadAll();
  }
}

test("external: a second engine starts on its own port, takes over when healthy, the first stops", async () => {
  const steps = await rotateUnderLoad(false);
  assert.deepEqual(steps.slice(0, 5), [
    "load:started",
    "load:ok",
    "warmup:started",
    "warmup:ok",
    "switch:ok",
  ]);
  assert.deepEqual(steps.slice(-3), ["unload:started", "unload:ok", "done:ok"]);
});

test("external: when only one engine can run, it is restarted while requests wait", async () => {
  const steps = await rotateUnderLoad(true);
  assert.deepEqual(steps.slice(0, 4), ["drain:started", "drain:ok", "unload:started", "unload:ok"]);
  assert.equal(steps.at(-1), "done:ok");
});
