import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../common/errors.js";
import { parseResponsesRequest } from "./schema.js";

function refusal(body: unknown) {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
  assert.fail("the body was accepted");
}

const base = { model: "m", input: "hi" };
const tool = { type: "function", name: "get_weather", parameters: { type: "object" }, strict: true };

test("stored state is refused by name, saying nothing is stored and what to send instead", () => {
  const store = refusal({ ...base, store: true });
  assert.deepEqual([store.status, store.param, store.code], [400, "store", "unsupported_parameter"]);
  assert.match(store.message, /never stored/);
  assert.match(store.message, /store: false/);
  const previous = refusal({ ...base, previous_response_id: "resp_123" });
  assert.deepEqual([previous.param, previous.code], ["previous_response_id", "unsupported_parameter"]);
  assert.match(previous.message, /never stored/);
  assert.match(previous.message, /'input'/);
  assert.equal(refusal({ ...base, background: true }).param, "background");
  assert.equal(refusal({ ...base, conversation: "conv_1" }).param, "conversation");
  assert.equal(refusal({ ...base, include: ["message.output_text.logprobs"] }).param, "include");
  assert.equal(refusal({ ...base, reasoning: { effort: "high" } }).param, "reasoning");
  assert.equal(refusal({ ...base, truncation: "auto" }).param, "truncation");
});

test("their neutral values are accepted", () => {
  const request = parseResponsesRequest({
    ...base,
    store: false,
    previous_response_id: null,
    background: false,
    include: [],
    reasoning: { effort: null },
    truncation: "disabled",
  });
  assert.equal(request.store, false);
  assert.equal(parseResponsesRequest({ ...base, store: null, reasoning: {} }).input, "hi");
});

test("only function tools are served; other tool and item types are refused with param", () => {
  const search = refusal({ ...base, tools: [tool, { type: "web_search" }] });
  assert.deepEqual([search.param, search.code], ["tools[1].type", "unsupported_value"]);
  assert.match(search.message, /only function tools/);
  const file = refusal({ ...base, tool_choice: { type: "file_search" } });
  assert.equal(file.param, "tool_choice.type");
  const reasoning = refusal({
    ...base,
    input: [
      { role: "user", content: "a" },
      { type: "reasoning", id: "r" },
    ],
  });
  assert.deepEqual([reasoning.param, reasoning.code], ["input[1].type", "unsupported_value"]);
  const image = refusal({
    ...base,
    input: [{ role: "user", content: [{ type: "input_image", image_url: "https://example.com/a.png" }] }],
  });
  assert.deepEqual([image.param, image.code], ["input[0].content[0].type", "unsupported_value"]);
  assert.match(image.message, /only text input/);
});

test("unknown fields are refused as unrecognized arguments, naming them", () => {
  const top = refusal({ ...base, temprature: 1 });
  assert.deepEqual([top.param, top.code], ["temprature", "unrecognized_argument"]);
  const inItem = refusal({ ...base, input: [{ role: "user", content: "a", colour: "red" }] });
  assert.deepEqual([inItem.param, inItem.code], ["input[0].colour", "unrecognized_argument"]);
  const inTool = refusal({ ...base, tools: [{ ...tool, returns: {} }] });
  assert.deepEqual([inTool.param, inTool.code], ["tools[0].returns", "unrecognized_argument"]);
});

test("wrong values name the parameter and never quote content", () => {
  assert.equal(refusal({ input: "hi" }).param, "model");
  assert.equal(refusal({ model: "m" }).code, "missing_required_parameter");
  assert.equal(refusal({ ...base, input: [{ role: "robot", content: "secret" }] }).param, "input[0].role");
  const name = refusal({ ...base, tools: [{ ...tool, name: "bad name with secret" }] });
  assert.equal(name.param, "tools[0].name");
  assert.doesNotMatch(name.message, /secret/);
  const forced = refusal({ ...base, tools: [tool], tool_choice: { type: "function", name: "other_tool" } });
  assert.equal(forced.param, "tool_choice.name");
  assert.doesNotMatch(forced.message, /other_tool/);
  assert.equal(refusal({ ...base, tool_choice: "required" }).param, "tool_choice");
  assert.equal(refusal({ ...base, tools: [tool, tool] }).param, "tools");
  assert.equal(refusal({ ...base, max_output_tokens: 0 }).param, "max_output_tokens");
  const format = refusal({ ...base, text: { format: { type: "json_schema", name: "x" } } });
  assert.equal(format.param, "text.format.schema");
});

test("lists and metadata are bounded", () => {
  const many = refusal({
    ...base,
    input: Array.from({ length: 2049 }, () => ({ role: "user", content: "a" })),
  });
  assert.deepEqual([many.param, many.code], ["input", "array_above_max_length"]);
  const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
  assert.equal(refusal({ ...base, metadata }).param, "metadata");
  assert.equal(refusal({ ...base, tools: Array.from({ length: 129 }, () => tool) }).param, "tools");
});

test("a full conversation with every item shape passes with its types", () => {
  const request = parseResponsesRequest({
    model: "m",
    instructions: "be brief",
    input: [
      { role: "developer", content: [{ type: "input_text", text: "rules" }] },
      { type: "message", role: "user", content: "weather?" },
      {
        type: "message",
        id: "msg_1",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "checking", annotations: [] }],
      },
      { type: "function_call", id: "fc_1", call_id: "call_1", name: "get_weather", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
    ],
    tools: [tool],
    tool_choice: { type: "function", name: "get_weather" },
    parallel_tool_calls: false,
    text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
    max_output_tokens: 20,
    metadata: { team: "a" },
    stream: true,
    user: "u-1",
  });
  assert.equal(request.max_output_tokens, 20);
  assert.equal(Array.isArray(request.input) && request.input[1]?.type, "message");
});
