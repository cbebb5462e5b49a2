import assert from "node:assert/strict";
import { test } from "node:test";
import { Ring } from "./ring.js";

test("a ring keeps the newest values in order and drops the oldest", () => {
  const ring = new Ring(3);
  assert.deepEqual(ring.toArray(), []);
  assert.equal(ring.last(), undefined);
  for (const v of [1, 2, 3, 4, 5]) ring.push(v);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
  assert.deepEqual(ring.tail(2), [4, 5]);
  assert.equal(ring.last(), 5);
  assert.equal(ring.length, 3);
});
