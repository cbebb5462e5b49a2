import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import { loadAgentProto, type StatusIncident__Output } from "@entrim/proto";
import { type TestCluster, testCluster } from "./cluster.js";
import { makeClusterPki } from "./console-support.js";
import { type Clients, call, connect, tlsFor } from "./control.js";
import { type AgentProcess, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The public status page as a customer reads it, from two agents on one store: "solo" is served by
 * status-1 only, "shared" by both. Draining status-1 turns the page from online to affected on every
 * agent, undraining turns it back; an incident posted over gRPC on one agent shows on the other's page.
 */
const NODES = ["status-1", "status-2"];
let cluster: TestCluster;
let upstream: Upstream;
const dirs: string[] = [];
const agents: AgentProcess[] = [];
let otto: Clients;
let statusClient: InstanceType<ReturnType<typeof loadAgentProto>["StatusPageService"]>;

interface PageJson {
  summary: string;
  allOnline: boolean;
  models: { model: string; state: string; regions: { region: string; state: string }[] }[];
  incidents: { id: string; title: string; status: string; updates: { text: string }[] }[];
  resolvedIncidents: { id: string; status: string }[];
}

const json = async (agent: AgentProcess) =>
  (await (await fetch(`${agent.url}/status.json`)).json()) as PageJson;
const html = async (agent: AgentProcess) =>
  (await (await fetch(`${agent.url}/status`)).text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
const stateOf = (page: PageJson, model: string) => page.models.find((m) => m.model === model)?.state;

before(async () => {
  cluster = await testCluster();
  upstream = await startUpstream({ tokens: 4, tokenDelayMs: 1 });
  for (const node of NODES) dirs.push(tempDir(node));
  const pkiDir = tempDir("status-pki");
  dirs.push(pkiDir);
  const pki = makeClusterPki(
    Object.fromEntries(NODES.map((n, i) => [n, dirs[i]!])),
    { otto: "operator" },
    pkiDir,
  );
  // Started together: each start is seconds of work (migrations, certificates, model checks).
  agents.push(
    ...(await Promise.all([
      startAgent(dirs[0]!, [
        "--node-name",
        "status-1",
        "--model",
        `solo=${upstream.url}`,
        "--model",
        `shared=${upstream.url}`,
      ]),
      startAgent(dirs[1]!, ["--node-name", "status-2", "--model", `shared=${upstream.url}`]),
    ])),
  );
  const files = { ca: pki.ca, ...pki.operators.otto! };
  otto = connect(agents[0]!.control!, tlsFor(files));
  const options = { "grpc.ssl_target_name_override": "localhost" };
  statusClient = new (loadAgentProto().StatusPageService)(agents[0]!.control!, tlsFor(files), options);
});

after(async () => {
  otto?.close();
  statusClient?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

test("the status page turns from online to affected when the only node serving a model drains, and back", async () => {
  for (const agent of agents) {
    await until("the page says all services are online", async () => (await json(agent)).allOnline);
    assert.match(await html(agent), /All services are online/);
  }
  const page = await json(agents[1]!);
  assert.deepEqual(
    page.models.map((m) => [m.model, m.state]),
    [
      ["shared", "operational"],
      ["solo", "operational"],
    ],
  );
  assert.doesNotMatch(JSON.stringify(page), /status-1|status-2|127\.0\.0\.1/, "no node names or addresses");

  const drain = otto.NodeService.Drain({ reason: "kernel upgrade", deadlineSeconds: 30 });
  await new Promise<void>((resolve, reject) => {
    drain.on("data", () => {});
    drain.on("end", resolve);
    drain.on("error", reject);
  });
  for (const agent of agents) {
    const affected = await until("the page shows the drain", async () => {
      const p = await json(agent);
      return stateOf(p, "solo") === "unavailable" && p;
    });
    assert.equal(affected.allOnline, false);
    assert.equal(stateOf(affected, "shared"), "degraded", "one of its two nodes drained");
    assert.equal(affected.summary, "Some services are affected: solo is unavailable; shared is degraded.");
    const text = await html(agent);
    assert.doesNotMatch(text, /All services are online/);
    assert.match(text, /solo: Unavailable/);
    assert.match(text, /shared: Degraded/);
  }

  await call(otto.NodeService, "Undrain", { reason: "upgrade done" });
  for (const agent of agents)
    await until("the page is online again", async () => (await json(agent)).allOnline);
});

test("an incident posted on one agent shows on every agent's page, and so does its resolution", async () => {
  const posted = await call<StatusIncident__Output>(statusClient, "PostIncident", {
    title: "Errors from shared",
    body: "Some requests fail; we are looking into it.",
    models: ["shared"],
  });
  for (const agent of agents) {
    const page = await until("the incident is on the page", async () => {
      const p = await json(agent);
      return p.incidents.some((i) => i.id === posted.id) && p;
    });
    assert.equal(page.allOnline, false);
    assert.equal(stateOf(page, "shared"), "degraded");
    assert.match(await html(agent), /Errors from shared Status: Investigating/);
  }
  await call(statusClient, "UpdateIncident", { id: posted.id, status: "resolved", text: "Fixed." });
  for (const agent of agents) {
    const page = await until("the resolution is on the page", async () => {
      const p = await json(agent);
      return p.incidents.length === 0 && p;
    });
    assert.equal(page.summary, "All services are online");
    assert.equal(page.resolvedIncidents.find((i) => i.id === posted.id)?.status, "resolved");
  }
});
