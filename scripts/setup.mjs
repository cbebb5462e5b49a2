// Shared first step of `npm start`, `npm test` and `npm run bench`: a fresh clone needs nothing but
// Node and npm, so install dependencies when they are missing and compile the TypeScript.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(`\n${command} ${args.join(" ")} failed (exit ${result.status})\n`);
    process.exit(result.status ?? 1);
  }
}

/** True when the lockfile changed after the last install (a pull brought new dependencies). */
function installIsStale() {
  const installed = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(installed)) return true;
  return statSync(join(root, "package-lock.json")).mtimeMs > statSync(installed).mtimeMs;
}

export function setup() {
  if (installIsStale()) {
    process.stdout.write("Installing dependencies...\n");
    // `npm install`, not `npm ci`: npm 11 records only this platform's optional packages in the lockfile
    // and then `npm ci` refuses it as out of sync.
    // Electron's binary is only needed for the desktop app; browser mode and the tests run without it,
    // and its download fails offline.
    run("npm", ["install", "--no-audit", "--no-fund"], {
      env: { ELECTRON_SKIP_BINARY_DOWNLOAD: "1", ...process.env },
    });
  }
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b"]);
  // The console's renderer bundle (renderer/dist/app), served by browser mode and loaded by Electron.
  run(process.execPath, [join(root, "renderer", "build.mjs")]);
  // The customer portal's bundle (portal/dist/app), served by every agent on portal.listen.
  run(process.execPath, [join(root, "portal", "build.mjs")]);
}
