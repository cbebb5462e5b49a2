// The desktop app: `electron electron/dist/electron-main/main.js [--profile NAME]`. Owns every agent
// connection (the renderer has none) and hands the renderer the console's channels over IPC.
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import electron from "electron";
import { createHandlers } from "../node/handlers.js";
import { RENDERER_APP_DIR } from "../node/paths.js";
import { ProfileStore } from "../node/profiles.js";
import { createRouter } from "../node/router.js";
import { registerIpc } from "./ipc.js";
import { SecretStore } from "./secrets.js";
import { createMainWindow, hardenSession, lockDownContents } from "./window.js";

const { app, ipcMain, safeStorage, session } = electron;

app.enableSandbox();
app.on("web-contents-created", (_event, contents) => lockDownContents(contents));

app.whenReady().then(() => {
  hardenSession(session.defaultSession);
  const secrets = new SecretStore(safeStorage, join(app.getPath("userData"), "secrets"));
  const profiles = new ProfileStore(
    process.env.ENTRIM_CONSOLE_PROFILES ?? join(app.getPath("userData"), "profiles.json"),
  );
  const handlers = createHandlers({ profiles, readPem: secrets.readPem });
  const appUrl = pathToFileURL(RENDERER_APP_DIR).href;
  registerIpc(ipcMain, createRouter(handlers), (url) => url?.startsWith(`${appUrl}/`) === true);
  const profileFlag = process.argv.indexOf("--profile");
  const profile = profileFlag > 0 ? process.argv[profileFlag + 1] : undefined;
  createMainWindow(electron, {
    preload: fileURLToPath(new URL("./preload.cjs", import.meta.url)),
    indexHtml: join(RENDERER_APP_DIR, "index.html"),
    ...(profile ? { hash: `profile=${encodeURIComponent(profile)}` } : {}),
  });
  app.on("before-quit", () => handlers.dispose());
});

app.on("window-all-closed", () => app.quit());
