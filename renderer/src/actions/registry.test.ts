import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterInfo } from "@entrim/electron/common";
import { createAppStore } from "../state/store.js";
import { ActionRegistry, availability, shortcutOf } from "./registry.js";
import type { Action } from "./types.js";

const key = (
  k: string,
  mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {},
) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

function connectedAs(role: "viewer" | "operator" | "admin", readOnly = false) {
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
  return store.getState();
}

const drain: Action<null> = {
  id: "drain",
  title: "Drain",
  section: "Node",
  needs: "operator",
  mutating: true,
  perform: () => {},
};

test("an action the role does not allow is disabled with the reason", () => {
  assert.deepEqual(availability(drain as Action<never>, connectedAs("viewer")), {
    enabled: false,
    reason: "Needs the operator role; your certificate (vera) names viewer.",
  });
  assert.deepEqual(availability(drain as Action<never>, connectedAs("operator")), { enabled: true });
  assert.deepEqual(availability(drain as Action<never>, connectedAs("admin", true)), {
    enabled: false,
    reason: 'Profile "prod" is read-only.',
  });
  assert.equal(
    availability(drain as Action<never>, createAppStore().getState()).reason,
    "Connect to a cluster first.",
  );
});

test("run performs only allowed actions and reports why not", () => {
  let ran = 0;
  const registry = new ActionRegistry<null>().register({ ...drain, perform: () => ran++ });
  assert.equal(registry.run("drain", connectedAs("viewer"), null).enabled, false);
  assert.equal(ran, 0);
  assert.equal(registry.run("drain", connectedAs("admin"), null).enabled, true);
  assert.equal(ran, 1);
});

test("ids and shortcuts are unique; palette search matches every word", () => {
  const registry = new ActionRegistry<null>().register({ ...drain, shortcut: "d" });
  assert.throws(() => registry.register({ ...drain }), /registered twice/);
  assert.throws(() => registry.register({ ...drain, id: "other", shortcut: "d" }), /taken by drain/);
  assert.deepEqual(
    registry.search("node dra").map((a) => a.id),
    ["drain"],
  );
  assert.deepEqual(registry.search("undrain"), []);
});

test("key events become shortcut strings; Ctrl and Cmd are both mod", () => {
  assert.equal(shortcutOf(key("k", { ctrlKey: true })), "mod+k");
  assert.equal(shortcutOf(key("k", { metaKey: true })), "mod+k");
  assert.equal(shortcutOf(key("A", { shiftKey: true })), "shift+a");
  assert.equal(shortcutOf(key("Escape")), "escape");
  assert.equal(shortcutOf(key("/")), "/");
  assert.equal(shortcutOf(key("D", { ctrlKey: true, shiftKey: true })), "mod+shift+d");
});
