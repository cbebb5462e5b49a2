import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeTinyModel } from "@entrim/cluster-agent/dist/runtime/tiny-model.js";
import { addModelVersion, createModel } from "@entrim/cluster-agent/dist/store/models.js";
import { openStore, type Store } from "@entrim/cluster-agent/dist/store/store.js";
import { greedyAnswers } from "@entrim/cluster-agent/test-support/greedy-answers.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import {
  type ListModelsResponse__Output,
  loadAgentProto,
  type Rollout__Output,
  type StartRolloutRequest,
} from "@entrim/proto";
import OpenAI from "openai";
import { type TestCluster, testCluster } from "./cluster.js";
import { call, makePki, type Pki, tlsFor } from "./control.js";
import { type HaProxy, startHaProxy } from "./haproxy.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Rolling rollouts as the issue accepts them: three agents behind HAProxy (health-checking /readyz)
 * on one store, driven over gRPC. Versions are the tiny model with other seeds, so every answer can
 * be attributed to the version that gave it (temperature 0).
 */
const MODEL = "entrim-tiny";
const MAX_TOKENS = 6;
const PROMPTS = ["Hello there", "What is the capital of France?", "Count to five", "Tell me a story"];
let cluster: TestCluster;
let haproxy: HaProxy;
let pki: Pki;
const dirs: string[] = [];
const agents: AgentProcess[] = [];
const expected = { v1: new Map<string, string>(), v2: new Map<string, string>() };
let rollouts: InstanceType<ReturnType<typeof loadAgentProto>["RolloutService"]>;
let token = "";
const node = (i: number) => `ro-${i}`;
const agentArgs = (i: number) => ["--node-name", node(i)];

const answers = (path: string) =>
  greedyAnswers(path, { modelId: MODEL, prompts: PROMPTS, maxTokens: MAX_TOKENS });

/** Adds a catalogue version through the store's own code (the CLI does the same, one process each). */
async function addVersion(
  db: Store,
  version: string,
  file: { path: string; sha256: string; bytes: number },
  options: Record<string, unknown> = {},
) {
  await addModelVersion(db.pool, {
    model: MODEL,
    version,
    artifactUri: `file://${file.path}`,
    sha256: file.sha256,
    sizeBytes: file.bytes,
    runtimeOptions: { threads: 1, parallel: 2, ...options },
    createdBy: "e2e",
  });
}

/** Debian's package; CI installs it (.ci/run). Without it the file is skipped, saying why. */
const skip =
  spawnSync("haproxy", ["-v"]).status === 0 ? false : "haproxy is not installed (apt-get install haproxy)";
const t0 = Date.now();
/** ROLLOUT_E2E_TIMES=1 prints where the setup spends its time. */
const mark = (what: string) => process.env.ROLLOUT_E2E_TIMES && console.log(`${Date.now() - t0} ms: ${what}`);

before(async () => {
  if (skip) return;
  cluster = await testCluster();
  for (let i = 0; i < 3; i++) dirs.push(tempDir(`rollout${i}`));
  const files = tempDir("rollout-models");
  dirs.push(files);
  const v1 = await writeTinyModel({ out: join(files, "v1.gguf"), seed: 1 });
  const v2 = await writeTinyModel({ out: join(files, "v2.gguf"), seed: 2 });
  expected.v1 = await answers(v1.path);
  expected.v2 = await answers(v2.path);
  assert.notDeepEqual(
    [...expected.v1.values()],
    [...expected.v2.values()],
    "the versions answer differently",
  );

  // The catalogue exists before the agents start: each finds the version it serves by its sha256.
  // (The catalog CLI does the same through the same store functions; this saves a process per call.)
  const catalogue = await openStore({ databaseUrl: cluster.store.url, dataDir: files });
  await createModel(catalogue.pool, { name: MODEL, createdBy: "e2e" });
  await addVersion(catalogue, "v1", v1);
  await addVersion(catalogue, "v2", v2);
  // Right size, wrong bytes: refused when staged.
  await addVersion(catalogue, "v2-badsha", { ...v2, sha256: randomBytes(32).toString("hex") });
  // Loads, but its warm-up prompt does not fit its context, as a broken template would not.
  await addVersion(catalogue, "v2-nowarm", v2, { warmupPrompt: "word ".repeat(5000) });
  await catalogue.close();
  mark("catalogue");
  pki = makePki(dirs[0]!, node(0), { ada: "admin" });
  for (const i of [1, 2]) cli(dirs[i]!, "certs", "issue-node", "--name", node(i), "--ca-dir", pki.caDir);
  agents.push(...(await Promise.all([0, 1, 2].map((i) => startAgent(dirs[i]!, agentArgs(i))))));
  mark("agents");
  token = createAccountWithKey(dirs[0]!, "Rollout customer").token;
  haproxy = await startHaProxy(agents.map((a) => a.url));
  rollouts = new (loadAgentProto().RolloutService)(agents[0]!.control!, tlsFor(pki.operators.ada!));
  mark("haproxy");
  await until(
    "every node records v1 as live",
    async () => {
      const models = await call<ListModelsResponse__Output>(rollouts, "ListModels", {});
      const placed = models.models.find((m) => m.name === MODEL)?.nodes ?? [];
      return placed.length === 3 && placed.every((p) => p.liveVersion === "v1" && p.state === "live");
    },
    { timeoutMs: 60_000 },
  );
  mark("registered");
});

after(async () => {
  const logs = process.env.ROLLOUT_E2E_LOGS;
  if (logs) for (const [i, a] of agents.entries()) writeFileSync(join(logs, `agent-${i}.log`), a.log());
  rollouts?.close();
  await haproxy?.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

const start = (request: Partial<StartRolloutRequest>) =>
  call<Rollout__Output>(rollouts, "StartRollout", {
    model: MODEL,
    batchSize: 1,
    pauseSeconds: 0,
    gates: { maxErrorRate: 0, maxP95Ms: 30_000, windowSeconds: 1 },
    reason: "e2e",
    ...request,
  });
const get = (id: string) => call<Rollout__Output>(rollouts, "GetRollout", { id });
const act = (method: string, id: string, reason: string) =>
  call<Rollout__Output>(rollouts, method, { id, reason });

/** Watches a rollout over gRPC until its stream ends (a final state); returns every state seen. */
function watch(id: string, client = rollouts): Promise<Rollout__Output[]> {
  return new Promise((resolve, reject) => {
    const seen: Rollout__Output[] = [];
    const stream = client.WatchRollout({ id });
    stream.on("data", (r: Rollout__Output) => seen.push(r));
    stream.on("end", () => resolve(seen));
    stream.on("error", reject);
  });
}

async function liveVersions(): Promise<string[]> {
  const models = await call<ListModelsResponse__Output>(rollouts, "ListModels", {});
  return (models.models.find((m) => m.name === MODEL)?.nodes ?? []).map((p) => p.liveVersion);
}

test("a version whose sha256 does not match is refused at staging and pauses the rollout", {
  skip,
}, async () => {
  const r = await start({ version: "v2-badsha" });
  await until("paused", async () => (await get(r.id)).state === "ROLLOUT_STATE_PAUSED", {
    timeoutMs: 60_000,
  });
  const paused = await get(r.id);
  assert.match(paused.reason, /ro-0: stage: .*sha256 mismatch: expected/);
  assert.equal(paused.nodes[0]!.state, "ROLLOUT_NODE_STATE_FAILED");
  assert.deepEqual(await liveVersions(), ["v1", "v1", "v1"]);
  await act("RollBackRollout", r.id, "bad artifact");
  const end = (await watch(r.id)).at(-1)!;
  assert.equal(end.state, "ROLLOUT_STATE_ROLLED_BACK");
});

test("a version that fails warm-up is rolled back on that node and pauses the rollout with the reason", {
  skip,
}, async () => {
  const r = await start({ version: "v2-nowarm" });
  await until("paused", async () => (await get(r.id)).state === "ROLLOUT_STATE_PAUSED", {
    timeoutMs: 60_000,
  });
  const paused = await get(r.id);
  assert.match(paused.reason, /ro-0: warmup: .*context/i);
  assert.deepEqual(await liveVersions(), ["v1", "v1", "v1"], "ro-0 kept serving v1");
  await act("AbortRollout", r.id, "broken version");
  assert.equal((await watch(r.id)).at(-1)!.state, "ROLLOUT_STATE_ABORTED");
});

test("abort mid-batch and roll back after a batch both leave every node on the previous version", {
  skip,
}, async () => {
  // A long gate window keeps the first batch verifying while it is aborted.
  const aborted = await start({
    version: "v2",
    gates: { maxErrorRate: 0, maxP95Ms: 30_000, windowSeconds: 60 },
  });
  await until("ro-0 serves v2", async () => (await get(aborted.id)).nodes[0]!.liveVersion === "v2", {
    timeoutMs: 60_000,
  });
  await act("AbortRollout", aborted.id, "changed my mind");
  const abortEnd = (await watch(aborted.id)).at(-1)!;
  assert.equal(abortEnd.state, "ROLLOUT_STATE_ABORTED");
  assert.deepEqual(await liveVersions(), ["v1", "v1", "v1"]);

  // A long pause holds the rollout after its first batch passed its gates.
  const back = await start({ version: "v2", pauseSeconds: 600 });
  await until(
    "batch 1 done",
    async () => (await get(back.id)).nodes[0]!.state === "ROLLOUT_NODE_STATE_DONE",
    { timeoutMs: 60_000 },
  );
  await act("RollBackRollout", back.id, "not today");
  const backEnd = (await watch(back.id)).at(-1)!;
  assert.equal(backEnd.state, "ROLLOUT_STATE_ROLLED_BACK");
  assert.deepEqual(await liveVersions(), ["v1", "v1", "v1"]);
});

test("a rolling rollout under constant load through HAProxy: no failed request, only v1 or v2 answers", {
  skip,
}, async () => {
  const openai = new OpenAI({ apiKey: token, baseURL: `${haproxy.url}/v1`, maxRetries: 0 });
  const outcomes: { prompt: string; text?: string; error?: string }[] = [];
  let loading = true;
  const loops = Array.from({ length: 4 }, async (_, loop) => {
    for (let i = loop; loading; i += 4) {
      const prompt = PROMPTS[i % PROMPTS.length]!;
      try {
        const answer = await openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: "user", content: prompt }],
          max_tokens: MAX_TOKENS,
          temperature: 0,
        });
        outcomes.push({ prompt, text: answer.choices[0]?.message.content ?? "" });
      } catch (error) {
        outcomes.push({ prompt, error: String(error) });
      }
    }
  });
  await until("load is running", async () => outcomes.length >= 20, { timeoutMs: 60_000 });
  const r = await start({ version: "v2", pauseSeconds: 1 });
  const countAtStart = outcomes.length;
  const seen = await watch(r.id);
  const countAtEnd = outcomes.length;
  assert.ok(
    countAtEnd - countAtStart >= 20,
    `load ran during the rollout (${countAtEnd - countAtStart} requests)`,
  );
  await until("load ran on after the rollout", async () => outcomes.length >= countAtEnd + 20, {
    timeoutMs: 60_000,
  });
  loading = false;
  await Promise.all(loops);

  const end = seen.at(-1)!;
  assert.equal(end.state, "ROLLOUT_STATE_COMPLETED", end.reason);
  assert.ok(
    // The watch sends the newest state after each change, so a short step may be folded into the next
    // one; what matters is that rotation steps reached the watcher while the rollout ran.
    seen.some((s) => s.state === "ROLLOUT_STATE_RUNNING" && s.nodes.some((n) => !!n.progress?.step)),
    "progress was streamed",
  );
  assert.deepEqual(await liveVersions(), ["v2", "v2", "v2"]);
  assert.deepEqual(
    outcomes.filter((o) => o.error),
    [],
    "no request failed",
  );
  const from = (o: { prompt: string; text?: string }) =>
    o.text === expected.v1.get(o.prompt) ? "v1" : o.text === expected.v2.get(o.prompt) ? "v2" : "other";
  const versions = outcomes.map(from);
  assert.ok(!versions.includes("other"), "every answer came from v1 or v2");
  // Mixed answers while the rollout ran: nodes of both versions served behind the one address.
  const during = versions.slice(countAtStart, countAtEnd);
  assert.ok(during.includes("v1") && during.includes("v2"), "both versions answered during the rollout");
  assert.equal(versions[0], "v1");
  assert.equal(versions.at(-1), "v2");

  const audit = await call<{ entries: { action: string }[] }>(
    new (loadAgentProto().AuditService)(agents[1]!.control!, tlsFor(pki.operators.ada!)),
    "ListAudit",
    { target: r.id, limit: 100 },
  );
  const actions = new Set(audit.entries.map((e) => e.action));
  for (const a of ["rollout.node.rotate", "rollout.batch.done", "rollout.batch.start", "rollout.complete"])
    assert.ok(actions.has(a), `audit has ${a}`);
});

test("killing the leader mid-rollout: another agent takes over and completes it", { skip }, async () => {
  const leader = agents.findIndex((a) => a.log().includes('"msg":"leading rollouts"'));
  assert.ok(leader >= 0, "one agent leads");
  const others = [0, 1, 2].filter((i) => i !== leader);
  // The surviving agents are the targets; the client talks to one of them.
  const client = new (loadAgentProto().RolloutService)(
    agents[others[0]!]!.control!,
    tlsFor(pki.operators.ada!),
  );
  const r = await call<Rollout__Output>(client, "StartRollout", {
    model: MODEL,
    version: "v1",
    targets: { nodes: others.map(node) },
    batchSize: 1,
    pauseSeconds: 1,
    gates: { maxErrorRate: 0, maxP95Ms: 30_000, windowSeconds: 1 },
  });
  await until(
    "the first node rotates",
    async () =>
      (await call<Rollout__Output>(client, "GetRollout", { id: r.id })).nodes.some(
        (n) => n.state !== "ROLLOUT_NODE_STATE_PENDING",
      ),
    { timeoutMs: 60_000 },
  );
  agents[leader]!.process.kill("SIGKILL");
  const end = (await watch(r.id, client)).at(-1)!;
  client.close();
  assert.equal(end.state, "ROLLOUT_STATE_COMPLETED", end.reason);
  assert.ok(
    others.some((i) => agents[i]!.log().includes('"msg":"leading rollouts"')),
    "a surviving agent took the lead",
  );
  assert.deepEqual(
    end.nodes.map((n) => n.liveVersion),
    ["v1", "v1"],
  );
});
