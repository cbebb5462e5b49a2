import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getLlama, type LlamaModel, type Token } from "node-llama-cpp";
import { ApiError } from "../common/errors.js";
import { defaultThreads, EmbeddedRuntime } from "./embedded.js";
import { writeTinyModel } from "./tiny-model.js";
import type { GenerationRequest, GenerationResult } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-embedded-"));
let modelPath = "";
let runtime: EmbeddedRuntime;
/** The same file loaded straight through node-llama-cpp: an oracle independent of the adapter. */
let oracle: LlamaModel;

before(async () => {
  modelPath = (await writeTinyModel({ out: join(dir, "tiny.gguf"), seed: 1 })).path;
  runtime = new EmbeddedRuntime({ modelPath, modelId: "tiny", parallel: 2, threads: 1, gpuLayers: 0 });
  await runtime.load();
  const llama = await getLlama({ gpu: false, build: "never" });
  oracle = await llama.loadModel({ modelPath, gpuLayers: 0 });
});

after(async () => {
  await runtime.unload();
  await oracle.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const live = () => new AbortController().signal;
const chat = (extra: Partial<GenerationRequest> = {}): GenerationRequest =>
  ({
    kind: "chat",
    messages: [
      { role: "system", content: "You are brief." },
      { role: "user", content: "Hello world, what time is it?" },
      { role: "assistant", content: "It is noon." },
      { role: "user", content: "Thank you. <|im_end|> is not a control token here." },
    ],
    maxTokens: 40,
    temperature: 0,
    signal: live(),
    ...extra,
  }) as GenerationRequest;
const completion = (extra: Partial<GenerationRequest> = {}): GenerationRequest =>
  ({
    kind: "completion",
    prompt: "Once upon a time the people of the cluster",
    maxTokens: 40,
    temperature: 0,
    signal: live(),
    ...extra,
  }) as GenerationRequest;

async function generate(request: GenerationRequest, rt = runtime) {
  const deltas: string[] = [];
  const result = await rt.generate(request, (d) => deltas.push(d));
  assert.equal(deltas.join(""), result.text, "the deltas add up to the text");
  return { ...result, deltas };
}

test("loads with its slots, context and health", async () => {
  assert.equal(runtime.kind, "embedded");
  assert.equal(runtime.slots, 2);
  assert.equal(runtime.model.id, "tiny");
  assert.equal(runtime.model.contextLength, 2048);
  assert.deepEqual(await runtime.health(), { ok: true, detail: "loaded" });
});

test("prompt tokens are the ChatML prompt and the BOS-prefixed completion, as counted", async () => {
  const bos = oracle.tokens.bos as Token;
  const special = (text: string) => oracle.tokenize(text, true);
  // Message text stays text: a "<|im_end|>" typed by a user is characters, not the control token.
  const text = (t: string) => oracle.tokenize(t, false);
  const expectedChat = [
    bos,
    ...special("<|im_start|>system\n"),
    ...text("You are brief."),
    ...special("<|im_end|>\n<|im_start|>user\n"),
    ...text("Hello world, what time is it?"),
    ...special("<|im_end|>\n<|im_start|>assistant\n"),
    ...text("It is noon."),
    ...special("<|im_end|>\n<|im_start|>user\n"),
    ...text("Thank you. <|im_end|> is not a control token here."),
    ...special("<|im_end|>\n<|im_start|>assistant\n"),
  ];
  assert.equal(await runtime.countPromptTokens(chat()), expectedChat.length);
  assert.equal((await generate(chat())).usage.promptTokens, expectedChat.length);

  const expectedCompletion = [bos, ...text("Once upon a time the people of the cluster")];
  assert.equal(await runtime.countPromptTokens(completion()), expectedCompletion.length);
  assert.equal((await generate(completion())).usage.promptTokens, expectedCompletion.length);
});

test("chat and completion stop at maxTokens with exactly maxTokens completion tokens", async () => {
  for (const request of [chat({ maxTokens: 37 }), completion({ maxTokens: 37, temperature: 0.9, seed: 5 })]) {
    const r = await generate(request);
    assert.equal(r.finishReason, "length");
    assert.equal(r.aborted, false);
    assert.equal(r.usage.completionTokens, 37);
    assert.equal(r.usage.cachedTokens, 0);
    assert.ok(r.text.length > 0);
  }
});

test("completion tokens are the tokens the model generated, and the text is their detokenization", async () => {
  const request = completion({ maxTokens: 64 });
  const r = await generate(request);
  // Greedy decoding straight on a sequence, without the adapter: the same tokens must come out.
  const context = await oracle.createContext({ contextSize: 256, threads: 1 });
  try {
    const sequence = context.getSequence();
    const prompt = [oracle.tokens.bos as Token, ...oracle.tokenize((request as { prompt: string }).prompt)];
    const generated: Token[] = [];
    for await (const token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true })) {
      generated.push(token);
      if (generated.length === 64) break;
    }
    assert.equal(r.usage.completionTokens, generated.length);
    assert.equal(r.text, oracle.detokenize(generated));
  } finally {
    await context.dispose();
  }
});

test("greedy output is identical across runs, seeded sampling too, and requests do not leak into each other", async () => {
  const a = await generate(chat());
  await generate(completion({ temperature: 1, seed: 9 }));
  const b = await generate(chat());
  assert.equal(a.text, b.text);
  assert.deepEqual(a.usage, b.usage);

  const s1 = await generate(completion({ temperature: 1, seed: 42 }));
  const s2 = await generate(completion({ temperature: 1, seed: 42 }));
  const s3 = await generate(completion({ temperature: 1, seed: 43 }));
  assert.equal(s1.text, s2.text);
  assert.notEqual(s1.text, s3.text);
});

test("a model written with another seed is another model version with other output", async () => {
  const otherPath = (await writeTinyModel({ out: join(dir, "tiny-2.gguf"), seed: 2 })).path;
  // gpuLayers left at "auto": without a GPU that is the CPU, a normal state rather than an error.
  const other = new EmbeddedRuntime({ modelPath: otherPath, modelId: "tiny", threads: 1 });
  await other.load();
  try {
    const mine = await generate(chat());
    const theirs = await generate(chat(), other);
    assert.equal(theirs.usage.promptTokens, mine.usage.promptTokens, "same tokenizer");
    assert.notEqual(theirs.text, mine.text);
  } finally {
    await other.unload();
  }
});

test("stop strings end the text before the stop, in deltas too", async () => {
  const full = await generate(completion({ maxTokens: 60 }));
  // A stop taken from the middle of the greedy output: the rerun must end right before it.
  let at = 20;
  while (full.text.indexOf(full.text.slice(at, at + 3)) !== at) at++;
  const stop = full.text.slice(at, at + 3);
  const cut = await generate(completion({ maxTokens: 60, stop: [stop, "never appears \u0000"] }));
  assert.equal(cut.text, full.text.slice(0, at));
  assert.equal(cut.finishReason, "stop");
  assert.ok(cut.usage.completionTokens < 60);
  // The tokens that spelled the stop were generated and are billed: exactly N tokens complete the stop.
  const n = cut.usage.completionTokens;
  assert.ok((await generate(completion({ maxTokens: n }))).text.includes(stop));
  assert.ok(!(await generate(completion({ maxTokens: n - 1 }))).text.includes(stop));
});

test("an abort mid-generation resolves with the partial text and frees the slot", async () => {
  const controller = new AbortController();
  let deltas = 0;
  const r = await runtime.generate(completion({ maxTokens: 1500, signal: controller.signal }), () => {
    if (++deltas === 5) controller.abort();
  });
  assert.equal(r.aborted, true);
  assert.equal(r.finishReason, "stop");
  assert.ok(r.usage.completionTokens >= 5 && r.usage.completionTokens < 1500);
  assert.ok(r.usage.promptTokens > 0);
  assert.equal(runtime.stats().active, 0);

  const again = await generate(completion());
  assert.equal(again.finishReason, "length");
  const early = await generate(completion({ signal: AbortSignal.abort() }));
  assert.equal(early.aborted, true);
  assert.deepEqual(early.usage, { promptTokens: 0, completionTokens: 0, cachedTokens: 0 });
});

test("two slots generate at once; a third request finds no free sequence", async () => {
  const alone = await generate(chat());
  let maxActive = 0;
  const watch = () => {
    maxActive = Math.max(maxActive, runtime.stats().active);
  };
  const first = runtime.generate(chat(), watch);
  const second = runtime.generate(completion({ maxTokens: 200 }), watch);
  const third = runtime.generate(completion());
  await assert.rejects(third, /no free sequence/);
  const [a, b] = await Promise.all([first, second]);
  assert.equal(maxActive, 2);
  assert.equal(a.text, alone.text, "a concurrent neighbour does not change the output");
  assert.equal(b.usage.completionTokens, 200);
  assert.equal(runtime.stats().active, 0);
});

test("json_schema output parses; json_object output is held to JSON by the grammar", async () => {
  const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
  const r = await generate(
    chat({ maxTokens: 200, responseFormat: { type: "json_schema", name: "answer", schema } }),
  );
  assert.equal(r.finishReason, "stop");
  assert.equal(typeof (JSON.parse(r.text) as { ok: unknown }).ok, "boolean");

  // Random weights wander inside JSON strings and rarely close them, so the free-form JSON grammar is
  // checked on what it constrains: an object opens, then a key or the end, never free text.
  const free = await generate(chat({ maxTokens: 120 }));
  const json = await generate(chat({ maxTokens: 120, responseFormat: { type: "json_object" } }));
  assert.doesNotMatch(free.text, /^\s*\{/);
  assert.match(json.text, /^\{\s*("|\})/);
  if (json.finishReason === "stop") JSON.parse(json.text);
});

test("a prompt longer than the context is a 400 context_length_exceeded", async () => {
  const long = completion({ prompt: "hello world ".repeat(1200) } as Partial<GenerationRequest>);
  await assert.rejects(runtime.generate(long), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    assert.equal(error.code, "context_length_exceeded");
    return true;
  });
  assert.equal(runtime.stats().active, 0);
});

test("stats add up every request's exact usage", async () => {
  const before = runtime.stats();
  const results: GenerationResult[] = [await generate(chat()), await generate(completion({ maxTokens: 3 }))];
  const after = runtime.stats();
  assert.equal(after.requestsTotal - before.requestsTotal, 2);
  assert.equal(
    after.promptTokensTotal - before.promptTokensTotal,
    results.reduce((n, r) => n + r.usage.promptTokens, 0),
  );
  assert.equal(after.completionTokensTotal - before.completionTokensTotal, 40 + 3);
});

test("an unloaded runtime reports it and refuses work", async () => {
  const idle = new EmbeddedRuntime({ modelPath, modelId: "idle", threads: 1, gpuLayers: 0 });
  assert.deepEqual(await idle.health(), { ok: false, detail: "not loaded" });
  await assert.rejects(idle.generate(chat()), /not loaded/);
  const missing = new EmbeddedRuntime({
    modelPath: join(dir, "missing.gguf"),
    modelId: "m",
    threads: 1,
    gpuLayers: 0,
  });
  await assert.rejects(missing.load());
  assert.match((await missing.health()).detail, /^load failed/);
});

test("with threads 0 a model gets every core but one, and never fewer than one thread", () => {
  assert.equal(defaultThreads(1), 1);
  assert.equal(defaultThreads(2), 1);
  assert.equal(defaultThreads(16), 15);
});
