// The console's only window. The renderer gets no Node, runs sandboxed in an isolated world, can neither
// navigate nor open windows, and reaches the Node side only through the preload's bridge. The Electron
// module is passed in so tests can assert these settings with a fake one.
import type { BrowserWindowConstructorOptions, Session, WebContents } from "electron";
import { APP_CONTENT_SECURITY_POLICY, APP_INDEX_URL } from "./app-protocol.js";

/** The parts of the `electron` module this file uses. */
export interface WindowElectron {
  BrowserWindow: new (
    options: BrowserWindowConstructorOptions,
  ) => {
    webContents: WebContents;
    loadURL(url: string): Promise<void>;
    once(event: "ready-to-show", listener: () => void): unknown;
    show(): void;
  };
}

export function secureWebPreferences(preload: string): BrowserWindowConstructorOptions["webPreferences"] {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** No navigation, no new windows, no webviews: applied to every WebContents the app creates. */
export function lockDownContents(contents: WebContents): void {
  contents.on("will-navigate", (event) => event.preventDefault());
  contents.on("will-redirect", (event) => event.preventDefault());
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
}

/** Denies every permission (camera, notifications...) and sets the CSP on every response. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        "Content-Security-Policy": [APP_CONTENT_SECURITY_POLICY],
      },
    });
  });
}

export function createMainWindow(electron: WindowElectron, options: { preload: string; hash?: string }) {
  const window = new electron.BrowserWindow({
    width: 1600,
    height: 1000,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: "#0d1117",
    title: "Entrim console",
    webPreferences: secureWebPreferences(options.preload),
  });
  lockDownContents(window.webContents);
  window.once("ready-to-show", () => window.show());
  // The bundle from its own origin (app-protocol.ts), never from file://.
  void window.loadURL(options.hash ? `${APP_INDEX_URL}#${options.hash}` : APP_INDEX_URL);
  return window;
}
