import assert from "node:assert/strict";
import { test } from "node:test";
import { TextStream } from "./text-stream.js";

function run(chunks: string[], stops: string[], trim = false) {
  const deltas: string[] = [];
  const stream = new TextStream(stops, (d) => deltas.push(d), trim);
  let stoppedAt = -1;
  chunks.forEach((c, i) => {
    if (stoppedAt === -1 && stream.push(c)) stoppedAt = i;
  });
  return { text: stream.finish(), deltas, stoppedAt };
}

test("a stop string spanning chunks ends the text before it and never reaches a delta", () => {
  const r = run(["Hello wo", "rld, EN", "D here"], ["END"]);
  assert.equal(r.text, "Hello world, ");
  assert.equal(r.deltas.join(""), "Hello world, ");
  assert.equal(r.stoppedAt, 2);
});

test("a held-back prefix that turns out not to stop is released", () => {
  const r = run(["abc E", "N", "x"], ["END"]);
  assert.equal(r.text, "abc ENx");
  assert.deepEqual(r.deltas, ["abc ", "ENx"]);
  assert.equal(r.stoppedAt, -1);
});

test("the earliest of several stops wins", () => {
  assert.equal(run(["one two three"], ["three", "two"]).text, "one ");
});

test("trailing whitespace is trimmed when asked, and released when followed by text", () => {
  const r = run(['{"a":', " ", "1}", "\n\n"], [], true);
  assert.equal(r.text, '{"a": 1}');
  assert.equal(r.deltas.join(""), '{"a": 1}');
});
