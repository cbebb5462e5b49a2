import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { startTestSmtp, type TestSmtp } from "@entrim/cluster-agent/test-support/smtp.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type { Alert__Output, AlertsUpdate__Output } from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { type TestCluster, testCluster } from "./cluster.js";
import { call, connect, makePki, type Pki, tlsFor } from "./control.js";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Acceptance 1 (issue 17), the server side: no console anywhere. Three agents share a store; one dies
 * (SIGKILL). The leader pages a real HTTP receiver in Alertmanager's format and an email reaches a real
 * SMTP server; an operator acknowledges over gRPC on one agent and a watcher on another sees it; the
 * dead agent comes back and the alert resolves, once. Then a plain stop (SIGTERM) without a drain pages
 * once the grace is over, and a stop after an operator's drain pages nobody.
 */
let cluster: TestCluster;
let smtp: TestSmtp;
let receiver: Server;
let pki: Pki;
const dirs: string[] = [];
const agents: (AgentProcess | undefined)[] = [];
const pages: {
  auth: string | undefined;
  body: {
    status: string;
    version: string;
    alerts: {
      labels: Record<string, string>;
      annotations: { summary: string };
      endsAt: string;
      generatorURL: string;
    }[];
  };
}[] = [];
const node = (i: number) => `alert-${i}`;
let config: object;

before(async () => {
  cluster = await testCluster({ env: { E2E_ALERT_TOKEN: "pager-token" } });
  smtp = await startTestSmtp();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      pages.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alertmanager`;
  config = {
    node: { heartbeatSeconds: 1 },
    mail: { smtp: { host: "127.0.0.1", port: smtp.port }, from: "Entrim <alerts@entrim.test>" },
    alerting: {
      evaluateSeconds: 1,
      webhooks: [{ url, bearerTokenEnv: "E2E_ALERT_TOKEN" }],
      email: ["oncall@entrim.test"],
      // Production waits 120 s for a restart to come back; the test, a few seconds.
      stoppedGraceSeconds: 3,
    },
  };
  for (const i of [0, 1, 2]) dirs.push(tempDir(`alerting-${i}`));
  pki = makePki(dirs[0]!, node(0), { otto: "operator", vera: "viewer" });
  for (const i of [1, 2]) cli(dirs[i]!, "certs", "issue-node", "--name", node(i), "--ca-dir", pki.caDir);
  for (const i of [0, 1, 2]) agents.push(await startAgent(dirs[i]!, ["--node-name", node(i)], config));
});

after(async () => {
  for (const a of agents) await a?.stop();
  await new Promise((r) => receiver.close(r));
  await smtp?.close();
  await cluster?.stop();
  for (const d of dirs) removeDir(d);
});

test("a dead agent pages, an acknowledgement travels between agents, and its return resolves the alert", async () => {
  const v1 = loadAgentProto();
  const options = { "grpc.ssl_target_name_override": "localhost" };
  const otto = new v1.AlertsService(agents[0]!.control!, tlsFor(pki.operators.otto!), options);
  const vera = new v1.AlertsService(agents[1]!.control!, tlsFor(pki.operators.vera!), options);
  const updates: AlertsUpdate__Output[] = [];
  const watch = vera.WatchAlerts({ filter: "ALERT_FILTER_UNSPECIFIED" });
  watch.on("data", (u: AlertsUpdate__Output) => updates.push(u));
  watch.on("error", () => {});
  try {
    // A crash, not a stop: no "stopped" registration, just silence.
    agents[2]!.process.kill("SIGKILL");
    await agents[2]!.stop();
    agents[2] = undefined;

    const page = await until("the webhook receives node down", () =>
      pages.find(
        (p) =>
          p.body.status === "firing" &&
          p.body.alerts[0]?.labels.alertname === "node-down" &&
          p.body.alerts[0]?.labels.node === node(2),
      ),
    );
    assert.equal(page.auth, "Bearer pager-token");
    assert.equal(page.body.version, "4");
    assert.equal(page.body.alerts[0]!.labels.node, node(2));
    assert.equal(page.body.alerts[0]!.labels.severity, "critical");
    const mail = await until("the alert email arrives", () =>
      smtp.received.find((m) => /node-down|is down/.test(m.subject)),
    );
    assert.deepEqual(mail.to, ["oncall@entrim.test"]);
    assert.match(mail.subject, new RegExp(`${node(2)} is down`));

    const listed = await call<{ alerts: Alert__Output[] }>(vera, "ListAlerts", {
      filter: "ALERT_FILTER_FIRING",
    });
    const down = listed.alerts.find((a) => a.rule === "node-down" && a.node === node(2));
    assert.ok(down, "a console opened later lists it");
    await call(otto, "AcknowledgeAlert", { id: down.id, note: "rebooting the host" });
    await until("the watcher on another agent sees the acknowledgement", () =>
      updates.some((u) => u.alerts.some((a) => a.id === down.id && a.acknowledgedBy === "otto")),
    );

    // This alert's pages by its id: on a loaded machine a live node can miss beats and page on its own.
    const ofDown = (p: (typeof pages)[number]) =>
      p.body.alerts[0]?.generatorURL.endsWith(`/alerts/${down.id}`);
    agents[2] = await startAgent(dirs[2]!, ["--node-name", node(2)], config);
    const resolved = await until("the webhook receives the resolution", () =>
      pages.find((p) => p.body.status === "resolved" && ofDown(p)),
    );
    assert.notEqual(resolved.body.alerts[0]!.endsAt, "0001-01-01T00:00:00Z");
    const after = await call<{ alerts: Alert__Output[] }>(vera, "ListAlerts", {
      filter: "ALERT_FILTER_RESOLVED",
    });
    assert.ok(after.alerts.some((a) => a.id === down.id));
    const firingPages = pages.filter((p) => p.body.status === "firing" && ofDown(p));
    assert.equal(firingPages.length, 1, "acknowledged: paged once");
  } finally {
    watch.cancel();
    otto.close();
    vera.close();
  }
});

test("a stop without a drain pages node down after the grace; a drained stop pages nobody; a restart resolves", async () => {
  const v1 = loadAgentProto();
  const otto = new v1.AlertsService(agents[0]!.control!, tlsFor(pki.operators.otto!), {
    "grpc.ssl_target_name_override": "localhost",
  });
  const nodeOne = connect(agents[1]!.control!, tlsFor(pki.operators.otto!));
  try {
    // The operator takes node 1 out of service first: its stop is deliberate.
    const drain = nodeOne.NodeService.Drain({ reason: "host maintenance", deadlineSeconds: 30 });
    await new Promise<void>((resolve, reject) => {
      drain.on("data", () => {});
      drain.on("end", resolve);
      drain.on("error", reject);
    });
    nodeOne.close();
    await agents[1]!.stop();
    agents[1] = undefined;
    // Node 2 is stopped cleanly (SIGTERM, its "stopped" registration written) but nobody drained it.
    await agents[2]!.stop();
    agents[2] = undefined;

    const stopped = (p: (typeof pages)[number], name: string) =>
      p.body.status === "firing" &&
      p.body.alerts[0]?.labels.alertname === "node-down" &&
      p.body.alerts[0]?.labels.node === name &&
      /stopped without a drain/.test(p.body.alerts[0]?.annotations.summary ?? "");
    const page = await until("the webhook receives node down for the undrained stop", () =>
      pages.find((p) => stopped(p, node(2))),
    );
    assert.match(
      page.body.alerts[0]!.annotations.summary,
      new RegExp(`${node(2)} is down: it stopped without a drain and has not come back for \\d+ s`),
    );
    // Node 1 stopped first, so the pass that paged node 2 had node 1 past its grace too.
    const firing = await call<{ alerts: Alert__Output[] }>(otto, "ListAlerts", {
      filter: "ALERT_FILTER_FIRING",
    });
    const down = firing.alerts.filter((a) => a.rule === "node-down").map((a) => a.node);
    assert.ok(down.includes(node(2)));
    assert.ok(
      !down.includes(node(1)),
      `the drained node is not down: ${firing.alerts.map((a) => `${a.node}: ${a.summary}`).join("; ")}`,
    );
    assert.equal(
      pages.filter((p) => stopped(p, node(1))).length,
      0,
      "nothing paged for the drained node's stop",
    );

    agents[2] = await startAgent(dirs[2]!, ["--node-name", node(2)], config);
    await until("the webhook receives the resolution of the stop", () =>
      pages.find(
        (p) =>
          p.body.status === "resolved" &&
          p.body.alerts[0]?.labels.node === node(2) &&
          /stopped without a drain/.test(p.body.alerts[0]?.annotations.summary ?? ""),
      ),
    );
  } finally {
    nodeOne.close();
    otto.close();
  }
});
