import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { findTextAnywhere } from "@entrim/cluster-agent/test-support/data-protection.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import OpenAI from "openai";
import pg from "pg";
import { type TestCluster, testCluster } from "./cluster.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/** Access, restriction and erasure through the real CLI against a running agent and its store. */
const MODEL = "up";
let cluster: TestCluster;
let upstream: Upstream;
let agent: AgentProcess;
let db: pg.Client;
const dir = tempDir("gdpr");

before(async () => {
  cluster = await testCluster();
  upstream = await startUpstream();
  agent = await startAgent(dir, ["--model", `${MODEL}=${upstream.url}`, "--node-name", "gdpr-0"]);
  db = new pg.Client({ connectionString: cluster.store.url });
  await db.connect();
});

after(async () => {
  await db?.end();
  await agent?.stop();
  await upstream?.close();
  await cluster?.stop();
  removeDir(dir);
});

async function status(token: string): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(`${agent.baseURL}/models`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

/** Waits until the account has exactly `count` usage rows (the shipper delivers within seconds). */
async function rowsFor(accountId: string, count: number): Promise<void> {
  await until(
    `the account has ${count} usage rows`,
    async () => {
      const result = await db.query("SELECT count(*)::int AS n FROM usage_events WHERE account_id = $1", [
        accountId,
      ]);
      const n = (result.rows[0] as { n: number }).n;
      if (n > count) assert.fail(`${n} usage rows for the account, wanted ${count}`);
      return n === count;
    },
    { timeoutMs: 15_000 },
  );
}

/** Polls the running agent until the answer changes; the deadline is the promise made to customers. */
const statusWithin = (token: string, wanted: number[], timeoutMs: number) =>
  until(
    `the status is ${wanted.join(" or ")}`,
    async () => {
      const answer = await status(token);
      return wanted.includes(answer.status) && answer;
    },
    { timeoutMs, intervalMs: 0 },
  );

test("export, restrict and erase an account end to end", async () => {
  const name = "Petra Privacy";
  const email = "petraprivacy@example.com";
  const customer = createAccountWithKey(dir, name);
  const client = new OpenAI({ baseURL: agent.baseURL, apiKey: customer.token, maxRetries: 0 });
  for (let i = 0; i < 3; i++) {
    const answer = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "hello there" }],
      max_tokens: 4,
    });
    assert.ok(answer.choices[0]);
  }
  // The agent's own meter bills them: wait for its shipper to deliver the three rows.
  await rowsFor(customer.accountId, 3);

  const exported = cli<{ account: { email: string }; keys: { id: string }[]; usageEvents: unknown[] }>(
    dir,
    "accounts",
    "export",
    customer.accountId,
  );
  assert.equal(exported.account.email, email);
  assert.deepEqual(
    exported.keys.map((k) => k.id),
    [customer.keyId],
  );
  assert.equal(exported.usageEvents.length, 3);

  cli(dir, "accounts", "restrict", customer.accountId, "--reason", "art. 18 request 5");
  assert.equal((await statusWithin(customer.token, [403], 1_000)).code, "account_inactive");
  cli(dir, "accounts", "unrestrict", customer.accountId);
  await statusWithin(customer.token, [200], 1_000);

  // Status probes (GET /v1/models) are not billed: still exactly the three generations.
  await rowsFor(customer.accountId, 3);
  cli(dir, "accounts", "erase", customer.accountId, "--reason", "art. 17 request 6", "--yes");
  // Revoked key (401) or closed account (403): both notifications arrive together.
  await statusWithin(customer.token, [401, 403], 1_000);
  const after = cli<{ account: Record<string, unknown>; usageEvents: Record<string, unknown>[] }>(
    dir,
    "accounts",
    "export",
    customer.accountId,
  );
  // Refused attempts after the erasure are new security events with their own address; the old
  // request metadata is what must be gone.
  const text = JSON.stringify(after);
  for (const gone of [name, email]) assert.ok(!text.includes(gone), gone);
  const usage = JSON.stringify(after.usageEvents);
  for (const gone of ["127.0.0.1", "OpenAI/JS"]) assert.ok(!usage.includes(gone), gone);
  assert.equal(after.usageEvents.length, 3, "usage amounts stay");
  assert.deepEqual(await findTextAnywhere(db, [name, email]), []);
});
