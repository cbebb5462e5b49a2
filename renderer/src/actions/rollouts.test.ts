import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterInfo, Role } from "@entrim/electron/common";
import type { Controller } from "../controller.js";
import { createAppStore } from "../state/store.js";
import { rollout } from "../test-support/rollouts.js";
import { consoleActions } from "./actions.js";
import type { ActionContext } from "./types.js";

function setup(role: Role, readOnly = false) {
  const store = createAppStore();
  const cluster: ClusterInfo = {
    profile: "prod",
    operator: { name: "vera", role, notAfterMs: 0 },
    readOnly,
    answeredBy: "a",
    leader: "a",
    peers: [],
  };
  store.getState().connected(cluster);
  store
    .getState()
    .rolloutsLoaded([
      rollout("ro_run", { createdAtMs: 3 }),
      rollout("ro_paused", { createdAtMs: 2, state: "ROLLOUT_STATE_PAUSED" }),
      rollout("ro_done", { createdAtMs: 1, state: "ROLLOUT_STATE_COMPLETED" }),
    ]);
  const calls: string[] = [];
  const controller = {
    rollouts: {
      act: async (id: string, verb: string) => {
        calls.push(`${verb} ${id}`);
        return undefined;
      },
      loadCatalogue: async () => undefined,
    },
  } as unknown as Controller;
  const ctx: ActionContext = {
    store,
    controller,
    focusFilter: () => {},
    focusAccountSearch: () => {},
    visibleNames: () => [],
  };
  const actions = consoleActions();
  const run = (id: string) => actions.run(id, store.getState(), ctx);
  return { store, run, calls };
}

test("roles mirror the agent: a viewer sees every rollout change disabled, with the reason", () => {
  const { store, run } = setup("viewer");
  assert.equal(run("view.rollouts").enabled, true);
  assert.equal(store.getState().view, "rollouts");
  assert.deepEqual(run("rollout.start"), {
    enabled: false,
    reason: "Needs the admin role; your certificate (vera) names viewer.",
  });
  for (const id of ["rollout.pause", "rollout.resume", "rollout.abort"])
    assert.match(run(id).reason ?? "", /Needs the operator role/, id);
  assert.match(run("rollout.rollback").reason ?? "", /Needs the admin role/);
  assert.equal(store.getState().rolloutDialog, undefined);
});

test("an operator pauses, resumes and aborts, but neither starts nor rolls back", () => {
  const { store, run, calls } = setup("operator");
  store.getState().setView("rollouts");
  assert.match(run("rollout.start").reason ?? "", /Needs the admin role/);
  assert.match(run("rollout.rollback").reason ?? "", /Needs the admin role/);
  assert.equal(store.getState().rolloutCursor, "ro_run");
  assert.equal(run("rollout.pause").enabled, true);
  assert.deepEqual(calls, ["pause ro_run"]);
  assert.equal(run("rollout.resume").reason, "A running rollout cannot be resumed.");
  assert.equal(run("rollout.abort").enabled, true);
  assert.deepEqual(store.getState().rolloutDialog, { kind: "abort", id: "ro_run" });
});

test("each verb only from the states the agent takes it from; j/k pick the rollout", () => {
  const { store, run } = setup("admin");
  store.getState().setView("rollouts");
  run("fleet.down");
  assert.equal(store.getState().rolloutCursor, "ro_paused");
  assert.equal(run("rollout.pause").reason, "A paused rollout cannot be paused.");
  assert.equal(run("rollout.resume").enabled, true);
  run("fleet.down");
  assert.equal(store.getState().rolloutCursor, "ro_done");
  assert.equal(run("rollout.abort").reason, "A completed rollout cannot be aborted.");
  assert.equal(run("rollout.rollback").enabled, true);
  assert.deepEqual(store.getState().rolloutDialog, { kind: "rollback", id: "ro_done" });
  run("view.back");
  assert.equal(store.getState().rolloutDialog, undefined, "Esc closes the dialog");
  store.getState().setView("fleet");
  assert.equal(run("rollout.rollback").reason, "Only in the rollouts view.");
  assert.equal(run("rollout.start").enabled, true, "start works from anywhere");
  assert.equal(store.getState().view, "rollouts");
  assert.deepEqual(store.getState().rolloutDialog, { kind: "start" });
});

test("a read-only profile disables every rollout change, whatever the certificate", () => {
  const { store, run } = setup("admin", true);
  store.getState().setView("rollouts");
  for (const id of ["rollout.start", "rollout.pause", "rollout.abort", "rollout.rollback"])
    assert.equal(run(id).reason, 'Profile "prod" is read-only.', id);
});
