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
  const third = task.trigger("c");
  // "a" began before "b" and "c" were triggered, so it may have read too early for them: they share
  // the one queued run instead, and resolve only once it is done.
  assert.notEqual(first, second);
  assert.equal(second, third);
  release();
  await first;
  await second;
  assert.deepEqual(reasons, ["a", "c"]);
  assert.equal(task.running, undefined);
});

test("a trigger during a run resolves after a run that began after it, not with the older run", async () => {
  let version = 0;
  let seen = -1;
  const releases: (() => void)[] = [];
  const task = new CoalescedTask(async () => {
    const read = version;
    await new Promise<void>((resolve) => releases.push(resolve));
    seen = read;
  });
  void task.trigger("first");
  version = 1;
  const late = task.trigger("after the change");
  releases.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  releases.shift()!();
  await late;
  assert.equal(seen, 1);
});
