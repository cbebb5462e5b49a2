import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import type {
  DrainProgress__Output,
  ListAuditResponse__Output,
  ListPeersResponse__Output,
  NodeSnapshot__Output,
} from "@entrim/proto";
import OpenAI from "openai";
import pg from "pg";
import { type TestCluster, testCluster } from "./cluster.js";
import { type Clients, call, connect, makePki, type Pki, tlsFor } from "./control.js";
import { type AgentProcess, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * A drain under constant load, as a load balancer sees it: /readyz flips at once, nothing that was
 * already running fails, new requests are turned away with 503 + Retry-After, the node reports drained
 * once idle, and stays drained across a restart until undrained.
 */
const MODEL = "up";
let cluster: TestCluster;
let upstream: Upstream;
let dataDir: string;
let agent: AgentProcess;
let pki: Pki;
let otto: Clients;

const start = () => startAgent(dataDir, ["--node-name", "drain-1", "--model", `${MODEL}=${upstream.url}`]);

before(async () => {
  cluster = await testCluster();
  // 40 tokens at 25 ms: every request runs about a second, so many are in flight when the drain begins.
  upstream = await startUpstream({ tokens: 40, tokenDelayMs: 25 });
  dataDir = tempDir("drain");
  pki = makePki(dataDir, "drain-1", { otto: "operator" });
  agent = await start();
  otto = connect(agent.control!, tlsFor(pki.operators.otto!));
});

after(async () => {
  otto?.close();
  await agent?.stop();
  await upstream?.close();
  await cluster?.stop();
  removeDir(dataDir);
});

interface Outcome {
  startedAt: number;
  ok: boolean;
  status?: number;
  code?: string | null;
  retryAfter?: string | null;
}

async function readyz(): Promise<number> {
  return (await fetch(`${agent.url}/readyz`)).status;
}

test("drain under constant load, then a restart, then undrain", async () => {
  const customer = createAccountWithKey(dataDir, "Drain customer");
  const openai = new OpenAI({ apiKey: customer.token, baseURL: agent.baseURL, maxRetries: 0 });
  const outcomes: Outcome[] = [];
  let loading = true;
  const one = async (i: number): Promise<Outcome> => {
    const startedAt = performance.now();
    try {
      if (i % 2 === 0) {
        const stream = await openai.chat.completions.create({
          model: MODEL,
          messages: [{ role: "user", content: `stream ${i}` }],
          stream: true,
        });
        let finished = false;
        for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finished = true;
        return { startedAt, ok: finished };
      }
      const answer = await openai.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: `plain ${i}` }],
      });
      return { startedAt, ok: answer.choices[0]?.finish_reason === "stop" };
    } catch (error) {
      const e = error as { status?: number; code?: string | null; headers?: Headers };
      return {
        startedAt,
        ok: false,
        status: e.status,
        code: e.code,
        retryAfter: e.headers?.get("retry-after"),
      };
    }
  };
  const loops = Array.from({ length: 8 }, async (_, loop) => {
    for (let i = loop; loading; i += 8) outcomes.push(await one(i));
  });
  // Load runs a while first, so requests are in every stage of their life when the drain begins.
  await until("16 requests of the load have finished", () => outcomes.length >= 16);
  assert.ok(
    outcomes.every((o) => o.ok),
    "everything succeeds before the drain",
  );

  const drainIssuedAt = performance.now();
  const progress: DrainProgress__Output[] = [];
  const drain = otto.NodeService.Drain({ reason: "kernel upgrade", deadlineSeconds: 60 });
  let readyAfterFirstProgress = 0;
  const finished = new Promise<void>((resolve, reject) => {
    drain.on("data", (message: DrainProgress__Output) => {
      if (progress.length === 0) void readyz().then((code) => (readyAfterFirstProgress = code));
      progress.push(message);
    });
    drain.on("end", resolve);
    drain.on("error", reject);
  });
  await finished;
  loading = false;
  await Promise.all(loops);

  assert.equal(readyAfterFirstProgress, 503, "/readyz turned 503 as soon as the drain began");
  const first = progress[0]!;
  assert.equal(first.state, "NODE_STATE_DRAINING");
  assert.ok(first.requestsInFlight > 0, "requests were in flight when the drain began");
  const last = progress.at(-1)!;
  assert.equal(last.done, true);
  assert.equal(last.state, "NODE_STATE_DRAINED");
  assert.equal(last.requestsInFlight, 0);
  assert.equal(last.requestsCutOff, 0);

  // A request leaves the client a moment before the server sees it; 50 ms of margin covers loopback.
  const before = outcomes.filter((o) => o.startedAt < drainIssuedAt - 50);
  const failedBefore = before.filter((o) => !o.ok);
  assert.deepEqual(failedBefore, [], "no request that started before the drain failed");
  const turnedAway = outcomes.filter((o) => !o.ok);
  assert.ok(turnedAway.length > 0, "requests during the drain were turned away");
  for (const o of turnedAway) {
    assert.equal(o.status, 503);
    assert.equal(o.code, "node_draining");
    assert.ok(Number(o.retryAfter) > 0, "with Retry-After");
  }

  // Maintenance mode survives a restart.
  otto.close();
  await agent.stop();
  agent = await start();
  otto = connect(agent.control!, tlsFor(pki.operators.otto!));
  const afterRestart = await call<NodeSnapshot__Output>(otto.NodeService, "GetStatus", {});
  assert.equal(afterRestart.state, "NODE_STATE_DRAINED");
  assert.match(afterRestart.stateReason, /kernel upgrade/);
  assert.equal(await readyz(), 503);
  const restarted = new OpenAI({ apiKey: customer.token, baseURL: agent.baseURL, maxRetries: 0 });
  await assert.rejects(
    restarted.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }),
    (error: { status?: number }) => error.status === 503,
  );
  const peers = await call<ListPeersResponse__Output>(otto.ClusterService, "ListPeers", {});
  assert.equal(peers.peers.find((p) => p.name === "drain-1")?.state, "NODE_STATE_DRAINED");

  await call(otto.NodeService, "Undrain", { reason: "upgrade done" });
  assert.equal(await readyz(), 200);
  const answer = await restarted.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "back" }],
  });
  assert.equal(answer.choices[0]?.finish_reason, "stop");

  const audit = await call<ListAuditResponse__Output>(otto.AuditService, "ListAudit", { action: "node." });
  // A drain acts outside the store (its state file), so its entry is written before it acts.
  assert.deepEqual(audit.entries.map((e) => [e.action, e.operator, e.reason, e.result]).reverse(), [
    ["node.drain", "otto", "kernel upgrade", "started"],
    ["node.drain", "otto", "kernel upgrade", "ok"],
    ["node.undrain", "otto", "upgrade done", "started"],
    ["node.undrain", "otto", "upgrade done", "ok"],
  ]);
});

test("stopping the agent ends a stream still running at the drain deadline with an error, billed once as cut", async () => {
  // A stream far longer than the one-second deadline this agent is given.
  const slow = await startUpstream({ tokens: 2000, tokenDelayMs: 20 });
  const dir = tempDir("drain-stop");
  const stopping = await startAgent(dir, ["--node-name", "drain-stop", "--model", `${MODEL}=${slow.url}`], {
    drain: { deadlineSeconds: 1 },
  });
  const db = new pg.Client({ connectionString: cluster.store.url });
  await db.connect();
  try {
    const customer = createAccountWithKey(dataDir, "Shutdown customer");
    const client = new OpenAI({ apiKey: customer.token, baseURL: stopping.baseURL, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "a long answer" }],
      max_tokens: 2000,
      stream: true,
    });
    const chunks = stream[Symbol.asyncIterator]();
    assert.ok(!(await chunks.next()).done, "the stream started");
    const exited = stopping.stop();
    let error: unknown;
    try {
      while (!(await chunks.next()).done);
    } catch (caught) {
      error = caught;
    }
    await exited;
    assert.equal(stopping.process.exitCode, 0, "a clean exit");
    assert.match(
      String((error as Error | undefined)?.message),
      /shutting down/,
      "the stream ended with the error",
    );
    assert.match(stopping.log(), /shutdown deadline passed/);

    const { rows } = await db.query(
      "SELECT status, completion_tokens::int AS tokens FROM usage_events WHERE account_id = $1",
      [customer.accountId],
    );
    assert.equal(rows.length, 1, "billed exactly once");
    assert.equal(rows[0].status, "cut");
    assert.ok(rows[0].tokens > 0 && rows[0].tokens < 2000, `billed the generated tokens (${rows[0].tokens})`);
  } finally {
    await db.end();
    await stopping.stop();
    await slow.close();
    removeDir(dir);
  }
});
