// Where the console keeps its files by default, and where the renderer bundle is in this repository.
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export function defaultProfilesFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ENTRIM_CONSOLE_PROFILES) return env.ENTRIM_CONSOLE_PROFILES;
  const config = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(config, "entrim-console", "profiles.json");
}

/** renderer/dist/app, built by renderer/build.mjs (`npm run build` / the test and start scripts). */
export const RENDERER_APP_DIR = fileURLToPath(new URL("../../../renderer/dist/app", import.meta.url));
