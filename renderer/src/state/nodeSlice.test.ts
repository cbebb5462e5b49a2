import assert from "node:assert/strict";
import { test } from "node:test";
import { createAppStore } from "./store.js";

test("opening a node shows the node view with the cursor on it; back returns to the fleet", () => {
  const store = createAppStore();
  assert.equal(store.getState().view, "profiles");
  store.getState().openNode("gpu-07");
  assert.equal(store.getState().view, "node");
  assert.equal(store.getState().focusedNode, "gpu-07");
  assert.equal(store.getState().cursor, "gpu-07");
  store.getState().back();
  assert.equal(store.getState().view, "fleet");
  store.getState().setView("audit");
  store.getState().back();
  assert.equal(store.getState().view, "audit", "back leaves other views alone");
});
