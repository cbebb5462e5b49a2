import assert from "node:assert/strict";
import { test } from "node:test";
import { responsesEndpoint } from "./index.js";
import { responseBody } from "./shape.js";

const meta = { id: responsesEndpoint.id("req_0123abcd"), created: 1_700_000_000, model: "tiny" };
const usage = { promptTokens: 11, completionTokens: 4, cachedTokens: 0 };

test("the response id follows the request id", () => {
  assert.equal(meta.id, "resp_0123abcd");
});

test("a text answer: OpenAI's Response object, settings echoed, nothing stored", () => {
  const request = responsesEndpoint.parse({
    model: "tiny",
    input: "hi",
    instructions: "be brief",
    max_output_tokens: 20,
    temperature: 0,
    metadata: { team: "a" },
    user: "u-1",
  });
  const body = responsesEndpoint.body(
    { text: "Hello", finishReason: "stop", usage, aborted: false },
    meta,
    request,
  );
  assert.deepEqual(body, {
    id: "resp_0123abcd",
    object: "response",
    created_at: 1_700_000_000,
    status: "completed",
    background: false,
    error: null,
    incomplete_details: null,
    model: "tiny",
    output: [
      {
        id: "msg_0123abcd",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hello", annotations: [] }],
      },
    ],
    instructions: "be brief",
    max_output_tokens: 20,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 0,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: null,
    truncation: "disabled",
    user: "u-1",
    metadata: { team: "a" },
    usage: {
      input_tokens: 11,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    },
  });
  assert.equal(responsesEndpoint.maxTokens(request), 20);
  assert.equal(responsesEndpoint.stream(request), false);
  assert.equal(responsesEndpoint.model(request), "tiny");
});

test("tool calls are function_call items; a cut answer is incomplete with its reason", () => {
  const request = responsesEndpoint.parse({
    model: "tiny",
    input: "weather?",
    tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
    tool_choice: { type: "function", name: "get_weather" },
  });
  const calls = responseBody(
    {
      text: "",
      finishReason: "tool_calls",
      toolCalls: [{ id: "call_9", name: "get_weather", arguments: "{}" }],
      usage,
      aborted: false,
    },
    meta,
    request,
  );
  assert.deepEqual(calls.output, [
    {
      id: "fc_0123abcd_0",
      type: "function_call",
      status: "completed",
      call_id: "call_9",
      name: "get_weather",
      arguments: "{}",
    },
  ]);
  assert.deepEqual(calls.tools, [
    {
      type: "function",
      name: "get_weather",
      description: null,
      parameters: { type: "object" },
      strict: true,
    },
  ]);
  assert.deepEqual(calls.tool_choice, { type: "function", name: "get_weather" });
  const cut = responseBody({ text: "Hel", finishReason: "length", usage, aborted: false }, meta, request);
  assert.equal(cut.status, "incomplete");
  assert.deepEqual(cut.incomplete_details, { reason: "max_output_tokens" });
  assert.equal(cut.output[0]!.status, "incomplete");
  const cutCall = responseBody(
    {
      text: "",
      finishReason: "length",
      toolCalls: [
        { id: "call_1", name: "get_weather", arguments: "{}" },
        { id: "call_2", name: "get_weather", arguments: '{"ci' },
      ],
      usage,
      aborted: false,
    },
    meta,
    request,
  );
  assert.deepEqual(
    cutCall.output.map((item) => item.status),
    ["completed", "incomplete"],
  );
});
