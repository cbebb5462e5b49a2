import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterInfo } from "@entrim/electron/common";
import type { Controller } from "../controller.js";
import { visibleNodes } from "../state/fleetSlice.js";
import { createAppStore } from "../state/store.js";
import { peer, snap } from "../test-support/snapshots.js";
import { consoleActions } from "./actions.js";
import { nodeTargets } from "./node.js";
import type { ActionContext } from "./types.js";

function setup(role: "viewer" | "operator") {
  const store = createAppStore();
  const cluster: ClusterInfo = {
    profile: "p",
    operator: { name: "o", role, notAfterMs: 0 },
    readOnly: false,
    answeredBy: "a",
    leader: "a",
    peers: [],
  };
  store.getState().connected(cluster);
  store
    .getState()
    .applyFleetEvents([
      { type: "peers", leader: "a", peers: [peer("a"), peer("b"), peer("c")] },
      ...["a", "b", "c"].map((n) => ({ type: "link" as const, node: n, state: "ready" as const })),
      { type: "snapshot", node: "a", snapshot: snap("a") },
      { type: "snapshot", node: "b", snapshot: snap("b", { state: "NODE_STATE_DRAINED" }) },
      { type: "snapshot", node: "c", snapshot: snap("c") },
    ]);
  const ctx: ActionContext = {
    store,
    controller: {} as Controller,
    focusFilter: () => {},
    focusAccountSearch: () => undefined,
    visibleNames: () => visibleNodes(store.getState()).map((n) => n.name),
  };
  return { store, ctx, actions: consoleActions() };
}

test("j/k move the cursor, x selects, shift+a selects all visible", () => {
  const { store, ctx, actions } = setup("operator");
  const run = (id: string) => actions.run(id, store.getState(), ctx);
  run("fleet.down");
  run("fleet.down");
  assert.equal(store.getState().cursor, "b");
  run("fleet.up");
  run("fleet.up");
  run("fleet.up");
  assert.equal(store.getState().cursor, "a");
  run("fleet.toggle");
  assert.deepEqual(store.getState().selected, ["a"]);
  run("fleet.selectAll");
  assert.deepEqual(store.getState().selected, ["a", "b", "c"]);
});

test("drain targets the selection and opens the confirmation dialog; it needs a drainable node", () => {
  const { store, ctx, actions } = setup("operator");
  assert.match(actions.run("node.drain", store.getState(), ctx).reason ?? "", /Select a node/);
  store.getState().setSelected(["b"]);
  assert.match(actions.run("node.drain", store.getState(), ctx).reason ?? "", /can be drained/);
  assert.equal(actions.run("node.undrain", store.getState(), ctx).enabled, true);
  store.getState().openDialog(undefined);
  store.getState().setSelected(["a", "c"]);
  assert.deepEqual(nodeTargets(store.getState()), ["a", "c"]);
  assert.equal(actions.run("node.drain", store.getState(), ctx).enabled, true);
  assert.deepEqual(store.getState().dialog, { kind: "drain", nodes: ["a", "c"] });
});

test("a viewer sees drain disabled with the reason", () => {
  const { store, ctx, actions } = setup("viewer");
  store.getState().setCursor("a");
  const result = actions.run("node.drain", store.getState(), ctx);
  assert.equal(result.enabled, false);
  assert.match(result.reason ?? "", /Needs the operator role/);
  assert.equal(store.getState().dialog, undefined);
});
