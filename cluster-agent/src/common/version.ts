import { readFileSync } from "node:fs";

/** The agent's version, from its package.json, reported in the node registry and /metrics. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
