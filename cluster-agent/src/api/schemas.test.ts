import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../common/errors.js";
import { chatCompletionRequest, completionRequest, parseBody } from "./schemas.js";

function refusal(
  body: unknown,
  schema: typeof chatCompletionRequest | typeof completionRequest = chatCompletionRequest,
) {
  try {
    parseBody(schema as typeof chatCompletionRequest, body);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
  assert.fail("the body was accepted");
}

const messages = [{ role: "user", content: "hi" }];

test("a missing parameter and a mistyped one are told apart", () => {
  assert.deepEqual(refusal({ messages }), {
    status: 400,
    param: "model",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'model'.",
  });
  const wrongType = refusal({ model: "m", messages, temperature: "hot" });
  assert.equal(wrongType.code, "invalid_value");
  assert.equal(wrongType.param, "temperature");
  assert.equal(refusal({ model: "m", messages: [{ role: "user" }] }).param, "messages[0].content");
});

test("unsupported parameters are refused by name with what to do instead", () => {
  const n = refusal({ model: "m", messages, n: 3 });
  assert.deepEqual([n.param, n.code], ["n", "unsupported_value"]);
  assert.match(n.message, /send separate requests/);
  const tools = refusal({ model: "m", messages, tools: [] });
  assert.deepEqual([tools.param, tools.code], ["tools", "unsupported_parameter"]);
  const unknown = refusal({ model: "m", messages, temprature: 1 });
  assert.deepEqual([unknown.param, unknown.code], ["temprature", "unrecognized_argument"]);
  assert.equal(refusal({ model: "m", prompt: ["a", "b"] }, completionRequest).param, "prompt");
});

test("valid requests pass with their types", () => {
  const chat = parseBody(chatCompletionRequest, {
    model: "m",
    messages: [{ role: "developer", content: [{ type: "text", text: "be brief" }] }, ...messages],
    max_completion_tokens: 5,
    stop: ["\n"],
    response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
    stream_options: { include_usage: true },
    user: "u-1",
  });
  assert.equal(chat.max_completion_tokens, 5);
  assert.equal(refusal("not an object" as unknown).message, "The request body must be a JSON object.");
});
