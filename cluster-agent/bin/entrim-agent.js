#!/usr/bin/env node
// The agent ships compiled; a checkout builds it with `npm run build` (npm start and npm test do this).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("entrim-agent is not built yet: run `npm run build` in the repository root first.\n");
  process.exit(1);
}
await import(entry.href);
