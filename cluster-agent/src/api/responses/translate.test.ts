import assert from "node:assert/strict";
import { test } from "node:test";
import { Cancellation } from "../../common/cancellation.js";
import { ApiError } from "../../common/errors.js";
import { parseResponsesRequest } from "./schema.js";
import { toGeneration } from "./translate.js";

const signal = new Cancellation();

function generation(body: Record<string, unknown>) {
  return toGeneration(parseResponsesRequest({ model: "m", ...body }), signal, "acct_1");
}

test("text input is one user message, after instructions as the system message", () => {
  const request = generation({ input: "hello", instructions: "be brief", temperature: 0.2, top_p: 0.9 });
  assert.deepEqual(request.messages, [
    { role: "system", content: "be brief" },
    { role: "user", content: "hello" },
  ]);
  assert.equal(request.kind, "chat");
  assert.equal(request.temperature, 0.2);
  assert.equal(request.topP, 0.9);
  assert.equal(request.cacheScope, "acct_1");
  assert.equal(request.tools, undefined);
  assert.equal(request.responseFormat, undefined);
});

test("a message list maps roles and joins text parts", () => {
  const request = generation({
    input: [
      { role: "developer", content: "rules" },
      {
        role: "user",
        content: [
          { type: "input_text", text: "a" },
          { type: "input_text", text: "b" },
        ],
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "ok", annotations: [] }] },
    ],
  });
  assert.deepEqual(request.messages, [
    { role: "system", content: "rules" },
    { role: "user", content: "ab" },
    { role: "assistant", content: "ok" },
  ]);
});

test("function calls join the turn's assistant message; their outputs become tool messages", () => {
  const call = (id: string) => ({
    type: "function_call",
    call_id: id,
    name: "f",
    arguments: `{"n":"${id}"}`,
  });
  const request = generation({
    input: [
      { role: "user", content: "go" },
      { role: "assistant", content: "calling" },
      call("c1"),
      call("c2"),
      { type: "function_call_output", call_id: "c1", output: "one" },
      { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "two" }] },
      call("c3"),
      { type: "function_call_output", call_id: "c3", output: "three" },
    ],
  });
  assert.deepEqual(request.messages, [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: "calling",
      toolCalls: [
        { id: "c1", name: "f", arguments: '{"n":"c1"}' },
        { id: "c2", name: "f", arguments: '{"n":"c2"}' },
      ],
    },
    { role: "tool", content: "one", toolCallId: "c1" },
    { role: "tool", content: "two", toolCallId: "c2" },
    { role: "assistant", content: "", toolCalls: [{ id: "c3", name: "f", arguments: '{"n":"c3"}' }] },
    { role: "tool", content: "three", toolCallId: "c3" },
  ]);
});

test("an output answering no earlier call is refused with its param, without quoting the id", () => {
  assert.throws(
    () =>
      generation({
        input: [
          { role: "user", content: "go" },
          { type: "function_call_output", call_id: "call_secret", output: "x" },
        ],
      }),
    (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 400);
      assert.equal(error.param, "input[1].call_id");
      assert.doesNotMatch(error.message, /call_secret/);
      return true;
    },
  );
});

test("tools, tool_choice and parallel_tool_calls reach the runtime; tools are strict unless told", () => {
  const request = generation({
    input: "weather?",
    tools: [
      {
        type: "function",
        name: "get_weather",
        description: "d",
        parameters: { type: "object" },
        strict: null,
      },
      { type: "function", name: "loose", parameters: null, strict: false },
    ],
    tool_choice: { type: "function", name: "get_weather" },
    parallel_tool_calls: false,
  });
  assert.deepEqual(request.tools, [
    { name: "get_weather", description: "d", parameters: { type: "object" }, strict: true },
    { name: "loose", parameters: { type: "object", properties: {} }, strict: false },
  ]);
  assert.deepEqual(request.toolChoice, { name: "get_weather" });
  assert.equal(request.parallelToolCalls, false);
  assert.equal(generation({ input: "x", tools: [], tool_choice: "none" }).toolChoice, undefined);
  assert.equal(
    generation({ input: "x", tools: [{ type: "function", name: "f" }], tool_choice: "required" }).toolChoice,
    "required",
  );
});

test("text.format becomes the response format", () => {
  const schema = { type: "object", properties: { a: { type: "string" } } };
  assert.deepEqual(
    generation({ input: "x", text: { format: { type: "json_schema", name: "out", schema, strict: true } } })
      .responseFormat,
    { type: "json_schema", name: "out", schema, strict: true },
  );
  assert.deepEqual(generation({ input: "x", text: { format: { type: "json_object" } } }).responseFormat, {
    type: "json_object",
  });
  assert.deepEqual(generation({ input: "x", text: { format: { type: "text" } } }).responseFormat, {
    type: "text",
  });
});
