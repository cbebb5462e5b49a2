import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type {
  ListAuditResponse__Output,
  ListPeersResponse__Output,
  NodeSnapshot__Output,
  Suspension__Output,
  VerifyAuditResponse__Output,
} from "@entrim/proto";
import { type ServiceError, status } from "@grpc/grpc-js";
import OpenAI from "openai";
import pg from "pg";
import { type TestCluster, testCluster } from "./cluster.js";
import { type Clients, call, connect, makePki, type Pki, tlsFor } from "./control.js";
import { HealthClient } from "./health.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The control plane as operators meet it: real certificates from the agent's CLI, real TLS on
 * loopback, one agent per role check, the audit log behind every change.
 */
let cluster: TestCluster;
let dataDir: string;
let foreignDir: string;
let agent: AgentProcess;
let pki: Pki;
let foreign: Pki;
const clients: Clients[] = [];

function as(name: string, pkiOf: Pki = pki): Clients {
  const made = connect(agent.control!, tlsFor(pkiOf.operators[name]!));
  clients.push(made);
  return made;
}

async function refused(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  assert.fail("the call was expected to fail");
}

before(async () => {
  cluster = await testCluster();
  dataDir = tempDir("control");
  foreignDir = tempDir("control-foreign");
  pki = makePki(dataDir, "ctl-1", { vera: "viewer", otto: "operator", ada: "admin" });
  // Another cluster's CA issuing an "admin": it must not get past the handshake.
  foreign = makePki(foreignDir, "elsewhere", { mallory: "admin" });
  agent = await startAgent(dataDir, ["--node-name", "ctl-1"]);
  assert.ok(agent.control, "the agent announced its control address");
});

after(async () => {
  for (const c of clients) c.close();
  await agent?.stop();
  await cluster?.stop();
  removeDir(dataDir);
  removeDir(foreignDir);
});

test("a viewer watches the node but cannot drain it or suspend anyone", async () => {
  const vera = as("vera");
  const status1 = await call<NodeSnapshot__Output>(vera.NodeService, "GetStatus", {});
  assert.equal(status1.node, "ctl-1");
  assert.equal(status1.state, "NODE_STATE_SERVING");

  const peers = await call<ListPeersResponse__Output>(vera.ClusterService, "ListPeers", {});
  assert.ok(peers.peers.some((p) => p.name === "ctl-1" && p.self && p.controlAddress !== ""));

  const drain = vera.NodeService.Drain({ reason: "viewer tries" });
  const denied = await new Promise<ServiceError>((resolve) => drain.on("error", resolve));
  assert.equal(denied.code, status.PERMISSION_DENIED);
  assert.match(denied.details, /operator/);

  const suspend = await refused(
    call(vera.AbuseService, "Suspend", {
      targetType: "TARGET_TYPE_ACCOUNT",
      target: "acct_x",
      reason: "SUSPENSION_REASON_ABUSE",
    }),
  );
  assert.equal(suspend.code, status.PERMISSION_DENIED);
});

test("a certificate from another CA, or none, does not get past the handshake", async () => {
  const mallory = as("mallory", foreign);
  const error = await refused(call(mallory.NodeService, "GetStatus", {}, 5000));
  assert.equal(error.code, status.UNAVAILABLE);

  const anonymous = connect(agent.control!, tlsFor({ ca: pki.operators.vera!.ca }));
  clients.push(anonymous);
  const none = await refused(call(anonymous.NodeService, "GetStatus", {}, 5000));
  assert.equal(none.code, status.UNAVAILABLE);
});

test("an operator's suspension is enforced on the API, recorded in the audit log, and the chain verifies", async () => {
  const otto = as("otto");
  const customer = createAccountWithKey(dataDir, "Control customer");
  const openai = new OpenAI({ apiKey: customer.token, baseURL: agent.baseURL, maxRetries: 0 });
  await openai.models.list();

  const missingReason = await refused(
    call(otto.AbuseService, "Suspend", { targetType: "TARGET_TYPE_ACCOUNT", target: customer.accountId }),
  );
  assert.equal(missingReason.code, status.INVALID_ARGUMENT);

  const suspension = await call<Suspension__Output>(otto.AbuseService, "Suspend", {
    targetType: "TARGET_TYPE_ACCOUNT",
    target: customer.accountId,
    reason: "SUSPENSION_REASON_ABUSE",
    note: "spam campaign",
  });
  assert.equal(suspension.createdBy, "otto");
  await assert.rejects(openai.models.list(), (error: { status?: number }) => error.status === 403);

  await call(otto.AbuseService, "Unsuspend", { id: suspension.id, reason: "customer cleaned up" });
  await openai.models.list();

  const vera = as("vera");
  const log = await call<ListAuditResponse__Output>(vera.AuditService, "ListAudit", {});
  const mine = log.entries.filter((e) => e.target === `account:${customer.accountId}` && e.source === "grpc");
  assert.deepEqual(mine.map((e) => [e.action, e.operator, e.role, e.source, e.result]).reverse(), [
    ["suspension.create", "otto", "operator", "grpc", "ok"],
    ["suspension.lift", "otto", "operator", "grpc", "ok"],
  ]);
  // The CLI's changes are in the same chain.
  assert.ok(log.entries.some((e) => e.action === "account.create" && e.source === "cli"));

  const verified = await call<VerifyAuditResponse__Output>(vera.AuditService, "VerifyAudit", {});
  assert.equal(verified.ok, true, verified.problem);

  // Someone with database access rewrites history: verification names the entry.
  const victim = mine.find((e) => e.action === "suspension.create")!;
  const client = new pg.Client({ connectionString: cluster.store.url });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
    await client.query("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = $1", [victim.seq]);
  } finally {
    await client.end();
  }
  const broken = await call<VerifyAuditResponse__Output>(vera.AuditService, "VerifyAudit", {});
  assert.equal(broken.ok, false);
  assert.equal(broken.firstBadSeq, victim.seq);
  const fromCli = cliFails(dataDir, "audit", "verify");
  assert.match(fromCli, new RegExp(`\\b${victim.seq}\\b`));
});

function cliFails(dir: string, ...args: string[]): string {
  try {
    cli(dir, ...args);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail(`entrim-agent ${args.join(" ")} was expected to fail`);
}

test("the health service answers over mTLS", async () => {
  const health = new HealthClient(agent.control!, tlsFor(pki.operators.vera!), {
    "grpc.ssl_target_name_override": "localhost",
  });
  const answer = await new Promise<{ status: string }>((resolve, reject) =>
    health.check({ service: "" }, (error: Error | null, response?: { status: string }) =>
      error ? reject(error) : resolve(response!),
    ),
  );
  health.close();
  assert.equal(answer.status, "SERVING");
});
