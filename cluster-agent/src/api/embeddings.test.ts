import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { getLlama, type LlamaEmbeddingContext, type LlamaModel } from "node-llama-cpp";
import { createLogger } from "../common/log.js";
import type { Meter } from "../metering/meter.js";
import { StorePriceBook } from "../metering/price-book.js";
import { EmbeddedRuntime } from "../runtime/embedded.js";
import { ExternalRuntime } from "../runtime/external.js";
import { writeTinyModel } from "../runtime/tiny-model.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { ModelRegistry } from "../serving/models.js";
import { addPriceVersion } from "../store/prices.js";
import { startTestMeter } from "../test-support/meter.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { startUpstream, type Upstream } from "../test-support/upstream.js";
import { upstreamEmbedding, upstreamEmbeddingTokens } from "../test-support/upstream-embeddings.js";
import { createApiServer } from "./server.js";

const KEY = "Bearer good";
// A multiple of 256: llama.cpp pads context sizes to it, and /v1/models reports the padded size.
const CONTEXT = 256;

let t: TestStore;
let meter: Meter;
let prices: StorePriceBook;
let upstream: Upstream;
let app: ReturnType<typeof createApiServer>;
let models: ModelRegistry;
/** The same GGUF opened directly, to know what the runtime should answer. */
let reference: { model: LlamaModel; context: LlamaEmbeddingContext };
const requestIds: string[] = [];

function unit(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
  return vector.map((v) => v / norm);
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length, "same width");
  for (let i = 0; i < actual.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <= tolerance,
      `dimension ${i}: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

async function expected(text: string): Promise<{ vector: number[]; tokens: number }> {
  const tokens = reference.model.tokenize(text);
  const count = reference.context.calculateInputLength(tokens.slice());
  const { vector } = await reference.context.getEmbeddingFor(tokens);
  return { vector: unit(vector), tokens: count };
}

interface Answer {
  status: number;
  body: {
    object?: string;
    data: { object: string; index: number; embedding: number[] | string }[];
    model: string;
    usage: { prompt_tokens: number; total_tokens: number };
    error?: { message: string; type: string; param: string | null; code: string | null };
  };
}

async function embed(payload: unknown, authorization: string | null = KEY): Promise<Answer> {
  const response = await app.inject({
    method: "POST",
    url: "/v1/embeddings",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    payload: JSON.stringify(payload),
  });
  if (response.statusCode === 200) requestIds.push(response.headers["x-request-id"] as string);
  return { status: response.statusCode, body: response.json() };
}

function decodeBase64(text: string): number[] {
  const bytes = Buffer.from(text, "base64");
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

before(async () => {
  t = await openTestStore();
  // The embedded model has an embedding price of its own; the external one has none (input price).
  await addPriceVersion(t.store.pool, {
    model: "tiny-embed",
    inputMicroEurPerM: 1_000_000n,
    cachedMicroEurPerM: 500_000n,
    outputMicroEurPerM: 2_000_000n,
    embeddingMicroEurPerM: 20_000n,
    createdBy: "test",
  });
  await addPriceVersion(t.store.pool, {
    model: "ext-embed",
    inputMicroEurPerM: 300_000n,
    cachedMicroEurPerM: 300_000n,
    outputMicroEurPerM: 300_000n,
    createdBy: "test",
  });
  prices = new StorePriceBook({ store: t.store });
  await prices.start();
  meter = await startTestMeter(t, { priceBook: prices });
  const { path } = await writeTinyModel({ out: join(t.dataDir, "tiny.gguf"), seed: 1 });
  upstream = await startUpstream();
  models = new ModelRegistry();
  const add = (runtime: EmbeddedRuntime | ExternalRuntime) =>
    models.add({
      runtime,
      scheduler: new Scheduler({ name: runtime.model.id, slots: 1, queueLimit: 8, queueTimeoutMs: 60_000 }),
    });
  const tiny = { modelPath: path, parallel: 1, threads: 1, gpuLayers: 0, contextSize: CONTEXT } as const;
  add(
    new EmbeddedRuntime({
      ...tiny,
      modelId: "tiny-embed",
      embeddings: { matryoshka: true, generation: true },
    }),
  );
  add(new EmbeddedRuntime({ ...tiny, modelId: "tiny-chat" }));
  add(
    new ExternalRuntime({
      modelId: "ext-embed",
      upstreamUrl: upstream.url,
      contextLength: 512,
      embeddings: { matryoshka: false, generation: false },
    }),
  );
  add(
    new ExternalRuntime({
      modelId: "ext-matryoshka",
      upstreamUrl: upstream.url,
      contextLength: 512,
      embeddings: { matryoshka: true, generation: false },
    }),
  );
  await models.loadAll();
  app = createApiServer({
    models,
    authenticator: {
      authenticate: (header) =>
        header === KEY
          ? { ok: true, keyId: "key_embed00000001", accountId: "acct_embed0000001" }
          : { ok: false, reason: header ? "unknown" : "missing" },
    },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 4 * 1024 * 1024,
    requestTimeoutMs: 30_000,
    meter,
    prices,
  });
  const llama = await getLlama({ gpu: false, build: "never" });
  const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  reference = { model, context: await model.createEmbeddingContext({ contextSize: CONTEXT, threads: 1 }) };
});

after(async () => {
  await app?.close();
  await models?.unloadAll();
  await reference?.context.dispose();
  await reference?.model.dispose();
  await upstream?.close();
  await prices?.stop();
  await t?.close();
});

describe("embedded model (the tiny GGUF)", () => {
  test("a string embeds to the model's own vector, unit length, billed the tokens evaluated", async () => {
    const want = await expected("the quick brown fox");
    const { status, body } = await embed({ model: "tiny-embed", input: "the quick brown fox" });
    assert.equal(status, 200);
    assert.equal(body.object, "list");
    assert.equal(body.model, "tiny-embed");
    assert.equal(body.data.length, 1);
    assert.equal(body.data[0]!.object, "embedding");
    assert.equal(body.data[0]!.index, 0);
    assertClose(body.data[0]!.embedding as number[], want.vector);
    assert.deepEqual(body.usage, { prompt_tokens: want.tokens, total_tokens: want.tokens });
  });

  test("base64 is the same vector as little-endian float32", async () => {
    const input = ["hello there", "a second one"];
    const floats = await embed({ model: "tiny-embed", input });
    const packed = await embed({ model: "tiny-embed", input, encoding_format: "base64" });
    assert.equal(packed.status, 200);
    for (const i of [0, 1]) {
      assert.equal(typeof packed.body.data[i]!.embedding, "string");
      assertClose(
        decodeBase64(packed.body.data[i]!.embedding as string),
        floats.body.data[i]!.embedding as number[],
      );
    }
    assert.deepEqual(packed.body.usage, floats.body.usage);
  });

  test("several inputs answer in order, each as it would alone, usage summed", async () => {
    const texts = ["alpha beta", "gamma", "delta epsilon zeta"];
    const { status, body } = await embed({ model: "tiny-embed", input: texts });
    assert.equal(status, 200);
    let tokens = 0;
    for (const [i, text] of texts.entries()) {
      const want = await expected(text);
      tokens += want.tokens;
      assert.equal(body.data[i]!.index, i);
      assertClose(body.data[i]!.embedding as number[], want.vector);
    }
    assert.equal(body.usage.prompt_tokens, tokens);
  });

  test("token ids embed like the text they encode; arrays of ids are several inputs", async () => {
    const ids = Array.from(reference.model.tokenize("jumps over"));
    const want = await expected("jumps over");
    const one = await embed({ model: "tiny-embed", input: ids });
    assert.equal(one.status, 200);
    assertClose(one.body.data[0]!.embedding as number[], want.vector);
    assert.equal(one.body.usage.prompt_tokens, want.tokens);
    const two = await embed({ model: "tiny-embed", input: [ids, ids] });
    assert.equal(two.body.data.length, 2);
    assert.equal(two.body.usage.prompt_tokens, 2 * want.tokens);
  });

  test("dimensions truncate and renormalise on a model configured for it", async () => {
    const want = await expected("short vector");
    const { status, body } = await embed({ model: "tiny-embed", input: "short vector", dimensions: 8 });
    assert.equal(status, 200);
    assertClose(body.data[0]!.embedding as number[], unit(want.vector.slice(0, 8)));
    const wide = await embed({ model: "tiny-embed", input: "x", dimensions: 100_000 });
    assert.equal(wide.status, 400);
    const tooWide = await embed({ model: "tiny-embed", input: "x", dimensions: 65 });
    assert.equal(tooWide.status, 400);
    assert.equal(tooWide.body.error!.param, "dimensions");
  });

  test("an input longer than the context is refused with context_length_exceeded", async () => {
    const { status, body } = await embed({ model: "tiny-embed", input: ["fine", "word ".repeat(400)] });
    assert.equal(status, 400);
    assert.equal(body.error!.code, "context_length_exceeded");
    assert.equal(body.error!.param, "input");
    assert.ok(!body.error!.message.includes("word word"), "the input is not quoted");
  });

  test("a token id outside the vocabulary is a 400, not a crash", async () => {
    const { status, body } = await embed({ model: "tiny-embed", input: [1, 2, 999_999] });
    assert.equal(status, 400);
    assert.equal(body.error!.param, "input");
    assert.equal((await embed({ model: "tiny-embed", input: "still serving" })).status, 200);
  });
});

describe("external engine (the stand-in)", () => {
  test("float and base64 carry the engine's vectors; usage is the engine's count", async () => {
    const input = ["one two three", "four"];
    const floats = await embed({ model: "ext-embed", input });
    assert.equal(floats.status, 200);
    for (const [i, text] of input.entries())
      assertClose(floats.body.data[i]!.embedding as number[], upstreamEmbedding(text), 1e-12);
    const tokens = input.reduce((s, text) => s + upstreamEmbeddingTokens(text), 0);
    assert.deepEqual(floats.body.usage, { prompt_tokens: tokens, total_tokens: tokens });
    const packed = await embed({ model: "ext-embed", input, encoding_format: "base64" });
    for (const i of [0, 1])
      assertClose(
        decodeBase64(packed.body.data[i]!.embedding as string),
        floats.body.data[i]!.embedding as number[],
      );
  });

  test("token-id input passes through; dimensions are refused on a model not marked matryoshka", async () => {
    const ids = await embed({ model: "ext-embed", input: [[5, 6, 7]] });
    assert.equal(ids.status, 200);
    assert.equal(ids.body.usage.prompt_tokens, 3);
    const cut = await embed({ model: "ext-embed", input: "x", dimensions: 4 });
    assert.equal(cut.status, 400);
    assert.equal(cut.body.error!.param, "dimensions");
  });
});

test("an external Matryoshka model's vectors are shortened here, whatever the engine does with dimensions", async () => {
  const { status, body } = await embed({ model: "ext-matryoshka", input: "cut me", dimensions: 4 });
  assert.equal(status, 200);
  assertClose(body.data[0]!.embedding as number[], unit(upstreamEmbedding("cut me").slice(0, 4)), 1e-12);
});

describe("refusals", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["an empty string", { model: "tiny-embed", input: "" }, "input"],
    ["an empty string among others", { model: "tiny-embed", input: ["a", ""] }, "input"],
    ["an empty array", { model: "tiny-embed", input: [] }, "input"],
    ["2049 inputs", { model: "tiny-embed", input: Array.from({ length: 2049 }, () => "a") }, "input"],
    ["a number as input", { model: "tiny-embed", input: 5 }, "input"],
    ["mixed strings and ids", { model: "tiny-embed", input: ["a", 1] }, "input"],
    ["a fractional token id", { model: "tiny-embed", input: [1.5] }, "input"],
    ["no input", { model: "tiny-embed" }, "input"],
    ["no model", { input: "a" }, "model"],
    ["a bad encoding_format", { model: "tiny-embed", input: "a", encoding_format: "hex" }, "encoding_format"],
    ["dimensions 0", { model: "tiny-embed", input: "a", dimensions: 0 }, "dimensions"],
    ["dimensions as text", { model: "tiny-embed", input: "a", dimensions: "8" }, "dimensions"],
    ["user as a number", { model: "tiny-embed", input: "a", user: 7 }, "user"],
    ["an unknown parameter", { model: "tiny-embed", input: "a", temperature: 1 }, "temperature"],
  ];
  for (const [name, payload, param] of cases) {
    test(`${name}: 400 naming ${param}`, async () => {
      const { status, body } = await embed(payload);
      assert.equal(status, 400);
      assert.equal(body.error!.type, "invalid_request_error");
      assert.equal(body.error!.param, param);
    });
  }

  test("a model that does not embed: 400 on model, naming the ones that do", async () => {
    const { status, body } = await embed({ model: "tiny-chat", input: "a" });
    assert.equal(status, 400);
    assert.equal(body.error!.param, "model");
    assert.match(body.error!.message, /tiny-embed/);
    assert.match(body.error!.message, /ext-embed/);
  });

  test("a model that only embeds refuses chat and completions on model", async () => {
    for (const [url, payload] of [
      ["/v1/chat/completions", { model: "ext-embed", messages: [{ role: "user", content: "hi" }] }],
      ["/v1/completions", { model: "ext-embed", prompt: "hi" }],
    ] as const) {
      const response = await app.inject({
        method: "POST",
        url,
        headers: { authorization: KEY, "content-type": "application/json" },
        payload,
      });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().error.param, "model");
      assert.equal(response.json().error.code, "model_not_supported");
    }
  });

  test("an unknown model: 404 model_not_found", async () => {
    const { status, body } = await embed({ model: "no-such-model", input: "a" });
    assert.equal(status, 404);
    assert.equal(body.error!.code, "model_not_found");
  });

  test("without a key: 401", async () => {
    assert.equal((await embed({ model: "tiny-embed", input: "a" }, null)).status, 401);
  });
});

test("GET /v1/models shows capabilities, context length and the price in force", async () => {
  const response = await app.inject({ method: "GET", url: "/v1/models", headers: { authorization: KEY } });
  assert.equal(response.statusCode, 200);
  const byId = new Map(
    (response.json().data as { id: string }[]).map((m) => [m.id, m as unknown as Record<string, unknown>]),
  );
  assert.deepEqual(byId.get("tiny-embed")!.capabilities, {
    chat: true,
    completions: true,
    embeddings: true,
    tools: true,
    logprobs: true,
  });
  assert.equal(byId.get("tiny-embed")!.context_length, CONTEXT);
  assert.deepEqual(byId.get("tiny-embed")!.pricing, {
    currency: "EUR",
    unit: "1M tokens",
    input: "1.000000",
    cached_input: "0.500000",
    output: "2.000000",
    embedding: "0.020000",
  });
  assert.equal((byId.get("tiny-chat")!.capabilities as { embeddings: boolean }).embeddings, false);
  assert.equal(byId.get("tiny-chat")!.pricing, null);
  assert.deepEqual(byId.get("ext-embed")!.capabilities, {
    chat: false,
    completions: false,
    embeddings: true,
    tools: false,
    logprobs: false,
  });
  assert.equal((byId.get("ext-embed")!.pricing as { embedding: string }).embedding, "0.300000");
  const one = await app.inject({
    method: "GET",
    url: "/v1/models/ext-embed",
    headers: { authorization: KEY },
  });
  assert.equal(one.json().context_length, 512);
});

// Last: stopping the meter ships what the spool holds.
test("each embeddings request is one usage event: endpoint embeddings, its tokens, the embedding price", async () => {
  const a = await embed({ model: "tiny-embed", input: "billing check" });
  const b = await embed({ model: "ext-embed", input: "billing check please" });
  const refused = await app.inject({
    method: "POST",
    url: "/v1/embeddings",
    headers: { authorization: KEY, "content-type": "application/json" },
    payload: { model: "tiny-embed", input: "" },
  });
  await meter.stop();
  const rows = await t.store.pool.query<{
    request_id: string;
    model: string;
    endpoint: string;
    status: string;
    prompt_tokens: number;
    completion_tokens: number;
    cost_pico_eur: string;
  }>(
    `SELECT request_id, model, endpoint, status, prompt_tokens, completion_tokens, cost_pico_eur::text
     FROM usage_events`,
  );
  const byId = new Map(rows.rows.map((r) => [r.request_id, r]));
  assert.equal(
    rows.rows.filter((r) => r.status === "completed").length,
    requestIds.length,
    "one event per answered request",
  );
  for (const id of requestIds) assert.equal(byId.get(id)?.endpoint, "embeddings");
  // The generation routes' refusals above carry their own endpoints.
  const endpoints = new Set(rows.rows.map((r) => r.endpoint));
  assert.deepEqual([...endpoints].sort(), ["chat.completions", "completions", "embeddings"]);
  const tiny = byId.get(requestIds.at(-2)!)!;
  assert.equal(tiny.prompt_tokens, a.body.usage.prompt_tokens);
  assert.equal(tiny.completion_tokens, 0);
  assert.equal(BigInt(tiny.cost_pico_eur), BigInt(a.body.usage.prompt_tokens) * 20_000n);
  const ext = byId.get(requestIds.at(-1)!)!;
  assert.equal(ext.prompt_tokens, b.body.usage.prompt_tokens);
  assert.equal(BigInt(ext.cost_pico_eur), BigInt(b.body.usage.prompt_tokens) * 300_000n, "input price");
  const rejected = byId.get(refused.headers["x-request-id"] as string)!;
  assert.equal(rejected.status, "rejected");
  assert.equal(rejected.endpoint, "embeddings");
  assert.equal(rejected.cost_pico_eur, "0");
});
