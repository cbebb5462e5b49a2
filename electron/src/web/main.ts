// `entrim-console web`: browser mode. Prints one JSON line {"event":"ready","url":...} (for scripts and
// tests) and a human line on stderr; the URL carries the session token, so treat it like a password.
import { parseArgs } from "node:util";
import { createHandlers } from "../node/handlers.js";
import { defaultProfilesFile, RENDERER_APP_DIR } from "../node/paths.js";
import { ProfileStore } from "../node/profiles.js";
import { createRouter } from "../node/router.js";
import { startWebConsole } from "./server.js";

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      profiles: { type: "string" },
      port: { type: "string", default: "0" },
      profile: { type: "string" },
      static: { type: "string" },
    },
  });
  const handlers = createHandlers({ profiles: new ProfileStore(values.profiles ?? defaultProfilesFile()) });
  const web = await startWebConsole({
    router: createRouter(handlers),
    staticDir: values.static ?? RENDERER_APP_DIR,
    port: Number(values.port),
  });
  // The renderer connects to this profile by itself (npm start, tests).
  const url = values.profile ? `${web.url}&profile=${encodeURIComponent(values.profile)}` : web.url;
  process.stdout.write(`${JSON.stringify({ event: "ready", url })}\n`);
  process.stderr.write(`Entrim console (browser mode): ${url}\n`);
  const stop = async () => {
    handlers.dispose();
    await web.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
