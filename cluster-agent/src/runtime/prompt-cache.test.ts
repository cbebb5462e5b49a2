import assert from "node:assert/strict";
import { EventEmitter, once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getLlama, type LlamaModel, resolveChatWrapper } from "node-llama-cpp";
import { EmbeddedRuntime } from "./embedded.js";
import { createPromptBuilder, type PromptBuilder } from "./prompt.js";
import { sharedPrefix } from "./prompt-cache.js";
import { writeTinyModel } from "./tiny-model.js";
import type { GenerationRequest } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-prompt-cache-"));
let modelPath = "";
let runtime: EmbeddedRuntime;
/** The prompt builder on an independently loaded model: the tokens generate() must evaluate. */
let oracle: LlamaModel;
let tokens: PromptBuilder;

before(async () => {
  modelPath = (await writeTinyModel({ out: join(dir, "tiny.gguf"), seed: 1 })).path;
  runtime = new EmbeddedRuntime({ modelPath, modelId: "tiny", parallel: 2, threads: 1, gpuLayers: 0 });
  await runtime.load();
  const llama = await getLlama({ gpu: false, build: "never" });
  oracle = await llama.loadModel({ modelPath, gpuLayers: 0 });
  tokens = createPromptBuilder(oracle, resolveChatWrapper(oracle));
});

after(async () => {
  await runtime.unload();
  await oracle.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const SYSTEM = "You answer questions about the cluster, its nodes and their models. ".repeat(12);
const ask = (question: string, cacheScope?: string): GenerationRequest => ({
  kind: "chat",
  messages: [
    { role: "system", content: SYSTEM },
    { role: "user", content: question },
  ],
  maxTokens: 24,
  temperature: 0,
  signal: new AbortController().signal,
  ...(cacheScope === undefined ? {} : { cacheScope }),
});

/** The prefix the second request shares with the state the first one left: its prompt. */
const expectedReuse = (first: GenerationRequest, second: GenerationRequest) => {
  const a = tokens.tokens(first);
  const b = tokens.tokens(second);
  return sharedPrefix(a, b, b.length - 1);
};

test("the same account reuses exactly the shared prefix, and reuse does not change the output", async () => {
  const first = ask("Which node serves the tiny model?", "acct-a");
  const second = ask("How many slots does it have?", "acct-a");
  const reuse = expectedReuse(first, second);
  assert.ok(reuse > 100, `a long shared system prompt (${reuse} tokens)`);

  const r1 = await runtime.generate(first);
  assert.equal(r1.usage.cachedTokens, 0, "nothing cached yet");
  const r2 = await runtime.generate(second);
  assert.equal(r2.usage.cachedTokens, reuse);
  assert.equal(r2.usage.promptTokens, tokens.tokens(second).length);

  const uncached = await runtime.generate(ask("How many slots does it have?"));
  assert.equal(uncached.usage.cachedTokens, 0);
  assert.equal(r2.text, uncached.text, "greedy output is the same with and without reuse");
  assert.equal(r2.usage.completionTokens, uncached.usage.completionTokens);
});

test("an identical prompt reuses all but its last token", async () => {
  const request = ask("Repeat after me.", "acct-repeat");
  const r1 = await runtime.generate(request);
  const r2 = await runtime.generate(request);
  assert.equal(r2.usage.cachedTokens, r2.usage.promptTokens - 1);
  assert.equal(r2.text, r1.text);
  assert.equal(r2.usage.completionTokens, r1.usage.completionTokens);
});

test("another account never reuses, and the first account's cache survives it", async () => {
  await runtime.generate(ask("First question.", "acct-owner"));
  const other = await runtime.generate(ask("Second question.", "acct-other"));
  assert.equal(other.usage.cachedTokens, 0);
  // Two slots: the other account took the free one rather than evicting the owner's.
  const owner = await runtime.generate(ask("Fourth question.", "acct-owner"));
  assert.ok(owner.usage.cachedTokens > 0, "the owner's state was still there");
  const unscoped = await runtime.generate(ask("Fourth question."));
  assert.equal(unscoped.usage.cachedTokens, 0, "a request without a scope never reuses");
});

test("dropScope clears an account's cached state at once", async () => {
  await runtime.generate(ask("Before the suspension.", "acct-dropped"));
  await runtime.generate(ask("Someone else.", "acct-bystander"));
  await runtime.dropScope("acct-dropped");
  const after = await runtime.generate(ask("After the suspension.", "acct-dropped"));
  assert.equal(after.usage.cachedTokens, 0);
  const bystander = await runtime.generate(ask("Someone else again.", "acct-bystander"));
  assert.ok(bystander.usage.cachedTokens > 0, "other accounts keep theirs");
});

test("dropScope during a request clears that sequence when the request ends", async () => {
  let dropping: Promise<void> | undefined;
  const r = await runtime.generate(ask("In flight.", "acct-inflight"), () => {
    dropping ??= runtime.dropScope("acct-inflight");
  });
  await dropping;
  assert.equal(r.usage.completionTokens, 24);
  const next = await runtime.generate(ask("In flight.", "acct-inflight"));
  assert.equal(next.usage.cachedTokens, 0);
});

test("cached state expires after its idle TTL", async () => {
  const drops = new EventEmitter();
  const short = new EmbeddedRuntime({
    modelPath,
    modelId: "tiny-ttl",
    threads: 1,
    gpuLayers: 0,
    promptCacheTtlMs: 50,
    onCacheDrop: (event) => drops.emit("drop", event),
  });
  await short.load();
  try {
    const expired = once(drops, "drop");
    await short.generate(ask("Soon forgotten.", "acct-ttl"));
    assert.deepEqual((await expired)[0], { reason: "ttl", sequences: 1 });
    const r = await short.generate(ask("Soon forgotten.", "acct-ttl"));
    assert.equal(r.usage.cachedTokens, 0);
  } finally {
    await short.unload();
  }
});

test("a TTL of 0 turns caching off", async () => {
  const off = new EmbeddedRuntime({
    modelPath,
    modelId: "tiny-off",
    threads: 1,
    gpuLayers: 0,
    promptCacheTtlMs: 0,
  });
  await off.load();
  try {
    await off.generate(ask("Never kept.", "acct-off"));
    const r = await off.generate(ask("Never kept.", "acct-off"));
    assert.equal(r.usage.cachedTokens, 0);
  } finally {
    await off.unload();
  }
});
