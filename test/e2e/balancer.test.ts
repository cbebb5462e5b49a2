import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { initCa, issueNodeCertificate } from "@entrim/cluster-agent/dist/control/certs.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import pg from "pg";
import { type TestCluster, testCluster } from "./cluster.js";
import { type HaProxy, startHaProxy } from "./haproxy.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The issue's acceptance scenario: agents behind the shipped HAProxy configuration (TLS on the
 * frontend), customers told apart by their own addresses (each binds another 127.0.0.x), once with
 * X-Forwarded-For and once with PROXY protocol v2. Before, the agent saw only the balancer: one
 * customer's wrong keys blocked the balancer's address, and with it everybody.
 */
const MODEL = "up";
let cluster: TestCluster;
let db: pg.Client;
let upstream: Upstream;
let ca: Buffer;
let pemFile: string;
const dirs: string[] = [];
const agents: AgentProcess[] = [];
const balancers: HaProxy[] = [];
const FAILURES = 10;

const skip =
  spawnSync("haproxy", ["-v"]).status === 0 ? false : "haproxy is not installed (apt-get install haproxy)";

before(async () => {
  if (skip) return;
  cluster = await testCluster();
  db = new pg.Client({ connectionString: cluster.store.url });
  await db.connect();
  upstream = await startUpstream({ tokens: 3, tokenDelayMs: 0 });
  const certs = tempDir("balancer-tls");
  dirs.push(certs);
  await initCa({ dir: join(certs, "ca") });
  await issueNodeCertificate({ caDir: join(certs, "ca"), name: "api", outDir: certs });
  ca = readFileSync(join(certs, "ca", "ca.pem"));
  pemFile = join(certs, "haproxy.pem");
  // HAProxy takes the chain and the key in one file.
  const pem = (name: string) => `${readFileSync(join(certs, name), "utf8").trim()}\n`;
  writeFileSync(pemFile, pem("node.pem") + pem("node-key.pem"), { mode: 0o600 });
  const ipBlock = { failures: FAILURES, windowSeconds: 60, blockSeconds: 600 };
  // The balancer reaches agents from 127.0.0.1; customers come from other loopback addresses.
  const variants = [
    { name: "xff", api: { trustedProxies: ["127.0.0.1"] }, haproxy: "forwardfor" as const },
    {
      name: "pp2",
      api: { trustedProxies: ["127.0.0.1"], proxyProtocol: true },
      haproxy: "proxy-v2" as const,
    },
  ];
  for (const variant of variants) {
    const dir = tempDir(`balancer-${variant.name}`);
    dirs.push(dir);
    // "--model" keeps the agent off the embedded runtime: the fake upstream answers at once.
    agents.push(
      await startAgent(dir, ["--model", `${MODEL}=${upstream.url}`, "--node-name", `lb-${variant.name}`], {
        api: variant.api,
        abuse: { ipBlock },
        metering: { shipIntervalMs: 50 },
      }),
    );
    balancers.push(await startHaProxy([agents.at(-1)!.url], { variant: variant.haproxy, pemFile, ca }));
  }
});

after(async () => {
  for (const balancer of balancers) await balancer.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await db?.end();
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

interface Answer {
  status: number;
  code: string | null;
}

/** One HTTPS request through the balancer from `from` (a loopback address of this machine). */
function call(balancer: HaProxy, from: string, token: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${balancer.url}${path}`,
      {
        method: body === undefined ? "GET" : "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          // What a client says about itself is not believed: the balancer appends the real address.
          "x-forwarded-for": "192.0.2.66",
          forwarded: "for=192.0.2.66",
        },
        localAddress: from,
        ca,
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const parsed = JSON.parse(text) as { error?: { code: string | null } };
          resolve({ status: res.statusCode ?? 0, code: parsed.error?.code ?? null });
        });
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const chat = { model: MODEL, messages: [{ role: "user", content: "hello" }], max_tokens: 3 };

describe("behind the shipped HAProxy configuration", { skip }, () => {
  const scenarios = [
    {
      name: "X-Forwarded-For (option forwardfor)",
      index: 0,
      attacker: "127.0.0.2",
      customer: "127.0.0.3",
      abuser: "127.0.0.4",
    },
    {
      name: "PROXY protocol v2 (send-proxy-v2)",
      index: 1,
      attacker: "127.0.0.5",
      customer: "127.0.0.6",
      abuser: "127.0.0.7",
    },
  ];
  for (const s of scenarios) {
    test(`${s.name}: a wrong-key flood blocks its sender only, usage and suspensions see real clients`, async () => {
      const balancer = balancers[s.index]!;
      const agent = agents[s.index]!;
      const customer = createAccountWithKey(dirs[0]!, `Balanced customer ${s.index}`);
      const other = createAccountWithKey(dirs[0]!, `Balanced other ${s.index}`);
      await until(
        "the new keys reach the agent",
        async () => (await call(balancer, s.customer, customer.token, "/v1/models")).status === 200,
        { timeoutMs: 15_000 },
      );

      // The flood: wrong keys from one address, bounded (the block lands within a few requests).
      const statuses: Answer[] = [];
      for (let i = 0; i < FAILURES + 40; i++) {
        const answer = await call(balancer, s.attacker, `sk-entrim-wrongwrongwr-${i}`, "/v1/models");
        statuses.push(answer);
        if (answer.code === "ip_blocked") break;
      }
      assert.deepEqual(
        statuses.slice(0, FAILURES).map((a) => a.status),
        Array(FAILURES).fill(401),
      );
      assert.equal(statuses.at(-1)?.code, "ip_blocked", "the flooding address ends up blocked");
      // The attacker stays blocked, even with a valid key; everybody else behind the balancer is served.
      assert.equal((await call(balancer, s.attacker, other.token, "/v1/models")).code, "ip_blocked");
      const served = await call(balancer, s.customer, customer.token, "/v1/chat/completions", chat);
      assert.equal(served.status, 200, `another customer through the same balancer: ${served.code}`);
      assert.equal((await call(balancer, s.abuser, other.token, "/v1/models")).status, 200);

      // The block names the attacker (security suspension), not the balancer.
      const { rows: blocks } = await db.query<{ target: string }>(
        "SELECT network::text AS target FROM suspensions WHERE target_type = 'ip' AND reason = 'security'",
      );
      assert.ok(
        blocks.some((b) => b.target === `${s.attacker}/32`),
        JSON.stringify(blocks),
      );
      assert.ok(
        !blocks.some((b) => b.target.startsWith("127.0.0.1/")),
        "the balancer itself is never blocked",
      );

      // The usage record carries the customer's own address once the shipper has shipped it.
      const shipped = await until(
        "the usage event is in the store",
        async () => {
          const result = await db.query<{ client_ip: string }>(
            "SELECT host(client_ip) AS client_ip FROM usage_events WHERE account_id = $1",
            [customer.accountId],
          );
          return result.rows.length > 0 && result;
        },
        { timeoutMs: 15_000 },
      );
      assert.deepEqual(
        shipped.rows.map((r) => r.client_ip),
        [s.customer],
      );

      // An operator suspends one address: it is refused, the others behind the balancer pass.
      cli(dirs[0]!, "suspend", "--ip", s.abuser, "--reason", "abuse", "--note", "e2e balancer");
      await until(
        "the IP suspension reaches the agent",
        async () => (await call(balancer, s.abuser, other.token, "/v1/models")).status === 403,
        { timeoutMs: 15_000 },
      );
      assert.equal((await call(balancer, s.customer, customer.token, "/v1/models")).status, 200);
      assert.equal((await call(balancer, s.attacker, other.token, "/v1/models")).code, "ip_blocked");
      assert.ok(agent.url.startsWith("http://127.0.0.1:"));
    });
  }
});
