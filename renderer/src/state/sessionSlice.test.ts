import assert from "node:assert/strict";
import { test } from "node:test";
import { createAppStore } from "./store.js";

const cluster = {
  profile: "prod",
  operator: { name: "ada", role: "admin" as const, notAfterMs: 0 },
  readOnly: false,
  answeredBy: "a",
  leader: "a",
  peers: [],
};

test("connecting goes to the fleet with a clean table; a failure stays on profiles with the reason", () => {
  const store = createAppStore();
  store.getState().setSelected(["old"]);
  store.getState().connectStarted("prod");
  assert.equal(store.getState().connecting, "prod");
  store.getState().connected(cluster);
  assert.equal(store.getState().view, "fleet");
  assert.deepEqual(store.getState().selected, []);
  assert.equal(store.getState().connecting, undefined);
  store.getState().disconnected();
  assert.equal(store.getState().view, "profiles");
  assert.equal(store.getState().cluster, undefined);
  store.getState().connectStarted("prod");
  store.getState().connectFailed("No agent answered");
  assert.equal(store.getState().sessionError, "No agent answered");
  assert.equal(store.getState().view, "profiles");
});
