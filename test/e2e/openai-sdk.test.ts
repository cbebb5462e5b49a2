import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { EmbeddedRuntime } from "@entrim/cluster-agent/dist/runtime/embedded.js";
import OpenAI from "openai";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The foundation's promise, end to end: a customer with a key uses the official OpenAI SDK against a
 * real agent (real PostgreSQL, real runtime on the generated tiny model) and gets answers whose usage
 * matches the model's tokenizer exactly.
 */

let dataDir: string;
let agent: AgentProcess;
let client: OpenAI;
let reference: EmbeddedRuntime;
const MODEL = "tiny";

before(async () => {
  dataDir = tempDir("sdk");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath, "--seed", "7");
  agent = await startAgent(dataDir, [
    "--model",
    `${MODEL}=${modelPath}`,
    "--parallel",
    "4",
    "--threads",
    "1",
  ]);
  const { token } = createAccountWithKey(dataDir);
  client = new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 });
  // The same model loaded in the test process: the ground truth for token counts.
  reference = new EmbeddedRuntime({ modelPath, modelId: MODEL, parallel: 1, threads: 1, gpuLayers: 0 });
  await reference.load();
});

after(async () => {
  await reference?.unload();
  await agent?.stop();
  removeDir(dataDir);
});

const never = new AbortController().signal;
const messages = [
  { role: "system" as const, content: "You are a helpful assistant." },
  { role: "user" as const, content: "Write a short poem about the sea in Lisbon." },
];

test("models are listed and retrievable in OpenAI's shape", async () => {
  const list = await client.models.list();
  assert.deepEqual(
    list.data.map((m) => [m.id, m.object]),
    [[MODEL, "model"]],
  );
  const one = await client.models.retrieve(MODEL);
  assert.equal(one.id, MODEL);
  await assert.rejects(client.models.retrieve("no-such-model"), (error: unknown) => {
    assert.ok(error instanceof OpenAI.NotFoundError);
    assert.equal((error.error as { code?: string }).code, "model_not_found");
    return true;
  });
});

test("chat completion: OpenAI shape, exact usage, same answer as the runtime itself", async () => {
  const response = await client.chat.completions.create({
    model: MODEL,
    messages,
    max_tokens: 12,
    temperature: 0,
  });
  assert.match(response.id, /^chatcmpl-/);
  assert.equal(response.object, "chat.completion");
  assert.equal(response.model, MODEL);
  assert.equal(response.choices.length, 1);
  const choice = response.choices[0]!;
  assert.equal(choice.message.role, "assistant");
  assert.ok(choice.finish_reason === "length" || choice.finish_reason === "stop");
  const expected = await reference.generate({
    kind: "chat",
    messages,
    maxTokens: 12,
    temperature: 0,
    signal: never,
  });
  const promptTokens = await reference.countPromptTokens({
    kind: "chat",
    messages,
    maxTokens: 12,
    signal: never,
  });
  assert.equal(choice.message.content, expected.text);
  assert.equal(choice.finish_reason, expected.finishReason);
  assert.deepEqual(response.usage, {
    prompt_tokens: promptTokens,
    completion_tokens: expected.usage.completionTokens,
    total_tokens: promptTokens + expected.usage.completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });
  if (choice.finish_reason === "length") assert.equal(response.usage?.completion_tokens, 12);
});

test("streamed chat completion: chunks in OpenAI's shape, then the usage chunk and [DONE]", async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages,
    max_tokens: 12,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null | undefined;
  let first = true;
  for await (const chunk of stream) {
    assert.equal(chunk.object, "chat.completion.chunk");
    assert.match(chunk.id, /^chatcmpl-/);
    if (first) assert.equal(chunk.choices[0]?.delta.role, "assistant");
    first = false;
    if (chunk.usage) {
      assert.deepEqual(chunk.choices, []);
      usage = chunk.usage;
      continue;
    }
    assert.equal(chunk.usage, null);
    text += chunk.choices[0]?.delta.content ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  const expected = await reference.generate({
    kind: "chat",
    messages,
    maxTokens: 12,
    temperature: 0,
    signal: never,
  });
  assert.equal(text, expected.text);
  assert.equal(finish, expected.finishReason);
  assert.equal(usage?.completion_tokens, expected.usage.completionTokens);
  assert.equal(usage?.prompt_tokens, expected.usage.promptTokens);
  assert.equal(usage?.total_tokens, expected.usage.promptTokens + expected.usage.completionTokens);
});

test("legacy completions, streamed and not, with exact prompt token counts", async () => {
  const prompt = "The capital of Portugal is";
  const response = await client.completions.create({ model: MODEL, prompt, max_tokens: 9, temperature: 0 });
  assert.equal(response.object, "text_completion");
  assert.match(response.id, /^cmpl-/);
  const promptTokens = await reference.countPromptTokens({
    kind: "completion",
    prompt,
    maxTokens: 9,
    signal: never,
  });
  assert.equal(response.usage?.prompt_tokens, promptTokens);
  const expected = await reference.generate({
    kind: "completion",
    prompt,
    maxTokens: 9,
    temperature: 0,
    signal: never,
  });
  assert.equal(response.choices[0]?.text, expected.text);
  assert.equal(response.usage?.completion_tokens, expected.usage.completionTokens);

  const stream = await client.completions.create({
    model: MODEL,
    prompt,
    max_tokens: 9,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    assert.equal(chunk.object, "text_completion");
    if (chunk.usage) usage = chunk.usage;
    text += chunk.choices[0]?.text ?? "";
  }
  assert.equal(text, expected.text);
  assert.equal(usage?.prompt_tokens, promptTokens);
  assert.equal(usage?.completion_tokens, expected.usage.completionTokens);
});

test("JSON mode: response_format json_object yields JSON", async () => {
  const response = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Give me a JSON object." }],
    response_format: { type: "json_object" },
    max_tokens: 200,
    temperature: 0,
  });
  const content = response.choices[0]?.message.content ?? "";
  if (response.choices[0]?.finish_reason === "stop") assert.doesNotThrow(() => JSON.parse(content));
  else assert.match(content, /^\s*\{/);
});

test("100 concurrent streams all complete, each with its own exact usage", async () => {
  const prompts = Array.from({ length: 100 }, (_, i) => `Request number ${i} asks for a few words.`);
  const expectedPrompt = await Promise.all(
    prompts.map((content) =>
      reference.countPromptTokens({
        kind: "chat",
        messages: [{ role: "user", content }],
        maxTokens: 6,
        signal: never,
      }),
    ),
  );
  const results = await Promise.all(
    prompts.map(async (content) => {
      const stream = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content }],
        max_tokens: 6,
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | undefined;
      let finish: string | null = null;
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { usage, finish };
    }),
  );
  results.forEach(({ usage, finish }, i) => {
    assert.ok(usage, `stream ${i} has usage`);
    assert.equal(usage.prompt_tokens, expectedPrompt[i]);
    assert.ok(usage.completion_tokens >= 1 && usage.completion_tokens <= 6);
    if (finish === "length") assert.equal(usage.completion_tokens, 6);
  });
});

test("errors arrive as OpenAI error objects with the right status", async () => {
  const bad = new OpenAI({
    baseURL: agent.baseURL,
    apiKey: "sk-entrim-nosuchkey-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    maxRetries: 0,
  });
  await assert.rejects(bad.models.list(), OpenAI.AuthenticationError);
  await assert.rejects(
    client.chat.completions.create({ model: "nope", messages }),
    (error: unknown) => error instanceof OpenAI.NotFoundError,
  );
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages, n: 129 }),
    (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "n",
  );
  await assert.rejects(
    client.chat.completions.create({
      model: MODEL,
      messages,
      tools: [{ type: "function", function: { name: "f", parameters: { type: "array" } } }],
    }),
    (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "tools[0].function.parameters",
  );
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages, max_tokens: 10_000_000 }),
    (error: unknown) => error instanceof OpenAI.BadRequestError && error.code === "context_length_exceeded",
  );
  const response = await fetch(`${agent.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${client.apiKey}`, "content-type": "application/json" },
    body: "x".repeat(5 * 1024 * 1024),
  });
  assert.equal(response.status, 413);
  assert.match(response.headers.get("x-request-id") ?? "", /^req_/);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, "request_too_large");
});
