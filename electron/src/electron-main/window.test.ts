import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import type { BrowserWindowConstructorOptions, Session, WebContents } from "electron";
import { createMainWindow, hardenSession, lockDownContents } from "./window.js";

/** A fake WebContents: records listeners and the window-open handler. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (handler: typeof openHandler) => {
      openHandler = handler;
    },
  });
  return {
    contents: contents as unknown as WebContents,
    emitter,
    open: (url: string) => openHandler?.({ url }),
  };
}

function fakeElectron() {
  const made: {
    options?: BrowserWindowConstructorOptions;
    loaded?: string;
    contents: ReturnType<typeof fakeContents>;
  } = {
    contents: fakeContents(),
  };
  class BrowserWindow {
    webContents = made.contents.contents;
    constructor(options: BrowserWindowConstructorOptions) {
      made.options = options;
    }
    loadURL(url: string) {
      made.loaded = url;
      return Promise.resolve();
    }
    once() {}
    show() {}
  }
  return { electron: { BrowserWindow }, made };
}

test("the window's renderer is sandboxed, isolated and has no Node", () => {
  const { electron, made } = fakeElectron();
  createMainWindow(electron, { preload: "/app/preload.cjs" });
  const prefs = made.options?.webPreferences;
  assert.equal(prefs?.contextIsolation, true);
  assert.equal(prefs?.sandbox, true);
  assert.equal(prefs?.nodeIntegration, false);
  assert.equal(prefs?.nodeIntegrationInWorker, false);
  assert.equal(prefs?.nodeIntegrationInSubFrames, false);
  assert.equal(prefs?.webSecurity, true);
  assert.equal(prefs?.allowRunningInsecureContent, false);
  assert.equal(prefs?.webviewTag, false);
  assert.equal(prefs?.preload, "/app/preload.cjs");
  // The bundle's own origin, not file:// (which shares an origin with every file on the disk).
  assert.equal(made.loaded, "app://bundle/index.html");
  const withHash = fakeElectron();
  createMainWindow(withHash.electron, { preload: "/app/preload.cjs", hash: "profile=prod" });
  assert.equal(withHash.made.loaded, "app://bundle/index.html#profile=prod");
});

test("navigation, redirects, webviews and new windows are all refused", () => {
  const { contents, emitter, open } = fakeContents();
  lockDownContents(contents);
  for (const event of ["will-navigate", "will-redirect", "will-attach-webview"]) {
    let prevented = false;
    emitter.emit(event, { preventDefault: () => (prevented = true) }, "https://evil.example/");
    assert.ok(prevented, `${event} is prevented`);
  }
  assert.deepEqual(open("https://evil.example/"), { action: "deny" });
});

test("the session denies every permission and sets the CSP on every response", () => {
  let requestHandler: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
  let checkHandler: (() => boolean) | undefined;
  let headers:
    | ((
        d: { responseHeaders?: Record<string, string[]> },
        cb: (r: { responseHeaders: Record<string, string[]> }) => void,
      ) => void)
    | undefined;
  const session = {
    setPermissionRequestHandler: (h: typeof requestHandler) => (requestHandler = h),
    setPermissionCheckHandler: (h: typeof checkHandler) => (checkHandler = h),
    webRequest: { onHeadersReceived: (h: typeof headers) => (headers = h) },
  } as unknown as Session;
  hardenSession(session);
  let granted: boolean | undefined;
  requestHandler?.({}, "media", (ok) => (granted = ok));
  assert.equal(granted, false);
  assert.equal(checkHandler?.(), false);
  let csp: string[] | undefined;
  headers?.({ responseHeaders: {} }, (r) => (csp = r.responseHeaders["Content-Security-Policy"]));
  assert.match(csp?.[0] ?? "", /default-src 'none'; script-src 'self'/);
  assert.doesNotMatch(csp?.[0] ?? "", /script-src[^;]*unsafe/);
  // The desktop page reaches the Node side through IPC only: it connects nowhere.
  assert.match(csp?.[0] ?? "", /connect-src 'none'/);
});
