/**
 * Runs the stand-in upstream as its own process, so the supervisor can start and kill it and benchmarks
 * can give it a core of its own:
 *   node cluster-agent/dist/test-support/upstream-main.js --port P [--delay-ms N] [--tokens N]
 *     [--token-delay-ms N] [--host H] [--model NAME] [--context-length N] [--tokenize vllm|llama|none]
 *     [--weights FILE] [--env-dump FILE] [--log-requests] [--max-logprobs N]
 *     [--enable-auto-tool-choice] [--tool-call-parser NAME]
 * Prints `listening <url>` on stdout once it accepts connections. With --weights it refuses to start
 * unless FILE is readable, as a real engine refuses missing weights. It requires the key in
 * UPSTREAM_API_KEY, else the one the agent hands every engine it starts (ENTRIM_ENGINE_API_KEY), as
 * vLLM reads VLLM_API_KEY. --env-dump writes the names of its environment variables, its uid and gid to
 * FILE (JSON) before it listens, for tests of what an engine is given. vLLM's tool flags are accepted so a
 * vLLM command line runs unchanged; auto tool choice is on without them too, so tests need not repeat them.
 */
import { accessSync, constants, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startUpstream, type TokenizeShape } from "./upstream.js";

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer\n`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "delay-ms": { type: "string" },
    tokens: { type: "string" },
    "token-delay-ms": { type: "string" },
    model: { type: "string" },
    "context-length": { type: "string" },
    tokenize: { type: "string" },
    weights: { type: "string" },
    "env-dump": { type: "string" },
    "log-requests": { type: "boolean" },
    "max-logprobs": { type: "string" },
    "enable-auto-tool-choice": { type: "boolean" },
    "tool-call-parser": { type: "string" },
  },
});

if (values["env-dump"] !== undefined) {
  const dump = { names: Object.keys(process.env).sort(), uid: process.getuid?.(), gid: process.getgid?.() };
  writeFileSync(values["env-dump"], JSON.stringify(dump));
}

if (values.weights !== undefined) {
  try {
    accessSync(values.weights, constants.R_OK);
  } catch {
    process.stderr.write(`--weights ${values.weights} is not a readable file\n`);
    process.exit(2);
  }
}

const tokenize = values.tokenize ?? "vllm";
if (tokenize !== "vllm" && tokenize !== "llama" && tokenize !== "none") {
  process.stderr.write("--tokenize must be vllm, llama or none\n");
  process.exit(2);
}

const upstream = await startUpstream({
  port: int("port", values.port) ?? 0,
  host: values.host ?? "127.0.0.1",
  delayMs: int("delay-ms", values["delay-ms"]),
  tokens: int("tokens", values.tokens),
  tokenDelayMs: int("token-delay-ms", values["token-delay-ms"]),
  model: values.model,
  contextLength: int("context-length", values["context-length"]),
  tokenize: tokenize as TokenizeShape,
  // Read from the environment, never argv: argv is visible to every user in `ps`.
  requireKey: process.env.UPSTREAM_API_KEY ?? process.env.ENTRIM_ENGINE_API_KEY,
  logRequests: values["log-requests"] === true,
  maxLogprobs: int("max-logprobs", values["max-logprobs"]),
});
process.stdout.write(`listening ${upstream.url}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    upstream.close().then(() => process.exit(0));
  });
}
