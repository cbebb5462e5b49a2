import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { responseBody } from "@entrim/cluster-agent/dist/api/responses/shape.js";
import { EmbeddedRuntime } from "@entrim/cluster-agent/dist/runtime/embedded.js";
import type { ChatMessage, ToolDefinition } from "@entrim/cluster-agent/dist/runtime/types.js";
import {
  countChatTokens,
  pieceText,
  startUpstream,
  type Upstream,
} from "@entrim/cluster-agent/test-support/upstream.js";
import { type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { ChatOpenAI } from "@langchain/openai";
import OpenAI from "openai";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * POST /v1/responses through the clients customers use (the official OpenAI SDK, LangChain) against a
 * real agent on both runtimes (the tiny model, and the vLLM-like stand-in engine): the answer matches
 * the runtime's own, usage is exact, streams carry OpenAI's typed events in order, and a function tool
 * round trip works with the conversation kept on the client's side. Refusals: responses-refusals.test.ts.
 */

let dataDir: string;
let agent: AgentProcess;
let client: OpenAI;
let reference: EmbeddedRuntime;
let upstream: Upstream;
const MODEL = "tiny";
/** An external engine: the vLLM-like stand-in, answering 6 pieces of text per request. */
const ENGINE = "engine";
const never = new AbortController().signal;

before(async () => {
  dataDir = tempDir("responses");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath, "--seed", "7");
  upstream = await startUpstream({ tokens: 6, tokenize: "vllm" });
  agent = await startAgent(dataDir, [], {
    models: [
      { id: MODEL, runtime: "embedded", path: modelPath, parallel: 2, threads: 1 },
      { id: ENGINE, runtime: "external", url: upstream.url, contextLength: 4096 },
    ],
  });
  const { token } = createAccountWithKey(dataDir);
  client = new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 });
  reference = new EmbeddedRuntime({ modelPath, modelId: MODEL, parallel: 1, threads: 1, gpuLayers: 0 });
  await reference.load();
});

after(async () => {
  await reference?.unload();
  await agent?.stop();
  await upstream?.close();
  removeDir(dataDir);
});

const instructions = "You are a helpful assistant.";
const input = "Write a short poem about the sea in Lisbon.";
const messages: ChatMessage[] = [
  { role: "system", content: instructions },
  { role: "user", content: input },
];

async function expected(maxTokens: number) {
  const request = { kind: "chat" as const, messages, maxTokens, temperature: 0, signal: never };
  const result = await reference.generate(request);
  const promptTokens = await reference.countPromptTokens(request);
  return { result, promptTokens };
}

/**
 * Usage as the runtime counts it. Cached tokens depend on what ran before in the account (the prompt
 * cache), so they are only bounded: never more than the input.
 */
function assertUsage(actual: OpenAI.Responses.ResponseUsage | undefined, input: number, output: number) {
  assert.ok(actual);
  const cached = actual.input_tokens_details.cached_tokens;
  assert.ok(cached >= 0 && cached <= input);
  assert.deepEqual(actual, {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  });
}

test("a response in OpenAI's shape, with the runtime's own answer and exact usage", async () => {
  const response = await client.responses.create({
    model: MODEL,
    instructions,
    input,
    max_output_tokens: 12,
    temperature: 0,
    metadata: { team: "sdk" },
  });
  const { result, promptTokens } = await expected(12);
  assert.match(response.id, /^resp_/);
  assert.equal(response.object, "response");
  assert.equal(response.model, MODEL);
  // Not in the SDK's type, but OpenAI sends it: this one is never stored.
  assert.equal((response as unknown as { store: boolean }).store, false);
  assert.deepEqual(response.metadata, { team: "sdk" });
  assert.equal(response.output_text, result.text);
  assert.equal(response.status, result.finishReason === "length" ? "incomplete" : "completed");
  if (result.finishReason === "length") {
    assert.deepEqual(response.incomplete_details, { reason: "max_output_tokens" });
  }
  assertUsage(response.usage, promptTokens, result.usage.completionTokens);
});

test("streamed: typed events in order, deltas join to the text, usage in the closing event", async () => {
  const stream = await client.responses.create({
    model: MODEL,
    instructions,
    input: [{ role: "user", content: [{ type: "input_text", text: input }] }],
    max_output_tokens: 12,
    temperature: 0,
    stream: true,
  });
  const types: string[] = [];
  let text = "";
  let done = "";
  let last: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    assert.equal(event.sequence_number, types.length);
    types.push(event.type);
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.output_text.done") done = event.text;
    if (event.type === "response.completed" || event.type === "response.incomplete") last = event.response;
  }
  const { result, promptTokens } = await expected(12);
  assert.deepEqual(types.slice(0, 4), [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
  ]);
  assert.deepEqual(types.slice(-4, -1), [
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
  ]);
  assert.equal(text, result.text);
  assert.equal(done, result.text);
  assert.ok(last);
  assertUsage(last.usage, promptTokens, result.usage.completionTokens);

  // The SDK's own stream helper assembles the same response from the events.
  const helper = client.responses.stream({
    model: MODEL,
    instructions,
    input,
    max_output_tokens: 12,
    temperature: 0,
  });
  const final = await helper.finalResponse();
  assert.equal(final.output_text, result.text);
  assertUsage(final.usage, promptTokens, result.usage.completionTokens);
});

const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "The weather in a city.",
  parameters: {
    type: "object",
    properties: { city: { type: "string", enum: ["Lisbon", "Porto"] } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};

test("a function tool round trip with tool_choice required, the conversation kept client-side", async () => {
  const question: OpenAI.Responses.ResponseInputItem[] = [
    { role: "user", content: "What is the weather in Lisbon?" },
  ];
  const first = await client.responses.create({
    model: MODEL,
    input: question,
    tools: [weather],
    tool_choice: "required",
    max_output_tokens: 60,
    temperature: 0,
  });
  assert.equal(first.status, "completed");
  const calls = first.output.filter((item) => item.type === "function_call");
  assert.ok(calls.length >= 1);
  const call = calls[0]!;
  assert.equal(call.name, "get_weather");
  assert.match(call.call_id, /\S/);
  assert.ok(["Lisbon", "Porto"].includes((JSON.parse(call.arguments) as { city: string }).city));

  const tools: ToolDefinition[] = [
    {
      name: weather.name,
      description: weather.description!,
      parameters: weather.parameters ?? {},
      strict: true,
    },
  ];
  const toolPrompt = await reference.countPromptTokens({
    kind: "chat",
    messages: [{ role: "user", content: "What is the weather in Lisbon?" }],
    tools,
    toolChoice: "required",
    maxTokens: 60,
    signal: never,
  });
  assert.equal(first.usage?.input_tokens, toolPrompt);

  // The client sends the whole conversation back: nothing is stored between requests.
  const second = await client.responses.create({
    model: MODEL,
    input: [
      ...question,
      ...first.output.filter((item) => item.type === "message" || item.type === "function_call"),
      ...calls.map((c) => ({
        type: "function_call_output" as const,
        call_id: c.call_id,
        output: '{"celsius":21}',
      })),
    ],
    tools: [weather],
    tool_choice: "none",
    max_output_tokens: 8,
    temperature: 0,
  });
  assert.ok(second.status === "completed" || second.status === "incomplete");
  assert.deepEqual(
    second.output.map((item) => item.type),
    ["message"],
  );
  assert.equal(
    second.usage?.total_tokens,
    (second.usage?.input_tokens ?? 0) + (second.usage?.output_tokens ?? 0),
  );
  // The history the runtime saw: the turn's text and calls as one assistant message, then the results.
  const history: ChatMessage[] = [
    { role: "user", content: "What is the weather in Lisbon?" },
    {
      role: "assistant",
      content: first.output_text,
      toolCalls: calls.map((c) => ({ id: c.call_id, name: c.name, arguments: c.arguments })),
    },
    ...calls.map((c) => ({ role: "tool" as const, content: '{"celsius":21}', toolCallId: c.call_id })),
  ];
  const secondPrompt = await reference.countPromptTokens({
    kind: "chat",
    messages: history,
    tools,
    toolChoice: "none",
    maxTokens: 8,
    signal: never,
  });
  assert.equal(second.usage?.input_tokens, secondPrompt);

  // Streamed, the call's argument deltas join to the arguments of its done events.
  const stream = await client.responses.create({
    model: MODEL,
    input: question,
    tools: [weather],
    tool_choice: "required",
    max_output_tokens: 60,
    temperature: 0,
    stream: true,
  });
  let args = "";
  let doneArgs: string | undefined;
  let item: OpenAI.Responses.ResponseOutputItem | undefined;
  for await (const event of stream) {
    if (event.type === "response.function_call_arguments.delta" && event.output_index === 0)
      args += event.delta;
    if (event.type === "response.function_call_arguments.done" && event.output_index === 0)
      doneArgs = event.arguments;
    if (event.type === "response.output_item.done" && event.output_index === 0) item = event.item;
  }
  assert.equal(doneArgs, args);
  assert.equal(item?.type, "function_call");
  assert.equal(item.type === "function_call" && item.arguments, args);
});

test("on an external engine: the engine's text and usage, whole and streamed", async () => {
  const response = await client.responses.create({
    model: ENGINE,
    instructions,
    input,
    max_output_tokens: 20,
  });
  const promptTokens = countChatTokens([{ content: instructions }, { content: input }]);
  assert.equal(response.status, "completed");
  assert.equal(response.output_text, pieceText(6));
  assertUsage(response.usage, promptTokens, 6);

  const stream = await client.responses.create({
    model: ENGINE,
    instructions,
    input,
    max_output_tokens: 3,
    stream: true,
  });
  let text = "";
  let last: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.incomplete") last = event.response;
  }
  assert.equal(text, pieceText(3));
  assert.ok(last, "cut at max_output_tokens, the stream ends with response.incomplete");
  assert.deepEqual(last.incomplete_details, { reason: "max_output_tokens" });
  assertUsage(last.usage, promptTokens, 3);
});

test("on an external engine: a function tool round trip, streamed and not", async () => {
  const question: OpenAI.Responses.ResponseInputItem[] = [
    { role: "user", content: "What is the weather in Lisbon?" },
  ];
  const ask = { model: ENGINE, input: question, tools: [weather], tool_choice: "required" as const };
  const first = await client.responses.create(ask);
  const calls = first.output.filter((item) => item.type === "function_call");
  assert.ok(calls.length >= 1);
  assert.equal(calls[0]!.name, "get_weather");
  assert.ok(["Lisbon", "Porto"].includes((JSON.parse(calls[0]!.arguments) as { city: string }).city));

  const second = await client.responses.create({
    model: ENGINE,
    input: [
      ...question,
      ...first.output.filter((item) => item.type === "message" || item.type === "function_call"),
      ...calls.map((c) => ({ type: "function_call_output" as const, call_id: c.call_id, output: "21 C" })),
    ],
    tools: [weather],
  });
  assert.equal(second.output_text, pieceText(6));

  const stream = await client.responses.create({ ...ask, stream: true });
  let args = "";
  let done: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === "response.function_call_arguments.delta" && event.output_index === 0)
      args += event.delta;
    if (event.type === "response.completed") done = event.response;
  }
  const call = done?.output[0];
  assert.equal(call?.type, "function_call");
  assert.equal(call.type === "function_call" && call.arguments, args);
});

test("LangChain's ChatOpenAI on the Responses API: a tool call, its result, an answer, on both runtimes", async () => {
  // LangChain takes tools in the chat shape, and sends only a named tool_choice on this API.
  const tool = {
    type: "function" as const,
    function: { name: weather.name, description: weather.description!, parameters: weather.parameters! },
  };
  for (const model of [MODEL, ENGINE]) {
    for (const streaming of [false, true]) {
      const llm = new ChatOpenAI({
        model,
        apiKey: client.apiKey,
        configuration: { baseURL: agent.baseURL },
        maxRetries: 0,
        maxTokens: 120,
        streaming,
        useResponsesApi: true,
      });
      const what = `${model}, ${streaming ? "streamed" : "not streamed"}`;
      const history: BaseMessage[] = [new HumanMessage("What is the weather in Lisbon?")];
      const calling = await llm.bindTools([tool], { tool_choice: "get_weather" }).invoke(history);
      assert.equal(calling.tool_calls?.length, 1, what);
      const call = calling.tool_calls![0]!;
      assert.equal(call.name, "get_weather", what);
      assert.ok(["Lisbon", "Porto"].includes((call.args as { city: string }).city), what);
      assert.ok((calling.usage_metadata?.input_tokens ?? 0) > 0, what);
      history.push(calling, new ToolMessage({ tool_call_id: call.id!, content: "18 C and sunny" }));
      const answer = await llm.bindTools([tool]).invoke(history);
      assert.ok(
        (answer.usage_metadata?.input_tokens ?? 0) > (calling.usage_metadata?.input_tokens ?? 0),
        what,
      );
    }
  }
});

// Compile-time: the body we send has every field the SDK's Response type requires, with its types
// (output_text is the SDK's own, computed from the output).
type Body = ReturnType<typeof responseBody>;
export const conforms = (body: Body): Omit<OpenAI.Responses.Response, "output_text"> => body;
