import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { freeLoopbackPort } from "@entrim/cluster-agent/dist/common/ports.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type { ListPeersResponse__Output } from "@entrim/proto";
import { type TestCluster, testCluster } from "../e2e/cluster.js";
import { call, tlsFor } from "../e2e/control.js";
import { type AgentProcess, createAccountWithKey, startAgent } from "../e2e/support.js";
import { reasons, report, SdkLoad } from "./harness.js";
import { PacedLoad } from "./paced.js";
import { type FaultNode, faultNode } from "./scenario.js";
import {
  billingProblems,
  failureReasons,
  isConnectionFailure,
  nodeStatus,
  operatorClients,
} from "./store.js";

/**
 * agent-kill-9: the agent is killed with SIGKILL under load from the official SDK and restarted on the
 * same data directory and address. Its spool must ship every event of a response the client saw
 * complete, exactly once, and the operator must see the node serving again.
 */
const NODE = "fault-kill-1";
const MODEL = "entrim-tiny";
let cluster: TestCluster;
let agent: AgentProcess | undefined;
let fault: FaultNode;

before(async () => {
  cluster = await testCluster();
  fault = faultNode("fault-kill", NODE, cluster.store.url);
});

after(async () => {
  await fault?.stop(agent);
  await cluster?.stop();
});

test("agent-kill-9: every completed request has exactly one usage row after the restart", async () => {
  const port = await freeLoopbackPort();
  // Quick shipping keeps the test short; durability is the default ("write").
  const config = { metering: { shipIntervalMs: 200, backoffInitialMs: 100, backoffMaxMs: 1000 } };
  const serve = () =>
    startAgent(
      fault.dataDir,
      ["--node-name", NODE, "--listen", `127.0.0.1:${port}`, "--threads", "1"],
      config,
    );
  agent = await serve();
  const customer = createAccountWithKey(fault.dataDir, "Kill customer");
  const options = { baseURL: agent.baseURL, apiKey: customer.token, model: MODEL, maxTokens: 8 };
  const plain = new PacedLoad(new SdkLoad(options), { workers: 2 });
  const streamed = new PacedLoad(new SdkLoad({ ...options, stream: true }), { workers: 2 });
  fault.loads.push(plain, streamed);
  const outcomes = () => [...plain.load.outcomes, ...streamed.load.outcomes];
  const completed = () => outcomes().filter((o) => o.ok).length;
  plain.start();
  streamed.start();
  await until("40 requests completed before the kill", () => completed() >= 40, { timeoutMs: 60_000 });

  const killedAt = Date.now();
  const exited = new Promise((resolve) => agent!.process.once("exit", resolve));
  agent.process.kill("SIGKILL");
  await exited;
  agent = await serve();
  const readyAt = Date.now();
  const completedAtRestart = completed();
  await until("40 more requests completed after the restart", () => completed() >= completedAtRestart + 40, {
    timeoutMs: 60_000,
  });
  await plain.stop();
  await streamed.stop();
  const all = outcomes();
  // The kill window: from the kill until the restarted agent said it was ready. A request in flight at
  // the kill fails after it; one refused while the agent was down was sent before it was ready.
  const outsideWindow = [...plain.timeline, ...streamed.timeline].filter(
    (t) => !t.outcome.ok && (t.endedAt < killedAt || t.startedAt > readyAt),
  );
  const notConnection = all.filter((o) => !o.ok && !isConnectionFailure(o));

  const rows = await fault.usage.waitForRows(customer.accountId, all);
  const operator = operatorClients(agent.control!, tlsFor(fault.pki.operators.vera!));
  let status = await nodeStatus(operator);
  await until(
    "the restarted node reports its spool shipped",
    async () => {
      status = await nodeStatus(operator);
      return status?.spool?.pendingEvents === 0;
    },
    { timeoutMs: 60_000 },
  );
  const peers = await call<ListPeersResponse__Output>(operator.ClusterService, "ListPeers", {});
  operator.close();
  const peer = peers.peers.find((p) => p.name === NODE);
  // A clean stop ships whatever is left; the count afterwards is final.
  await agent.stop();
  const finalRows = await fault.usage.rows(customer.accountId);

  const problems = billingProblems(finalRows, all);
  if (outsideWindow.length > 0)
    problems.push(`${outsideWindow.length} requests failed outside the kill window`);
  if (notConnection.length > 0)
    problems.push(
      `${notConnection.length} failures were not connection errors: ${JSON.stringify(reasons(notConnection))}`,
    );
  if (status?.state !== "NODE_STATE_SERVING") problems.push(`restarted node reports ${status?.state}`);
  if (peer?.state !== "NODE_STATE_SERVING" || Number(peer.startedAtMs) < killedAt)
    problems.push(`the registry does not show the restarted node serving: ${JSON.stringify(peer)}`);
  const failed = all.filter((o) => !o.ok);
  report({
    scenario: "agent-kill-9",
    sent: all.length,
    completed: all.length - failed.length,
    failed: failed.length,
    why: failureReasons(all),
    usageRows: finalRows.length,
    detail: `rows before clean stop ${rows.length}; registry: ${peer?.state ?? "absent"} since restart`,
    verdict: problems.length === 0 ? "pass" : "FAIL",
  });
  assert.deepEqual(problems, []);
  assert.ok(failed.length > 0, "the kill cut some requests: the fault really happened under load");
});
