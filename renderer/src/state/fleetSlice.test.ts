import assert from "node:assert/strict";
import { test } from "node:test";
import { gpu, peer, snap, traffic } from "../test-support/snapshots.js";
import { fleetSummary, visibleNodes } from "./fleetSlice.js";
import { createAppStore } from "./store.js";

function fleet() {
  const store = createAppStore();
  store.getState().applyFleetEvents([
    {
      type: "peers",
      leader: "b",
      peers: [peer("a"), peer("b", { region: "eu-west-1" }), peer("c", { models: ["mistral"] })],
    },
    { type: "link", node: "a", state: "ready" },
    { type: "link", node: "b", state: "ready" },
    { type: "link", node: "c", state: "reconnecting", error: "connection refused" },
    {
      type: "snapshot",
      node: "a",
      snapshot: snap("a", {
        gpus: [gpu(0, { temperatureCelsius: 85 })],
        traffic: traffic({ requestsInFlight: 3, latencyP95Ms: 900 }),
      }),
    },
    {
      type: "snapshot",
      node: "b",
      snapshot: snap("b", {
        region: "eu-west-1",
        state: "NODE_STATE_DRAINED",
        traffic: traffic({ requestsInFlight: 7, latencyP95Ms: 300 }),
      }),
    },
  ]);
  return store;
}

test("events build one record per node: registry entry, newest snapshot, link state", () => {
  const { nodes, leader } = fleet().getState();
  assert.equal(leader, "b");
  assert.deepEqual(Object.keys(nodes).sort(), ["a", "b", "c"]);
  assert.equal(nodes.c?.link, "reconnecting");
  assert.equal(nodes.c?.linkError, "connection refused");
  assert.equal(nodes.a?.snapshot?.traffic?.requestsInFlight, 3);
});

test("filters by text, region, model and state; a node the console cannot reach counts as down", () => {
  const store = fleet();
  const names = () => visibleNodes(store.getState()).map((n) => n.name);
  assert.deepEqual(names(), ["a", "b", "c"]);
  store.getState().setFilter({ region: "eu-west-1" });
  assert.deepEqual(names(), ["b"]);
  store.getState().setFilter({ region: "", model: "mistral" });
  assert.deepEqual(names(), ["c"]);
  store.getState().setFilter({ model: "", state: "down" });
  assert.deepEqual(names(), ["c"]);
  store.getState().setFilter({ state: "", text: "DRAIN" });
  assert.deepEqual(names(), ["b"]);
});

test("sorts by a column; the same column again flips the order; missing values go last", () => {
  const store = fleet();
  const names = () => visibleNodes(store.getState()).map((n) => n.name);
  store.getState().sortBy("inflight");
  assert.deepEqual(names(), ["b", "a", "c"]);
  store.getState().sortBy("inflight");
  assert.deepEqual(names(), ["c", "a", "b"]);
  store.getState().sortBy("temp");
  assert.deepEqual(names()[0], "a");
});

test("selection toggles and de-duplicates", () => {
  const store = fleet();
  store.getState().toggleSelected("a");
  store.getState().toggleSelected("b");
  store.getState().toggleSelected("a");
  assert.deepEqual(store.getState().selected, ["b"]);
  store.getState().setSelected(["a", "a", "c"]);
  assert.deepEqual(store.getState().selected, ["a", "c"]);
});

test("the summary row counts states, hot GPUs, load and the worst p95", () => {
  const summary = fleetSummary(visibleNodes(fleet().getState()));
  assert.deepEqual(summary.byState, { serving: 1, drained: 1, down: 1 });
  assert.equal(summary.hotGpus, 1);
  assert.equal(summary.inFlight, 10);
  assert.equal(summary.worstP95, 900);
});
