import assert from "node:assert/strict";
import { test } from "node:test";
import { consoleActions } from "./actions/actions.js";
import type { ActionContext } from "./actions/types.js";
import type { Controller } from "./controller.js";
import { feedMenu } from "./menu.js";
import { createAppStore } from "./state/store.js";
import type { MenuItem } from "./transport/ipc.js";

test("the menu gets every action with its availability, again only when that changes", () => {
  const store = createAppStore();
  const ctx: ActionContext = {
    store,
    controller: {} as Controller,
    focusFilter: () => {},
    focusAccountSearch: () => undefined,
    visibleNames: () => [],
  };
  const sent: MenuItem[][] = [];
  let click: ((id: string) => void) | undefined;
  feedMenu(
    {
      call: async () => ({ ok: true, value: null }),
      stream: () => () => {},
      setMenu: (items) => sent.push(items),
      onMenuAction: (run) => (click = run),
    },
    consoleActions(),
    ctx,
  );
  const drain = sent[0]?.find((i) => i.id === "node.drain");
  assert.deepEqual(drain, {
    id: "node.drain",
    title: "Drain node(s)",
    section: "Node",
    shortcut: "d",
    enabled: false,
    reason: "Connect to a cluster first.",
  });
  store.getState().notify("info", "unrelated");
  assert.equal(sent.length, 1, "no resend when nothing in the menu changed");
  click?.("palette.open");
  assert.equal(store.getState().paletteOpen, true);
});
