import assert from "node:assert/strict";
import { test } from "node:test";
import { CoalescedTask } from "./coalesce.js";

test("concurrent triggers share a run; a trigger during a run queues exactly one more", async () => {
  const reasons: string[] = [];
  let release: () => void = () => {};
  const task = new CoalescedTask(async (reason) => {
    reasons.push(reason);
    if (reasons.length === 1) await new Promise<void>((resolve) => (release = resolve));
  });
  const first = task.trigger("a");
  const second = task.trigger("b");
  task.trigger("c");
  assert.equal(first, second);
  release();
  await first;
  while (task.running) await task.running;
  assert.deepEqual(reasons, ["a", "c"]);
});
