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
  const functions = refusal({ model: "m", messages, functions: [] });
  assert.deepEqual([functions.param, functions.code], ["functions", "unsupported_parameter"]);
  assert.match(functions.message, /send `tools` instead/);
  const bias = refusal({ model: "m", messages, logit_bias: { "1": 1 } });
  assert.equal(bias.param, "logit_bias.1");
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

test("stop takes at most 4 sequences of at most 256 characters, refused with param stop", () => {
  const many = refusal({ model: "m", messages, stop: ["a", "b", "c", "d", "e"] });
  assert.deepEqual(many, {
    status: 400,
    param: "stop",
    code: "array_above_max_length",
    message:
      "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.",
  });
  const long = refusal({ model: "m", messages, stop: ["\n", "x".repeat(257)] });
  assert.deepEqual([long.param, long.code], ["stop", "string_above_max_length"]);
  assert.match(
    long.message,
    /^Invalid 'stop\[1\]': string too long\. Expected a string with maximum length 256, but got a string with length 257 instead\.$/,
  );
  const single = refusal({ model: "m", prompt: "p", stop: "y".repeat(300) }, completionRequest);
  assert.deepEqual([single.param, single.code], ["stop", "string_above_max_length"]);
  // The bound itself passes.
  parseBody(chatCompletionRequest, { model: "m", messages, stop: ["a", "b", "c", "x".repeat(256)] });
});

test("lists and free-form strings are bounded, and the refusal never quotes the value", () => {
  const secret = "SECRET-PROMPT-TEXT ";
  const tooMany = refusal({ model: "m", messages: Array.from({ length: 2049 }, () => messages[0]) });
  assert.deepEqual([tooMany.param, tooMany.code], ["messages", "array_above_max_length"]);
  const parts = Array.from({ length: 2049 }, () => ({ type: "text", text: secret }));
  const manyParts = refusal({ model: "m", messages: [{ role: "user", content: parts }] });
  assert.deepEqual([manyParts.param, manyParts.code], ["messages[0].content", "array_above_max_length"]);
  const name = refusal({ model: "m", messages: [{ role: "user", content: "hi", name: secret.repeat(20) }] });
  assert.deepEqual([name.param, name.code], ["messages[0].name", "string_above_max_length"]);
  const user = refusal({ model: "m", messages, user: secret.repeat(30) });
  assert.deepEqual([user.param, user.code], ["user", "string_above_max_length"]);
  const model = refusal({ model: secret.repeat(20), messages });
  assert.deepEqual([model.param, model.code], ["model", "string_above_max_length"]);
  for (const r of [manyParts, name, user, model]) assert.ok(!r.message.includes("SECRET"), r.message);

  const pairs = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
  const metadata = refusal({ model: "m", messages, metadata: pairs });
  assert.equal(metadata.param, "metadata");
  assert.match(metadata.message, /at most 16 key-value pairs/);
  const value = refusal({ model: "m", messages, metadata: { k: "v".repeat(513) } });
  assert.deepEqual([value.param, value.code], ["metadata.k", "string_above_max_length"]);
  const logitBias = refusal({ model: "m", messages, logit_bias: { "50256": -100 } });
  assert.equal(logitBias.param, "logit_bias.50256");
  const n = refusal({ model: "m", messages, n: 129 });
  assert.deepEqual([n.param, n.code], ["n", "invalid_value"]);
});
