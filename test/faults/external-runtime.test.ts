import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@entrim/cluster-agent/dist/common/ports.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type { NodeSnapshot__Output } from "@entrim/proto";
import { type TestCluster, testCluster } from "../e2e/cluster.js";
import { tlsFor } from "../e2e/control.js";
import { type AgentProcess, createAccountWithKey, startAgent } from "../e2e/support.js";
import { report, SdkLoad } from "./harness.js";
import { PacedLoad } from "./paced.js";
import { type FaultNode, faultNode } from "./scenario.js";
import { billingProblems, failureReasons, isConnectionFailure, operatorClients } from "./store.js";

/**
 * external-runtime-killed: the agent serves through its external adapter, supervising the stand-in
 * engine as its `command`. The engine is killed with SIGKILL under load: requests in flight get clean
 * OpenAI-style errors (never a hang or a dropped connection), the node says it is degraded and why,
 * the supervisor restarts the engine and the node serves again; only completed requests are billed
 * as completed.
 */
const NODE = "fault-ext-1";
const MODEL = "up";
const UPSTREAM_MAIN = fileURLToPath(
  import.meta.resolve("@entrim/cluster-agent/test-support/upstream-main.js"),
);
let cluster: TestCluster;
let agent: AgentProcess | undefined;
let fault: FaultNode;

before(async () => {
  cluster = await testCluster();
  fault = faultNode("fault-ext", NODE, cluster.store.url);
});

after(async () => {
  await fault?.stop(agent);
  await cluster?.stop();
});

/** The states a watcher saw, each once per stretch: "SERVING → DEGRADED → SERVING". */
function path(states: { state: string }[]): string {
  const names = states.map((s) => s.state.replace("NODE_STATE_", ""));
  return names.filter((name, i) => name !== names[i - 1]).join(" → ");
}

/** The engine the agent supervises: its child running the stand-in. */
function enginePid(agentPid: number): number {
  const found = spawnSync("pgrep", ["-P", String(agentPid), "-f", "upstream-main"], { encoding: "utf8" });
  const pid = Number(found.stdout.trim().split("\n")[0]);
  if (!pid) throw new Error(`no engine process under the agent (${agentPid}): ${found.stderr}`);
  return pid;
}

test("external-runtime-killed: clean errors in flight, degraded then serving, completed requests billed", async () => {
  const port = await freeLoopbackPort();
  const config = {
    telemetry: { sampleIntervalMs: 200 },
    metering: { shipIntervalMs: 200, backoffInitialMs: 100, backoffMaxMs: 1000 },
    models: [
      {
        id: MODEL,
        runtime: "external",
        url: `http://127.0.0.1:${port}/v1`,
        contextLength: 4096,
        // 30 tokens 15 ms apart: each answer takes about half a second, so some are always in flight.
        command: [
          process.execPath,
          UPSTREAM_MAIN,
          "--port",
          String(port),
          "--tokens",
          "30",
          "--token-delay-ms",
          "15",
        ],
        startTimeoutMs: 30_000,
      },
    ],
  };
  agent = await startAgent(fault.dataDir, ["--node-name", NODE], config);
  const customer = createAccountWithKey(fault.dataDir, "Engine customer");
  const operator = operatorClients(agent.control!, tlsFor(fault.pki.operators.vera!));
  const states: { state: string; reason: string }[] = [];
  const watch = operator.NodeService.WatchStatus({ intervalMs: 100 });
  watch.on("data", (s: NodeSnapshot__Output) => {
    const last = states.at(-1);
    if (last?.state !== s.state || last.reason !== s.stateReason)
      states.push({ state: s.state, reason: s.stateReason });
  });
  watch.on("error", () => {});

  const options = { baseURL: agent.baseURL, apiKey: customer.token, model: MODEL, maxTokens: 30 };
  const plain = new PacedLoad(new SdkLoad(options), { workers: 2, backoffMs: 50 });
  const streamed = new PacedLoad(new SdkLoad({ ...options, stream: true }), { workers: 2, backoffMs: 50 });
  fault.loads.push(plain.start(), streamed.start());
  const outcomes = () => [...plain.load.outcomes, ...streamed.load.outcomes];
  const completed = () => outcomes().filter((o) => o.ok).length;
  await until("20 requests completed before the kill", () => completed() >= 20, { timeoutMs: 60_000 });

  // What a load balancer's health check sees while the engine is down and after.
  const readyz = new Set<string>();
  let probing = true;
  const probes = (async () => {
    while (probing) {
      try {
        const answer = await fetch(`${agent.url}/readyz`);
        const body = (await answer.json()) as { reason?: string };
        readyz.add(`${answer.status}${body.reason ? ` ${body.reason}` : ""}`);
      } catch {
        readyz.add("unreachable");
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const engine = enginePid(agent.process.pid!);
  process.kill(engine, "SIGKILL");
  // Degraded for the engine, not for something else a busy machine can cause (a slow store probe).
  const forEngine = (s: { state: string; reason: string }) =>
    s.state === "NODE_STATE_DEGRADED" && s.reason.includes(`model ${MODEL} is not answering`);
  // A node that never says so is reported below with everything else, not as a bare timeout.
  await until("the node reports DEGRADED because of its engine", () => states.some(forEngine), {
    timeoutMs: 20_000,
  }).catch(() => {});
  await until("the node serves again", () => states.at(-1)?.state === "NODE_STATE_SERVING", {
    timeoutMs: 60_000,
  });
  probing = false;
  await probes;
  const readyAgain = (await fetch(`${agent.url}/readyz`)).status;
  const atRecovery = completed();
  await until("20 requests completed after the restart", () => completed() >= atRecovery + 20, {
    timeoutMs: 60_000,
  });
  for (const load of fault.loads) await load.stop();
  watch.cancel();
  const restarted = enginePid(agent.process.pid!);
  operator.close();
  const all = outcomes();
  await fault.usage.waitForRows(customer.accountId, all);
  await agent.stop();
  const rows = await fault.usage.rows(customer.accountId);

  const failed = all.filter((o) => !o.ok);
  const problems = billingProblems(rows, all);
  const billedCompleted = rows.filter((r) => r.status === "completed").length;
  // Only a stream cut mid-answer may bill the tokens it delivered; a refusal (503) bills none.
  const billedFailures = rows.filter((r) => r.status !== "completed" && r.tokens > 0).length;
  const cutStreams = failed.filter((o) => o.reason?.startsWith("stream error ")).length;
  if (billedFailures > cutStreams)
    problems.push(
      `${billedFailures} failed requests bill tokens, only ${cutStreams} streams were cut mid-answer`,
    );
  if (billedCompleted !== all.length - failed.length)
    problems.push(
      `${billedCompleted} rows billed as completed for ${all.length - failed.length} completed requests`,
    );
  // A clean error names its code: "502 upstream_error", "503 upstream_unavailable", or an error chunk in a stream.
  const unclean = failed.filter(
    (o) => isConnectionFailure(o) || !/^(5\d\d|stream error) [a-z_]+$/.test(o.reason ?? ""),
  );
  if (unclean.length > 0) problems.push(`unclean failures: ${JSON.stringify(failureReasons(unclean))}`);
  if (failed.length === 0) problems.push("no request was in flight when the engine died");
  const degraded = states.find(forEngine);
  if (!/model up is not answering/.test(degraded?.reason ?? ""))
    problems.push(`the degraded reason does not name the model: ${degraded?.reason}`);
  if (restarted === engine) problems.push("the engine was not restarted");
  if (!readyz.has("503 model_unavailable"))
    problems.push(`/readyz never sent the balancer elsewhere while the engine was down: ${[...readyz]}`);
  if (readyAgain !== 200) problems.push(`/readyz answers ${readyAgain} after the recovery`);
  report({
    scenario: "external-runtime-killed",
    sent: all.length,
    completed: all.length - failed.length,
    failed: failed.length,
    why: failureReasons(all),
    usageRows: rows.length,
    detail: `${billedCompleted} billed as completed, ${billedFailures} failed requests bill tokens; node ${path(states)} ("${degraded?.reason}"); /readyz saw ${[...readyz].join(", ")}`,
    verdict: problems.length === 0 ? "pass" : "FAIL",
  });
  assert.deepEqual(problems, []);
});
