import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { plainDelta } from "./external-call.js";

const chatChunk = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    usage: null,
    ...extra,
  });

test("the quick read of a token event gives exactly what a full parse gives", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), (content) => {
      const data = chatChunk(content);
      const full = (JSON.parse(data) as { choices: { delta: { content: string } }[] }).choices[0]!.delta
        .content;
      const quick = plainDelta(data, true);
      assert.ok(
        quick === undefined || quick === full,
        `quick read ${JSON.stringify(quick)} != ${JSON.stringify(full)}`,
      );
      assert.equal(quick, full);
    }),
    { numRuns: 2000 },
  );
  const completion = JSON.stringify({
    choices: [{ text: 'a "quoted" \\ word', index: 0, finish_reason: null }],
  });
  assert.equal(plainDelta(completion, false), 'a "quoted" \\ word');
});

test("events that carry more than one token's text take the full parse", () => {
  assert.equal(
    plainDelta(chatChunk("x").replace('"finish_reason":null', '"finish_reason":"stop"'), true),
    undefined,
  );
  assert.equal(plainDelta(chatChunk("x", { usage: { prompt_tokens: 1 } }), true), undefined);
  assert.equal(plainDelta(JSON.stringify({ error: { message: "boom" }, choices: [] }), true), undefined);
  const twoChoices = JSON.stringify({
    choices: [
      { index: 0, delta: { content: "a" }, finish_reason: null },
      { index: 1, delta: { content: "b" }, finish_reason: null },
    ],
  });
  assert.equal(plainDelta(twoChoices, true), undefined);
  assert.equal(plainDelta(chatChunk('"content":"sneaky'), true), '"content":"sneaky');
});
