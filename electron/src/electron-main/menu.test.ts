import assert from "node:assert/strict";
import { test } from "node:test";
import type { MenuItemConstructorOptions } from "electron";
import { accelerator, menuTemplate, registerMenu } from "./menu.js";

test("shortcuts with a modifier become accelerators; single keys are only shown", () => {
  assert.equal(accelerator("mod+k"), "CmdOrCtrl+K");
  assert.equal(accelerator("mod+shift+d"), "CmdOrCtrl+Shift+D");
  assert.equal(accelerator("d"), undefined);
  const ran: string[] = [];
  const [node] = menuTemplate(
    [
      {
        id: "node.drain",
        title: "Drain node(s)",
        section: "Node",
        shortcut: "d",
        enabled: false,
        reason: "Needs the operator role",
      },
      { id: "palette.open", title: "Command palette", section: "View", shortcut: "mod+k", enabled: true },
    ],
    (id) => ran.push(id),
  );
  const drain = (node!.submenu as MenuItemConstructorOptions[])[0]!;
  assert.equal(drain.label, "Drain node(s)\td");
  assert.equal(drain.enabled, false);
  assert.equal(drain.accelerator, undefined);
  drain.click?.({} as never, undefined, {} as never);
  assert.deepEqual(ran, ["node.drain"]);
});

test("menus come only from the app's page, and only well-formed", () => {
  let listener: ((event: unknown, raw: unknown) => void) | undefined;
  const applied: unknown[] = [];
  registerMenu(
    {
      on: (_channel: string, fn: typeof listener) => {
        listener = fn;
      },
    } as never,
    (url) => url === "file:///app/index.html",
    (template) => applied.push(template),
  );
  const item = { id: "a", title: "A", section: "View", enabled: true };
  listener?.({ senderFrame: { url: "https://evil.example/" }, sender: {} }, [item]);
  listener?.({ senderFrame: { url: "file:///app/index.html" }, sender: {} }, [{ ...item, click: "x" }]);
  assert.equal(applied.length, 0);
  listener?.({ senderFrame: { url: "file:///app/index.html" }, sender: {} }, [item]);
  assert.equal(applied.length, 1);
});
