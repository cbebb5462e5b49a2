import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import OpenAI from "openai";
import { type TestCluster, testCluster } from "./cluster.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/** Three agents on one store, as in a fleet: a suspension made on one side must reach them all. */
const AGENTS = 3;
const MODEL = "up";
let cluster: TestCluster;
let upstream: Upstream;
const dirs: string[] = [];
const agents: AgentProcess[] = [];
const secretNotes: string[] = [];

before(async () => {
  cluster = await testCluster();
  // The CLI and every agent find the one store and the shared pepper through the environment.
  // A slow stream (20 ms per token) stays open long enough to be cut.
  upstream = await startUpstream({ tokens: 2000, tokenDelayMs: 20 });
  for (let i = 0; i < AGENTS; i++) dirs.push(tempDir(`susp${i}`));
  agents.push(
    ...(await Promise.all(
      dirs.map((dir, i) =>
        startAgent(
          dir,
          ["--model", `${MODEL}=${upstream.url}`, "--node-name", `susp-${i}`, "--log-level", "debug"],
          {
            abuse: { ipBlock: { failures: 5, windowSeconds: 60, blockSeconds: 120 } },
          },
        ),
      ),
    )),
  );
});

after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  error?: { message: string; code: string | null };
}

/** GET /v1/models as a client at `localAddress` would (127.0.0.x are all this machine). */
function get(agent: AgentProcess, token: string, localAddress = "127.0.0.1"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${agent.baseURL}/models`,
      { headers: { authorization: `Bearer ${token}` }, localAddress, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => {
          const parsed = JSON.parse(body) as { error?: Answer["error"] };
          resolve({ status: res.statusCode ?? 0, headers: res.headers, error: parsed.error });
        });
      },
    );
    req.on("error", reject).end();
  });
}

/** Polls every agent until `done` holds for its answer; fails if any is not there by the deadline. */
async function everyAgent(token: string, done: (a: Answer) => boolean, deadline: number, what: string) {
  return Promise.all(
    agents.map((agent, i) =>
      until(
        `agent ${i}: ${what}`,
        async () => {
          const answer = await get(agent, token);
          return done(answer) && answer;
        },
        { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 0 },
      ),
    ),
  );
}

function cliAt(...args: string[]) {
  return cli<{ id: string; expiresAt: string | null }>(dirs[0]!, ...args);
}

test("a suspension made with the CLI is enforced by every agent within a second, and unsuspend restores service", async () => {
  const customer = createAccountWithKey(dirs[0]!, "Late payer");
  await everyAgent(customer.token, (a) => a.status === 200, Date.now() + 5_000, "serves the new key");
  secretNotes.push("dunning letter 3 sent");
  cliAt("suspend", "--account", customer.accountId, "--reason", "non_payment", "--note", secretNotes[0]!);
  const answers = await everyAgent(
    customer.token,
    (a) => a.status === 403,
    Date.now() + 1_000,
    "refuses within 1 s",
  );
  for (const answer of answers) {
    assert.equal(answer.error?.code, "account_suspended");
    assert.equal(answer.error?.message, "This account is suspended (reason: non_payment). Contact support.");
  }
  cliAt("unsuspend", "--account", customer.accountId, "--note", "paid");
  await everyAgent(customer.token, (a) => a.status === 200, Date.now() + 1_000, "serves again within 1 s");
});

test("a stream in progress is ended with an error event when its account is suspended", async () => {
  const customer = createAccountWithKey(dirs[0]!, "Streamer");
  const client = new OpenAI({ baseURL: agents[1]!.baseURL, apiKey: customer.token, maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Go on for a while." }],
    max_tokens: 2000,
    stream: true,
  });
  const chunks = stream[Symbol.asyncIterator]();
  assert.equal((await chunks.next()).done, false, "the stream has begun");
  cliAt("suspend", "--account", customer.accountId, "--reason", "abuse");
  const ended = Date.now();
  let received = 0;
  await assert.rejects(
    (async () => {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) received++;
    })(),
    (error: unknown) => error instanceof OpenAI.APIError && error.code === "account_suspended",
  );
  // 2000 tokens at 20 ms would take 40 s; the cut ends it long before.
  assert.ok(Date.now() - ended < 5_000, `the stream ended ${Date.now() - ended} ms after the suspension`);
  assert.ok(received < 1_000, `${received} chunks after the suspension`);
});

test("a warned account is served, and the warning reached every agent", async () => {
  const customer = createAccountWithKey(dirs[0]!, "Warned");
  const warning = cliAt("warn", "--account", customer.accountId, "--reason", "abuse");
  const deadline = Date.now() + 1_000;
  for (const [i, agent] of agents.entries()) {
    await agent
      .waitForLog(`"suspension":"${warning.id}"`, Math.max(0, deadline - Date.now()))
      .catch(() => assert.fail(`agent ${i} applied the warning within 1 s`));
  }
  const answers = await Promise.all(agents.map((agent) => get(agent, customer.token)));
  assert.deepEqual(
    answers.map((a) => a.status),
    [200, 200, 200],
  );
});

test("an expired suspension lifts on its own", async () => {
  const customer = createAccountWithKey(dirs[0]!, "Cooling off");
  const row = cliAt("suspend", "--account", customer.accountId, "--reason", "abuse", "--expires", "2s");
  await everyAgent(customer.token, (a) => a.status === 403, Date.now() + 1_000, "refuses within 1 s");
  const expiresAt = Date.parse(row.expiresAt!);
  const answers = await everyAgent(
    customer.token,
    (a) => a.status === 200,
    expiresAt + 1_000,
    "serves after expiry",
  );
  assert.ok(Date.now() >= expiresAt - 50, "not lifted early");
  assert.equal(answers.length, AGENTS);
});

test("brute-forcing keys from one IP blocks that IP everywhere for a while, and another IP is unaffected", async () => {
  const customer = createAccountWithKey(dirs[0]!, "Bystander");
  const attacker = "127.0.0.3";
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    statuses.push(
      (
        await get(
          agents[0]!,
          `sk-entrim-${"a".repeat(12)}-${randomBytes(32).toString("base64url")}`,
          attacker,
        )
      ).status,
    );
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
  const blockedAt = Date.now();
  const blocked = await Promise.all(
    agents.map(async (agent, i) => {
      for (;;) {
        // Even a valid key is refused from the blocked address.
        const answer = await get(agent, customer.token, attacker);
        if (answer.status === 403) return answer;
        assert.ok(Date.now() - blockedAt < 1_000, `agent ${i} blocks the attacker within 1 s`);
      }
    }),
  );
  for (const answer of blocked) {
    assert.equal(answer.error?.code, "ip_blocked");
    assert.match(answer.error?.message ?? "", /temporarily blocked \(reason: security\)/);
    const retryAfter = Number(answer.headers["retry-after"]);
    assert.ok(retryAfter > 100 && retryAfter <= 120, `Retry-After ${retryAfter}`);
  }
  for (const agent of agents) assert.equal((await get(agent, customer.token, "127.0.0.2")).status, 200);

  const [record] = cli<
    { target: string; reason: string; createdBy: string; expiresAt: string; note: string }[]
  >(dirs[0]!, "suspensions", "list", "--active", "--type", "ip");
  assert.equal(record?.target, "127.0.0.3/32");
  assert.equal(record?.reason, "security");
  assert.equal(record?.createdBy, "agent:susp-0");
  assert.equal(record?.note, "automatic: 5 failed authentications in 60 s");
  assert.ok(Date.parse(record.expiresAt) > Date.now());
  // The 403s can arrive before the agent's asynchronous log write reaches our end of the pipe.
  const warning = await agents[0]!.waitForLog("blocked an IP address");
  assert.equal(JSON.parse(warning).ip, attacker, "a structured warning is logged");
});

test("operators' notes, keys and prompts never reach the agents' logs", () => {
  for (const agent of agents) {
    const log = agent.log();
    assert.ok(log.includes("suspension applied"));
    for (const note of secretNotes) assert.ok(!log.includes(note), "no operator note in the log");
    assert.ok(!log.includes("sk-entrim-"), "no API key in the log");
    assert.ok(!log.includes("Go on for a while"), "no prompt in the log");
  }
});
