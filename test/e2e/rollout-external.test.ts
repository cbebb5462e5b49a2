import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@entrim/cluster-agent/dist/common/ports.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { type ListModelsResponse__Output, loadAgentProto, type Rollout__Output } from "@entrim/proto";
import OpenAI from "openai";
import { type TestCluster, testCluster } from "./cluster.js";
import { call, makePki, type Pki, tlsFor } from "./control.js";
import { type HaProxy, startHaProxy } from "./haproxy.js";
import {
  type AgentProcess,
  BIN,
  cli,
  createAccountWithKey,
  removeDir,
  startAgent,
  tempDir,
} from "./support.js";

/**
 * Rolling rollouts of a model served by an external engine: three agents behind HAProxy on one store,
 * each supervising its own engine (the stand-in OpenAI-compatible server, as vLLM would be) started
 * from its configuration as catalogue version v1. Catalogue version v2 is another command: each node
 * starts it on a port of its own beside v1's engine, switches when it is healthy and stops v1's.
 * v1's engine answers two pieces, v2's three, so every answer names the version that gave it.
 */
const MODEL = "entrim-big";
const STAND_IN = fileURLToPath(import.meta.resolve("@entrim/cluster-agent/test-support/upstream-main.js"));
const ANSWERS = { v1: "Hello,", v2: "Hello, world" };
let cluster: TestCluster;
let haproxy: HaProxy;
let pki: Pki;
const dirs: string[] = [];
/** Where each node's configured (v1) engine listens. */
let v1Ports: number[] = [];
const agents: AgentProcess[] = [];
let rollouts: InstanceType<ReturnType<typeof loadAgentProto>["RolloutService"]>;
let token = "";
const node = (i: number) => `rx-${i}`;

/** The stand-in engine: `--delay-ms` keeps the load from spinning the machine's two cores. */
const engine = (port: string, name: string, pieces: number, weights?: string) => [
  process.execPath,
  STAND_IN,
  "--port",
  port,
  "--model",
  name,
  "--tokens",
  String(pieces),
  "--delay-ms",
  "20",
  ...(weights ? ["--weights", weights] : []),
];

/**
 * Publishes an external version through the CLI, as an operator would (`cli` with --json); versions
 * are published side by side, a process each.
 */
function addVersion(file: string, version: string, options: Record<string, unknown>): Promise<void> {
  const bytes = readFileSync(file);
  const args = ["--json", "--data-dir", dirs[0]!, "catalog", "add-version", "--model", MODEL];
  args.push("--model-version", version, "--runtime", "external", "--uri", `file://${file}`);
  args.push("--size", String(bytes.length), "--sha256", createHash("sha256").update(bytes).digest("hex"));
  for (const [key, value] of Object.entries(options))
    args.push("--option", `${key}=${JSON.stringify(value)}`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], (error, _stdout, stderr) =>
      error ? reject(new Error(`catalog add-version ${version} failed: ${stderr}`)) : resolve(),
    );
  });
}

const t0 = Date.now();
/** ROLLOUT_E2E_TIMES=1 prints where the setup spends its time. */
const mark = (what: string) => process.env.ROLLOUT_E2E_TIMES && console.log(`${Date.now() - t0} ms: ${what}`);

const skip =
  spawnSync("haproxy", ["-v"]).status === 0 ? false : "haproxy is not installed (apt-get install haproxy)";

before(async () => {
  if (skip) return;
  cluster = await testCluster();
  for (let i = 0; i < 3; i++) dirs.push(tempDir(`rollout-ext${i}`));
  const files = tempDir("rollout-ext-files");
  dirs.push(files);
  // The artifact an engine is pointed at ({artifact}); for a hub model it would be a small manifest.
  const manifest = join(files, "engine.json");
  writeFileSync(manifest, JSON.stringify({ engine: "stand-in" }));

  mark("store");
  cli(dirs[0]!, "catalog", "add-model", "--name", MODEL);
  const version = (pieces: number) => ({
    command: engine("{port}", "{model}-{version}", pieces, "{artifact}"),
    upstreamModel: "{model}-{version}",
    startTimeoutMs: 30_000,
    warmupGenerations: 1,
  });
  addVersion(manifest, "v1", version(2));
  addVersion(manifest, "v2", version(3));
  // An engine given an option it does not know exits at once, as vLLM does with a mistyped flag.
  addVersion(manifest, "v2-exits", {
    command: [process.execPath, STAND_IN, "--port", "{port}", "--tokenize", "x"],
  });

  mark("catalogue");
  pki = makePki(dirs[0]!, node(0), { ada: "admin" });
  for (const i of [1, 2]) cli(dirs[i]!, "certs", "issue-node", "--name", node(i), "--ca-dir", pki.caDir);
  mark("certificates");
  const ports = await Promise.all([0, 1, 2].map(() => freeLoopbackPort()));
  v1Ports = ports;
  agents.push(
    ...(await Promise.all(
      [0, 1, 2].map((i) =>
        startAgent(dirs[i]!, ["--node-name", node(i)], {
          // The catalogue's versions run the stand-in under node: this node's own configuration allows it.
          engines: { allowedExecutables: [process.execPath] },
          models: [
            {
              id: MODEL,
              runtime: "external",
              url: `http://127.0.0.1:${ports[i]}/v1`,
              upstreamModel: `${MODEL}-v1`,
              command: engine(String(ports[i]), `${MODEL}-v1`, 2, manifest),
              startTimeoutMs: 30_000,
              slots: 8,
              // What this configured engine serves, in the catalogue's words.
              version: "v1",
            },
          ],
        }),
      ),
    )),
  );
  mark("agents");
  token = createAccountWithKey(dirs[0]!, "External rollout customer").token;
  haproxy = await startHaProxy(agents.map((a) => a.url));
  rollouts = new (loadAgentProto().RolloutService)(agents[0]!.control!, tlsFor(pki.operators.ada!));
  await until(
    "every node records v1 as live",
    async () => {
      const placed = await placements();
      return placed.length === 3 && placed.every((p) => p.liveVersion === "v1" && p.state === "live");
    },
    { timeoutMs: 60_000 },
  );
  mark("registered");
});

after(async () => {
  const logs = process.env.ROLLOUT_E2E_LOGS;
  if (logs) for (const [i, a] of agents.entries()) writeFileSync(join(logs, `agent-ext-${i}.log`), a.log());
  rollouts?.close();
  await haproxy?.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

async function placements() {
  const models = await call<ListModelsResponse__Output>(rollouts, "ListModels", {});
  return models.models.find((m) => m.name === MODEL)?.nodes ?? [];
}
const liveVersions = async () => (await placements()).map((p) => p.liveVersion);

const start = (version: string) =>
  call<Rollout__Output>(rollouts, "StartRollout", {
    model: MODEL,
    version,
    batchSize: 1,
    pauseSeconds: 0,
    gates: { maxErrorRate: 0, maxP95Ms: 30_000, windowSeconds: 1 },
    reason: "e2e",
  });
const get = (id: string) => call<Rollout__Output>(rollouts, "GetRollout", { id });

function watch(id: string): Promise<Rollout__Output[]> {
  return new Promise((resolve, reject) => {
    const seen: Rollout__Output[] = [];
    const stream = rollouts.WatchRollout({ id });
    stream.on("data", (r: Rollout__Output) => seen.push(r));
    stream.on("end", () => resolve(seen));
    stream.on("error", reject);
  });
}

/** Customers' requests through HAProxy with the official SDK until stopped; every outcome is kept. */
function load() {
  const openai = new OpenAI({ apiKey: token, baseURL: `${haproxy.url}/v1`, maxRetries: 0 });
  const outcomes: { text?: string; error?: string }[] = [];
  let running = true;
  const loops = Array.from({ length: 4 }, async () => {
    while (running) {
      try {
        const answer = await openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: "user", content: "Which version are you?" }],
          max_tokens: 6,
          temperature: 0,
        });
        outcomes.push({ text: answer.choices[0]?.message.content ?? "" });
      } catch (error) {
        outcomes.push({ error: String(error) });
      }
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

const versionOf = (o: { text?: string }) =>
  o.text === ANSWERS.v1 ? "v1" : o.text === ANSWERS.v2 ? "v2" : `other: ${o.text}`;

test("an external version whose engine exits at start pauses the rollout; every node still serves v1", {
  skip,
}, async () => {
  const traffic = load();
  const r = await start("v2-exits");
  mark("broken rollout started");
  await until("paused", async () => (await get(r.id)).state === "ROLLOUT_STATE_PAUSED", {
    timeoutMs: 60_000,
  });
  const paused = await get(r.id);
  assert.match(paused.reason, /rx-0: load: the engine exited with code 2 before it was healthy/);
  mark("paused");
  assert.equal(paused.nodes[0]!.state, "ROLLOUT_NODE_STATE_FAILED");
  assert.deepEqual(await liveVersions(), ["v1", "v1", "v1"]);
  await call<Rollout__Output>(rollouts, "AbortRollout", { id: r.id, reason: "broken engine" });
  assert.equal((await watch(r.id)).at(-1)!.state, "ROLLOUT_STATE_ABORTED");
  const outcomes = await traffic.stop();
  assert.deepEqual(
    outcomes.filter((o) => o.error),
    [],
    "no request failed",
  );
  assert.deepEqual(new Set(outcomes.map(versionOf)), new Set(["v1"]), "only v1 answered");
});

test("a rolling rollout to another engine command under constant load: no failed request, v1 or v2 answers", {
  skip,
}, async () => {
  const traffic = load();
  await until("load is running", async () => traffic.outcomes.length >= 20, { timeoutMs: 60_000 });
  const r = await start("v2");
  const countAtStart = traffic.outcomes.length;
  const seen = await watch(r.id);
  const countAtEnd = traffic.outcomes.length;
  await until("load ran on after the rollout", async () => traffic.outcomes.length >= countAtEnd + 20, {
    timeoutMs: 60_000,
  });
  const outcomes = await traffic.stop();

  const end = seen.at(-1)!;
  assert.equal(end.state, "ROLLOUT_STATE_COMPLETED", end.reason);
  assert.deepEqual(await liveVersions(), ["v2", "v2", "v2"]);
  assert.deepEqual(
    outcomes.filter((o) => o.error),
    [],
    "no request failed",
  );
  const versions = outcomes.map(versionOf);
  assert.deepEqual(
    versions.filter((v) => v !== "v1" && v !== "v2"),
    [],
    "every answer came from v1 or v2",
  );
  const during = versions.slice(countAtStart, countAtEnd);
  assert.ok(during.includes("v1") && during.includes("v2"), "both versions answered during the rollout");
  assert.equal(versions[0], "v1");
  assert.equal(versions.at(-1), "v2");
  // v1's engines were stopped once their last request ended: their ports no longer answer.
  for (const port of v1Ports) {
    const answered = await fetch(`http://127.0.0.1:${port}/v1/models`).then(
      () => true,
      () => false,
    );
    assert.equal(answered, false, `v1's engine on port ${port} was stopped`);
  }
});

test("rolling back starts v1's engine again from the catalogue on every node, without a failed request", {
  skip,
}, async () => {
  const [last] = await call<{ rollouts: Rollout__Output[] }>(rollouts, "ListRollouts", { model: MODEL }).then(
    (list) => list.rollouts,
  );
  assert.equal(last?.state, "ROLLOUT_STATE_COMPLETED");
  const traffic = load();
  await until("load is running", async () => traffic.outcomes.length >= 10, { timeoutMs: 60_000 });
  await call<Rollout__Output>(rollouts, "RollBackRollout", { id: last!.id, reason: "back to v1" });
  const end = (await watch(last!.id)).at(-1)!;
  const countAtEnd = traffic.outcomes.length;
  await until("load ran on after the roll back", async () => traffic.outcomes.length >= countAtEnd + 10, {
    timeoutMs: 60_000,
  });
  const outcomes = await traffic.stop();
  assert.equal(end.state, "ROLLOUT_STATE_ROLLED_BACK", end.reason);
  assert.deepEqual(await liveVersions(), ["v1", "v1", "v1"]);
  assert.deepEqual(
    outcomes.filter((o) => o.error),
    [],
    "no request failed",
  );
  const versions = outcomes.map(versionOf);
  assert.deepEqual(
    versions.filter((v) => v !== "v1" && v !== "v2"),
    [],
  );
  assert.equal(versions.at(-1), "v1");
});
