import assert from "node:assert/strict";
import { test } from "node:test";
import { HintQueue, hintFields } from "./hints.js";

test("a storm of hints costs one read at a time, each carrying what gathered meanwhile", async () => {
  const reads: string[][] = [];
  let reloads = 0;
  let inFlight = 0;
  let release: () => void = () => {};
  const queue = new HintQueue({
    read: async (ids) => {
      inFlight++;
      assert.equal(inFlight, 1, "never two reads at once");
      reads.push(ids);
      if (reads.length === 1) await new Promise<void>((resolve) => (release = resolve));
      inFlight--;
    },
    reload: async () => {
      reloads++;
    },
    maxPending: 50,
  });
  const first = queue.add("a");
  const storm = Array.from({ length: 40 }, (_, i) => queue.add(`id-${i % 20}`));
  release();
  await Promise.all([first, ...storm]);
  assert.deepEqual(reads, [["a"], Array.from({ length: 20 }, (_, i) => `id-${i}`)]);
  assert.equal(reloads, 0);
});

test("past maxPending ids the queue runs the full reload instead", async () => {
  const reads: string[][] = [];
  let reloads = 0;
  const queue = new HintQueue({
    read: async (ids) => {
      reads.push(ids);
    },
    reload: async () => {
      reloads++;
    },
    maxPending: 3,
  });
  // "a" starts a read at once; b, c and d wait behind it, and e is one too many.
  await Promise.all(["a", "b", "c", "d", "e"].map((id) => queue.add(id)));
  assert.equal(reloads, 1);
  assert.deepEqual(reads, [["a"]]);
  await queue.add("f");
  assert.deepEqual(reads, [["a"], ["f"]]);
});

test("hintFields takes short string ids from a JSON object and nothing else", () => {
  assert.deepEqual(hintFields('{"id":"susp_1","lifted":true}', "id"), { id: "susp_1" });
  assert.equal(hintFields('{"id":7}', "id"), undefined);
  assert.equal(hintFields(`{"id":"${"x".repeat(201)}"}`, "id"), undefined);
  assert.equal(hintFields("not json", "id"), undefined);
  assert.equal(hintFields("null", "id"), undefined);
});
