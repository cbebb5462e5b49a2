import assert from "node:assert/strict";
import { test } from "node:test";
import { Backoff } from "./backoff.js";

test("backoff doubles up to the cap, jittered in the upper half, and resets", () => {
  const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
  assert.deepEqual([low.next(), low.next(), low.next(), low.next(), low.next()], [50, 100, 200, 400, 500]);
  low.reset();
  assert.equal(low.next(), 50);
  const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
  assert.deepEqual([high.next(), high.next()], [100, 200]);
});
