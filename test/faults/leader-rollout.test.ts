import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeTinyModel } from "@entrim/cluster-agent/dist/runtime/tiny-model.js";
import { addModelVersion, createModel } from "@entrim/cluster-agent/dist/store/models.js";
import { openStore } from "@entrim/cluster-agent/dist/store/store.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import {
  type ListAuditResponse__Output,
  type ListModelsResponse__Output,
  loadAgentProto,
  type Rollout__Output,
  type VerifyAuditResponse__Output,
} from "@entrim/proto";
import { type TestCluster, testCluster } from "../e2e/cluster.js";
import { call, makePki, type Pki, tlsFor } from "../e2e/control.js";
import {
  type AgentProcess,
  cli,
  createAccountWithKey,
  removeDir,
  startAgent,
  tempDir,
} from "../e2e/support.js";
import { report, SdkLoad } from "./harness.js";
import { PacedLoad } from "./paced.js";
import { billingProblems, failureReasons, UsageStore } from "./store.js";

/**
 * leader-killed-mid-rollout: three agents on one store, a rollout under way while customers load the
 * two agents that survive, and the agent leading the rollout is killed with SIGKILL. Another agent
 * must take the lead and complete the rollout, no customer request may fail, and the audit log (which
 * the leaders write each step to) must still verify.
 */
const MODEL = "entrim-tiny";
/** Node certificates name localhost; TLS forbids an IP address as the server name. */
const TLS_NAME = { "grpc.ssl_target_name_override": "localhost" };
const node = (i: number) => `fault-ro-${i}`;
let cluster: TestCluster;
let usage: UsageStore;
let pki: Pki;
const dirs: string[] = [];
const agents: AgentProcess[] = [];
const loads: PacedLoad[] = [];

before(async () => {
  cluster = await testCluster();
  usage = new UsageStore(cluster.store.url);
  for (let i = 0; i < 4; i++) dirs.push(tempDir(`fault-ro${i}`));
  const files = dirs[3]!;
  // v1 is what an agent generates for itself when no model is configured (seed 1): every agent
  // starts on v1 and finds it in the catalogue by its sha256.
  const v1 = await writeTinyModel({ out: join(files, "v1.gguf"), seed: 1 });
  const v2 = await writeTinyModel({ out: join(files, "v2.gguf"), seed: 2 });
  const catalogue = await openStore({ databaseUrl: cluster.store.url, dataDir: files });
  await createModel(catalogue.pool, { name: MODEL, createdBy: "faults" });
  for (const [version, file] of [
    ["v1", v1],
    ["v2", v2],
  ] as const) {
    await addModelVersion(catalogue.pool, {
      model: MODEL,
      version,
      artifactUri: `file://${file.path}`,
      sha256: file.sha256,
      sizeBytes: file.bytes,
      runtimeOptions: { threads: 1, parallel: 2 },
      createdBy: "faults",
    });
  }
  await catalogue.close();
  pki = makePki(dirs[0]!, node(0), { ada: "admin" });
  for (const i of [1, 2]) cli(dirs[i]!, "certs", "issue-node", "--name", node(i), "--ca-dir", pki.caDir);
  agents.push(...(await Promise.all([0, 1, 2].map((i) => startAgent(dirs[i]!, ["--node-name", node(i)])))));
});

after(async () => {
  for (const load of loads) await load.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await usage?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

function watch(client: InstanceType<ReturnType<typeof loadAgentProto>["RolloutService"]>, id: string) {
  return new Promise<Rollout__Output[]>((resolve, reject) => {
    const seen: Rollout__Output[] = [];
    const stream = client.WatchRollout({ id });
    stream.on("data", (r: Rollout__Output) => seen.push(r));
    stream.on("end", () => resolve(seen));
    stream.on("error", reject);
  });
}

test("leader-killed-mid-rollout: another agent completes it, no request fails, the audit log verifies", async () => {
  const v1 = loadAgentProto();
  const admin = tlsFor(pki.operators.ada!);
  const rollouts = new v1.RolloutService(agents[0]!.control!, admin, TLS_NAME);
  await until(
    "every node serves v1 from the catalogue",
    async () => {
      const models = await call<ListModelsResponse__Output>(rollouts, "ListModels", {});
      const placed = models.models.find((m) => m.name === MODEL)?.nodes ?? [];
      return placed.length === 3 && placed.every((p) => p.liveVersion === "v1" && p.state === "live");
    },
    { timeoutMs: 60_000 },
  );
  rollouts.close();
  let leader = -1;
  await until(
    "one agent leads rollouts",
    () => {
      leader = agents.findIndex((a) => a.log().includes('"msg":"leading rollouts"'));
      return leader >= 0;
    },
    { timeoutMs: 60_000 },
  );
  const survivors = [0, 1, 2].filter((i) => i !== leader);

  // Customers use the agents that survive; requests to the killed one would fail by definition.
  const customer = createAccountWithKey(dirs[survivors[0]!]!, "Rollout customer");
  for (const i of survivors) {
    const options = { baseURL: agents[i]!.baseURL, apiKey: customer.token, model: MODEL, maxTokens: 6 };
    loads.push(new PacedLoad(new SdkLoad(options), { workers: 1 }).start());
    loads.push(new PacedLoad(new SdkLoad({ ...options, stream: true }), { workers: 1 }).start());
  }
  const outcomes = () => loads.flatMap((l) => l.load.outcomes);
  const completed = () => outcomes().filter((o) => o.ok).length;
  await until("load is running", () => completed() >= 20, { timeoutMs: 60_000 });

  const client = new v1.RolloutService(agents[survivors[0]!]!.control!, admin, TLS_NAME);
  const r = await call<Rollout__Output>(client, "StartRollout", {
    model: MODEL,
    version: "v2",
    targets: { nodes: survivors.map(node) },
    batchSize: 1,
    pauseSeconds: 1,
    gates: { maxErrorRate: 0, maxP95Ms: 30_000, windowSeconds: 1 },
    reason: "fault suite",
  });
  await until(
    "the first node rotates",
    async () =>
      (await call<Rollout__Output>(client, "GetRollout", { id: r.id })).nodes.some(
        (n) => n.state !== "ROLLOUT_NODE_STATE_PENDING",
      ),
    { timeoutMs: 60_000 },
  );
  const exited = new Promise((resolve) => agents[leader]!.process.once("exit", resolve));
  agents[leader]!.process.kill("SIGKILL");
  await exited;
  const seen = await watch(client, r.id);
  client.close();
  const atEnd = completed();
  await until("load runs on after the rollout", () => completed() >= atEnd + 10, { timeoutMs: 60_000 });
  for (const load of loads) await load.stop();
  const all = outcomes();
  const rows = await usage.waitForRows(customer.accountId, all);

  const audit = new v1.AuditService(agents[survivors[1]!]!.control!, admin, TLS_NAME);
  const verified = await call<VerifyAuditResponse__Output>(audit, "VerifyAudit", {});
  const steps = await call<ListAuditResponse__Output>(audit, "ListAudit", { target: r.id, limit: 200 });
  audit.close();
  const end = seen.at(-1)!;
  const newLeader = survivors.find((i) => agents[i]!.log().includes('"msg":"leading rollouts"'));
  const completedBy = steps.entries.find((e) => e.action === "rollout.complete")?.node;
  // Steps the killed leader had taken: the kill came mid-rollout, not before or after it.
  const stepsBeforeKill = steps.entries.filter((e) => e.node === node(leader)).length;

  const problems = billingProblems(rows, all);
  const failed = all.filter((o) => !o.ok);
  if (failed.length > 0) problems.push(`${failed.length} requests failed`);
  if (end.state !== "ROLLOUT_STATE_COMPLETED") problems.push(`rollout ended ${end.state}: ${end.reason}`);
  if (end.nodes.some((n) => n.liveVersion !== "v2")) problems.push("a target does not serve v2");
  if (newLeader === undefined) problems.push("no surviving agent took the lead");
  if (completedBy !== (newLeader === undefined ? undefined : node(newLeader)))
    problems.push(`rollout.complete was recorded by ${completedBy}`);
  if (stepsBeforeKill === 0) problems.push("the killed leader had taken no step of the rollout");
  if (!verified.ok) problems.push(`audit chain broken at ${verified.firstBadSeq}: ${verified.problem}`);
  report({
    scenario: "leader-killed-mid-rollout",
    sent: all.length,
    completed: all.length - failed.length,
    failed: failed.length,
    why: failureReasons(all),
    usageRows: rows.length,
    detail: `killed leader ${node(leader)} after ${stepsBeforeKill} steps; ${completedBy ?? "nobody"} completed the rollout (${end.state}); audit ${verified.ok ? "verifies" : "BROKEN"} (${verified.entries} entries)`,
    verdict: problems.length === 0 ? "pass" : "FAIL",
  });
  assert.deepEqual(problems, []);
});
