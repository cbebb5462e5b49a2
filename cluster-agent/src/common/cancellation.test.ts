import assert from "node:assert/strict";
import { test } from "node:test";
import { Cancellation } from "./cancellation.js";

test("abort runs each listener once, skips removed ones and ignores late ones", () => {
  const cancel = new Cancellation();
  const calls: string[] = [];
  const kept = () => calls.push("fn");
  const removed = () => calls.push("removed");
  const object = { handleEvent: () => calls.push("object") };
  cancel.addEventListener("abort", kept);
  cancel.addEventListener("abort", removed);
  cancel.addEventListener("abort", object);
  cancel.removeEventListener("abort", removed);
  assert.equal(cancel.aborted, false);
  cancel.abort();
  cancel.abort();
  cancel.addEventListener("abort", () => calls.push("late"));
  assert.equal(cancel.signal.aborted, true);
  assert.deepEqual(calls, ["fn", "object"]);
});
