import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type {
  ListAuditResponse__Output,
  NodeSnapshot__Output,
  VerifyAuditResponse__Output,
} from "@entrim/proto";
import { type ServiceError, status } from "@grpc/grpc-js";
import pg from "pg";
import { type TestCluster, testCluster } from "./cluster.js";
import { type Clients, call, connect, makePki, type Pki, tlsFor } from "./control.js";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The operator/node boundary on a three-agent cluster sharing one store: a certificate revoked from
 * the shell is refused by every agent within seconds while other operators carry on, and an operator
 * string the store cannot hold (a NUL byte) changes nothing and breaks nothing.
 */
const node = (i: number) => `rev-${i}`;
let cluster: TestCluster;
let dirs: string[];
let agents: AgentProcess[];
let pki: Pki;
const clients: Clients[] = [];

function as(name: string, agent: AgentProcess): Clients {
  const made = connect(agent.control!, tlsFor(pki.operators[name]!));
  clients.push(made);
  return made;
}

before(async () => {
  cluster = await testCluster();
  dirs = [0, 1, 2].map((i) => tempDir(`boundary-${i}`));
  pki = makePki(dirs[0]!, node(0), { ada: "admin", otto: "operator", olga: "operator" });
  for (const i of [1, 2]) cli(dirs[i]!, "certs", "issue-node", "--name", node(i), "--ca-dir", pki.caDir);
  agents = await Promise.all([0, 1, 2].map((i) => startAgent(dirs[i]!, ["--node-name", node(i)])));
});

after(async () => {
  for (const c of clients) c.close();
  await Promise.all((agents ?? []).map((a) => a.stop()));
  await cluster?.stop();
  for (const dir of dirs ?? []) removeDir(dir);
});

test("a certificate revoked with `certs revoke` is refused by all three agents, and only it", async () => {
  const otto = agents.map((a) => as("otto", a));
  const olga = agents.map((a) => as("olga", a));
  // Channels open and working before the revocation: the check is per call, not per handshake.
  for (const c of [...otto, ...olga]) await call<NodeSnapshot__Output>(c.NodeService, "GetStatus", {});
  // And a watch stream otto holds open: the revocation ends it, not only his next call.
  const watch = otto[2]!.NodeService.WatchStatus({ intervalMs: 1000 });
  const watchEnded = new Promise<ServiceError>((resolve) => watch.on("error", resolve));
  await new Promise((resolve) => watch.once("data", resolve));

  const revoked = cli<{ created: boolean; subject: string; revokedBy: string }>(
    dirs[0]!,
    "certs",
    "revoke",
    "--cert",
    pki.operators.otto!.cert,
    "--reason",
    "laptop stolen",
  );
  assert.equal(revoked.created, true);
  assert.match(revoked.subject, /CN=otto, OU=operator/);

  await Promise.all(
    otto.map((c, i) =>
      until(
        `${node(i)} refuses otto`,
        async () => {
          const error = await call(c.NodeService, "GetStatus", {}).then(
            () => undefined,
            (e: ServiceError) => e,
          );
          if (!error) return false;
          assert.equal(error.code, status.UNAUTHENTICATED, error.details);
          assert.match(error.details, /was revoked on .* by cli:.* \(reason: laptop stolen\)/);
          return true;
        },
        {
          timeoutMs: 10_000, // NOTIFY reaches every agent in milliseconds; the periodic resync is the 30 s safety net.
        },
      ),
    ),
  );
  const ended = await watchEnded;
  assert.equal(ended.code, status.UNAUTHENTICATED);
  assert.match(ended.details, /was revoked on .* \(reason: laptop stolen\)/);
  for (const c of olga) {
    const answer = await call<NodeSnapshot__Output>(c.NodeService, "GetStatus", {});
    assert.ok(answer.node.startsWith("rev-"), "other operators still work");
  }

  const listed = cli<{ subject: string; reason: string }[]>(dirs[1]!, "certs", "revoked");
  assert.deepEqual(
    listed.map((r) => [r.subject.includes("CN=otto"), r.reason]),
    [[true, "laptop stolen"]],
  );
  const log = await call<ListAuditResponse__Output>(olga[2]!.AuditService, "ListAudit", {
    action: "certificate.",
  });
  assert.deepEqual(
    log.entries.map((e) => [e.action, e.source, e.reason, e.result]),
    [["certificate.revoke", "cli", "laptop stolen", "ok"]],
  );
});

test("a NUL byte in a drain reason is refused: the node keeps serving and beating, the audit chain verifies", async () => {
  const ada = as("ada", agents[1]!);
  const drain = ada.NodeService.Drain({ reason: "kernel\u0000update", deadlineSeconds: 60 });
  const error = await new Promise<ServiceError>((resolve) => drain.on("error", resolve));
  assert.equal(error.code, status.INVALID_ARGUMENT);
  assert.match(error.details, /^reason contains a control character \(U\+0000 at position 7\)/);

  const snapshot = await call<NodeSnapshot__Output>(ada.NodeService, "GetStatus", {});
  assert.equal(snapshot.state, "NODE_STATE_SERVING", "not drained");
  // The registry row takes the node's next heartbeat (a NUL in its drain reason would fail every one).
  const db = new pg.Client({ connectionString: cluster.store.url });
  await db.connect();
  try {
    const attempted = (await db.query("SELECT now() AS at")).rows[0].at as Date;
    await until(`${node(1)} heartbeats again`, async () => {
      const row = await db.query("SELECT heartbeat_at, state FROM nodes WHERE name = $1", [node(1)]);
      return row.rows[0].heartbeat_at > attempted && row.rows[0].state !== "draining";
    });
  } finally {
    await db.end();
  }
  const verified = await call<VerifyAuditResponse__Output>(ada.AuditService, "VerifyAudit", {});
  assert.equal(verified.ok, true, verified.problem);
});
