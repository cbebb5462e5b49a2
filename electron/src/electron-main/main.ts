// The desktop app: `electron electron/dist/electron-main/main.js [--profile NAME]`. Owns every agent
// connection (the renderer has none) and hands the renderer the console's channels over IPC.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import electron from "electron";
import { createHandlers } from "../node/handlers.js";
import { RENDERER_APP_DIR } from "../node/paths.js";
import { ProfileStore } from "../node/profiles.js";
import { createRouter } from "../node/router.js";
import { APP_SCHEME_PRIVILEGES, isAppPage, registerAppProtocol } from "./app-protocol.js";
import { registerIpc } from "./ipc.js";
import { registerMenu } from "./menu.js";
import { SafePassphrases, SecretStore } from "./secrets.js";
import { createMainWindow, hardenSession, lockDownContents } from "./window.js";

const { app, ipcMain, Menu, Notification, protocol, safeStorage, session } = electron;

// Before ready, or the scheme gets no origin of its own: the page is served from app://bundle/.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

app.enableSandbox();
app.on("web-contents-created", (_event, contents) => lockDownContents(contents));

/** `--import-key NAME FILE`: moves a client key into the keychain, then a profile can say "safe-storage:NAME". */
function importKey(secrets: SecretStore, args: string[]): void {
  const at = args.indexOf("--import-key");
  const [name, file] = [args[at + 1], args[at + 2]];
  try {
    if (!name || !file) throw new Error("usage: --import-key NAME FILE");
    secrets.put(name, readFileSync(file, "utf8"));
    process.stdout.write(`Stored; use "keyFile": "safe-storage:${name}" and delete ${file}.\n`);
    app.exit(0);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    app.exit(1);
  }
}

app.whenReady().then(() => {
  const secrets = new SecretStore(safeStorage, join(app.getPath("userData"), "secrets"));
  if (process.argv.includes("--import-key")) return importKey(secrets, process.argv);
  hardenSession(session.defaultSession);
  const profiles = new ProfileStore(
    process.env.ENTRIM_CONSOLE_PROFILES ?? join(app.getPath("userData"), "profiles.json"),
  );
  const handlers = createHandlers({
    profiles,
    readPem: secrets.readPem,
    // Alerts reach the operator through the OS even while the window is in the background.
    desktopNotify: (title, body) => {
      if (!Notification.isSupported()) return false;
      new Notification({ title, body }).show();
      return true;
    },
    knownHostsFile: join(app.getPath("userData"), "known-hosts.json"),
    sessionLogDir: join(app.getPath("userData"), "session-logs"),
    passphrases: new SafePassphrases(secrets),
  });
  registerAppProtocol(protocol, RENDERER_APP_DIR);
  const trusted = isAppPage;
  registerIpc(ipcMain, createRouter(handlers), trusted);
  registerMenu(ipcMain, trusted, (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)));
  const profileFlag = process.argv.indexOf("--profile");
  const profile = profileFlag > 0 ? process.argv[profileFlag + 1] : undefined;
  createMainWindow(electron, {
    preload: fileURLToPath(new URL("./preload.cjs", import.meta.url)),
    ...(profile ? { hash: `profile=${encodeURIComponent(profile)}` } : {}),
  });
  app.on("before-quit", () => handlers.dispose());
});

app.on("window-all-closed", () => app.quit());
