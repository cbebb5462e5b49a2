// `npm run console:web [-- --profiles FILE --profile NAME --port N]`: the operations console in a browser
// (loopback only). Prints the URL with its session token.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { root, setup } from "./setup.mjs";

setup();
const child = spawn(
  process.execPath,
  [join(root, "electron", "bin", "entrim-console.js"), "web", ...process.argv.slice(2)],
  {
    stdio: "inherit",
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
