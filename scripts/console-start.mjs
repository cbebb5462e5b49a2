// Part of `npm start`: the operations console for the local agent. Writes a profile for the admin
// certificate the start script made, then starts browser mode (always: it prints a URL) and, where a
// display and Electron's binary exist, the desktop app too.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { root } from "./setup.mjs";

const children = [];
for (const signal of ["SIGINT", "SIGTERM", "exit"]) {
  process.on(signal, () => {
    for (const child of children) child.kill("SIGTERM");
  });
}

/** Electron's binary path, or undefined where it was not downloaded (offline installs, CI). */
function electronBinary() {
  try {
    const path = createRequire(join(root, "electron", "package.json"))("electron");
    return typeof path === "string" && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export async function startConsoleFor({ dataDir, control, operators }) {
  const dir = join(dataDir, "console");
  mkdirSync(dir, { recursive: true });
  const profiles = join(dir, "profiles.json");
  const profile = {
    name: "local",
    addresses: [control],
    caFile: join(operators, "ca.pem"),
    certFile: join(operators, "admin.pem"),
    keyFile: join(operators, "admin-key.pem"),
    readOnly: false,
  };
  writeFileSync(profiles, `${JSON.stringify({ profiles: [profile] }, null, 2)}\n`, { mode: 0o600 });

  const web = spawn(
    process.execPath,
    [join(root, "electron", "bin", "entrim-console.js"), "web", "--profiles", profiles, "--profile", "local"],
    { cwd: root, stdio: ["ignore", "pipe", "ignore"] },
  );
  children.push(web);
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: web.stdout }).on("line", (line) => {
      try {
        const event = JSON.parse(line);
        if (event.event === "ready") resolve(event.url);
      } catch {
        // not a JSON line
      }
    });
    web.once("exit", (code) => reject(new Error(`console exited ${code}`)));
  });

  const binary = (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && electronBinary();
  if (binary) {
    const app = spawn(
      binary,
      [join(root, "electron", "dist", "electron-main", "main.js"), "--profile", "local"],
      {
        cwd: root,
        env: { ...process.env, ENTRIM_CONSOLE_PROFILES: profiles },
        stdio: "ignore",
      },
    );
    children.push(app);
  }
  return { url, electron: Boolean(binary) };
}
