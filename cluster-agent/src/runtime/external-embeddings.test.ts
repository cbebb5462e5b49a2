import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../common/errors.js";
import { readAnswer } from "./external-embeddings.js";

const answer = (data: unknown, usage: unknown = { prompt_tokens: 3, total_tokens: 3 }) =>
  JSON.stringify({ object: "list", data, usage });

test("an engine's answer is put in index order, with its usage", () => {
  const text = answer([
    { index: 1, embedding: [0, 1] },
    { index: 0, embedding: [1, 0] },
  ]);
  assert.deepEqual(readAnswer(text, 2, undefined), {
    vectors: [
      [1, 0],
      [0, 1],
    ],
    promptTokens: 3,
  });
});

test("answers that cannot be served whole are the engine's failure (502), never passed on", () => {
  const bad = [
    "not json",
    answer([{ index: 0, embedding: [1] }]), // one vector for two inputs
    answer([
      { index: 0, embedding: [1] },
      { index: 0, embedding: [1] },
    ]), // an index twice
    answer([
      { index: 0, embedding: [1, "x"] },
      { index: 1, embedding: [1, 2] },
    ]), // not numbers
    answer([
      { index: 0, embedding: [1, 2] },
      { index: 1, embedding: [1] },
    ]), // widths differ
    answer(
      [
        { index: 0, embedding: [1] },
        { index: 1, embedding: [2] },
      ],
      {},
    ), // no usage
    answer([
      { index: 0, embedding: [1] },
      { index: 5, embedding: [2] },
    ]), // index out of range
  ];
  for (const text of bad) {
    assert.throws(
      () => readAnswer(text, 2, undefined),
      (error: unknown) => error instanceof ApiError && error.status === 502,
      text,
    );
  }
});

test("dimensions are cut here, as vLLM cuts them: truncated and back to unit length; never widened", () => {
  const { vectors } = readAnswer(answer([{ index: 0, embedding: [0.6, 0.8, 0, 0] }]), 1, 1);
  assert.deepEqual(vectors, [[1]]);
  assert.throws(
    () => readAnswer(answer([{ index: 0, embedding: [1, 0, 0] }]), 1, 4),
    (error: unknown) => error instanceof ApiError && error.status === 400 && error.param === "dimensions",
  );
});
