import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import type { IpcMain } from "electron";
import type { Router } from "../node/router.js";
import { isAppPage } from "./app-protocol.js";
import { type CallResult, IPC_CALL, IPC_OPEN, registerIpc } from "./ipc.js";

const APP = "app://bundle";

function setup(router: Partial<Router>) {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn),
    on: (channel: string, fn: (...args: unknown[]) => unknown) => handlers.set(channel, fn),
  } as unknown as IpcMain;
  registerIpc(ipcMain, router as Router, isAppPage);
  const call = (url: string, ...args: unknown[]) =>
    handlers.get(IPC_CALL)!({ senderFrame: { url } }, ...args) as Promise<CallResult>;
  const open = (url: string, raw: unknown) => {
    const port = Object.assign(new EventEmitter(), {
      sent: [] as unknown[],
      closed: false,
      start() {},
      postMessage(m: unknown) {
        this.sent.push(m);
      },
      close() {
        this.closed = true;
      },
    });
    handlers.get(IPC_OPEN)!({ senderFrame: { url }, ports: [port] }, raw);
    return port;
  };
  return { call, open };
}

test("calls from the app's own page reach the router; other senders are refused", async () => {
  const seen: unknown[] = [];
  const { call } = setup({
    call: async (id, payload) => {
      seen.push([id, payload]);
      return ["ok"];
    },
  });
  assert.deepEqual(await call(`${APP}/index.html`, "profiles.list", {}), { ok: true, value: ["ok"] });
  // A file:// page (any file on the disk) and look-alike hosts are not the app's page.
  for (const url of [
    "https://evil.example/",
    "file:///app/renderer/dist/app/index.html",
    "app://bundle.evil/index.html",
    "app://evil/index.html",
  ]) {
    assert.deepEqual(await call(url, "profiles.list", {}), { ok: false, error: "untrusted sender" }, url);
  }
  assert.deepEqual(await call(`${APP}/index.html`, 42, {}), { ok: false, error: "malformed call" });
  assert.equal(seen.length, 1);
});

test("router errors come back as text, not as a rejected invoke", async () => {
  const { call } = setup({
    call: async () => {
      throw new Error("boom");
    },
  });
  assert.deepEqual(await call(`${APP}/index.html`, "x", {}), { ok: false, error: "boom" });
});

test("streams run over the handed-over port and stop when the renderer closes it", async () => {
  let aborted!: () => void;
  const stopped = new Promise<void>((resolve) => (aborted = resolve));
  const { open } = setup({
    open: async (_id, _payload, emit, signal) => {
      emit({ n: 1 });
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
      aborted();
    },
  });
  const port = open(`${APP}/index.html`, { channel: "fleet.watch", payload: {} });
  assert.deepEqual(port.sent[0], { type: "message", value: { n: 1 } });
  port.emit("close");
  await stopped;
  const refused = open("https://evil.example/", { channel: "fleet.watch", payload: {} });
  assert.deepEqual(refused.sent, [{ type: "end", error: "refused" }]);
  assert.equal(refused.closed, true);
});
