import assert from "node:assert/strict";
import { test } from "node:test";
import { createAppStore } from "./store.js";

test("drain progress is kept per node until done; errors end it too", () => {
  const store = createAppStore();
  const s = () => store.getState();
  s().drainStarted("a", 5);
  s().drainStarted("b", 5);
  s().drainProgress({
    node: "a",
    state: "NODE_STATE_DRAINING",
    requestsInFlight: 4,
    requestsQueued: 0,
    deadlineAtMs: 9,
    requestsCutOff: 0,
    done: false,
  });
  assert.equal(s().drains.a?.progress?.requestsInFlight, 4);
  assert.equal(s().drains.a?.done, false);
  s().drainProgress({
    node: "a",
    state: "NODE_STATE_DRAINED",
    requestsInFlight: 0,
    requestsQueued: 0,
    deadlineAtMs: 9,
    requestsCutOff: 0,
    done: true,
  });
  assert.equal(s().drains.a?.done, true);
  s().drainEnded("b", "PERMISSION_DENIED");
  assert.deepEqual(
    { done: s().drains.b?.done, error: s().drains.b?.error },
    { done: true, error: "PERMISSION_DENIED" },
  );
});

test("the dialog closes the palette; notices keep only the newest five", () => {
  const store = createAppStore();
  store.getState().setPaletteOpen(true);
  store.getState().openDialog({ kind: "drain", nodes: ["a"] });
  assert.equal(store.getState().paletteOpen, false);
  for (let i = 0; i < 7; i++) store.getState().notify("info", `n${i}`);
  assert.deepEqual(
    store.getState().notices.map((n) => n.text),
    ["n2", "n3", "n4", "n5", "n6"],
  );
  store.getState().dismiss(store.getState().notices[0]!.id);
  assert.equal(store.getState().notices.length, 4);
});
