import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type EmbeddedServer, startEmbeddedPostgres } from "@entrim/cluster-agent/dist/store/embedded.js";
import { setEnv } from "@entrim/cluster-agent/test-support/env.js";
import { makeTempDataDir } from "@entrim/cluster-agent/test-support/postgres.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { tlsFor } from "../e2e/control.js";
import { type AgentProcess, createAccountWithKey, removeDir, startAgent } from "../e2e/support.js";
import { report, SdkLoad } from "./harness.js";
import { PacedLoad } from "./paced.js";
import { type FaultNode, faultNode } from "./scenario.js";
import { billingProblems, failureReasons, nodeStatus, operatorClients } from "./store.js";

/**
 * postgres-restart: the cluster store is stopped under load and started again. The node keeps
 * serving (keys cached, usage in the spool), tells the operator it is degraded and why while the store
 * is away, and ships every event once it is back.
 */
const NODE = "fault-pg-1";
const MODEL = "entrim-tiny";
let pgDir: string;
let server: EmbeddedServer | undefined;
let agent: AgentProcess | undefined;
let fault: FaultNode;
let restoreEnv: (() => void) | undefined;

const startServer = async () => {
  server = await startEmbeddedPostgres({ dir: join(pgDir, "postgres"), fast: true });
  return server;
};

before(async () => {
  pgDir = await makeTempDataDir();
  const { url } = await startServer();
  // Its own PostgreSQL, not testCluster()'s: this scenario stops and restarts the server.
  restoreEnv = setEnv({ DATABASE_URL: url, ENTRIM_KEY_PEPPER: randomBytes(32).toString("base64") });
  fault = faultNode("fault-pg", NODE, url);
});

after(async () => {
  await fault?.stop(agent);
  await server?.stop();
  removeDir(pgDir);
  restoreEnv?.();
});

/** The node's state on /metrics (entrim_node_state{state="…"} 1), as a Prometheus scrape sees it. */
async function metricsState(address: string): Promise<string | undefined> {
  const base = address.startsWith("http") ? address : `http://${address}`;
  const text = await (await fetch(`${base}/metrics`)).text();
  return /^entrim_node_state\{[^}]*state="([a-z_]+)"[^}]*\} 1$/m.exec(text)?.[1];
}

test("postgres-restart: no request fails, the node says degraded and why, and every event ships", async () => {
  const config = { metering: { shipIntervalMs: 200, backoffInitialMs: 100, backoffMaxMs: 1000 } };
  agent = await startAgent(fault.dataDir, ["--node-name", NODE, "--threads", "1"], config);
  const customer = createAccountWithKey(fault.dataDir, "Outage customer");
  const options = { baseURL: agent.baseURL, apiKey: customer.token, model: MODEL, maxTokens: 8 };
  const plain = new PacedLoad(new SdkLoad(options), { workers: 2 });
  const streamed = new PacedLoad(new SdkLoad({ ...options, stream: true }), { workers: 2 });
  fault.loads.push(plain, streamed);
  const outcomes = () => [...plain.load.outcomes, ...streamed.load.outcomes];
  const completed = () => outcomes().filter((o) => o.ok).length;
  const operator = operatorClients(agent.control!, tlsFor(fault.pki.operators.vera!));
  plain.start();
  streamed.start();
  await until("30 requests completed before the outage", () => completed() >= 30, { timeoutMs: 60_000 });

  await server!.stop();
  const atStop = completed();
  let degraded = await nodeStatus(operator);
  await until(
    "the node reports DEGRADED",
    async () => {
      degraded = await nodeStatus(operator);
      return degraded?.state === "NODE_STATE_DEGRADED";
    },
    { timeoutMs: 60_000 },
  );
  const degradedOnMetrics = await metricsState(agent.metrics!);
  await until("30 requests completed while the store is away", () => completed() >= atStop + 30, {
    timeoutMs: 60_000,
  });
  const servedWhileDown = completed() - atStop;
  // Snapshots lag a little while the store probe times out; wait for the spool depth to show.
  let pendingWhileDown = 0;
  await until(
    "the node reports usage waiting in its spool",
    async () => {
      pendingWhileDown = Number((await nodeStatus(operator))?.spool?.pendingEvents ?? 0);
      return pendingWhileDown > 0;
    },
    { timeoutMs: 20_000 },
  ).catch(() => {});

  await startServer();
  let serving = await nodeStatus(operator);
  await until(
    "the node reports SERVING again",
    async () => {
      serving = await nodeStatus(operator);
      return serving?.state === "NODE_STATE_SERVING";
    },
    { timeoutMs: 60_000 },
  );
  const atReturn = completed();
  await until("30 more requests completed after the store returned", () => completed() >= atReturn + 30, {
    timeoutMs: 60_000,
  });
  await plain.stop();
  await streamed.stop();
  const all = outcomes();
  await fault.usage.waitForRows(customer.accountId, all);
  await until("the spool is empty", async () => (await nodeStatus(operator))?.spool?.pendingEvents === 0, {
    timeoutMs: 60_000,
  });
  operator.close();
  const rows = await fault.usage.rows(customer.accountId);

  const problems = billingProblems(rows, all);
  const failed = all.filter((o) => !o.ok);
  if (failed.length > 0) problems.push(`${failed.length} requests failed`);
  if (rows.length !== all.length) problems.push(`${rows.length} usage rows for ${all.length} requests`);
  if (!/cluster store is unreachable/.test(degraded?.stateReason ?? ""))
    problems.push(`the degraded reason does not name the store: ${degraded?.stateReason}`);
  if (degradedOnMetrics !== "degraded") problems.push(`/metrics said ${degradedOnMetrics} during the outage`);
  if (pendingWhileDown === 0) problems.push("no usage waited in the spool while the store was away");
  report({
    scenario: "postgres-restart",
    sent: all.length,
    completed: all.length - failed.length,
    failed: failed.length,
    why: failureReasons(all),
    usageRows: rows.length,
    detail: `served ${servedWhileDown} while the store was away (${pendingWhileDown} events spooled); node ${degraded?.state} ("${degraded?.stateReason}") then ${serving?.state}`,
    verdict: problems.length === 0 ? "pass" : "FAIL",
  });
  assert.deepEqual(problems, []);
});
