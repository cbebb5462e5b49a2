import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { createAccount } from "@entrim/cluster-agent/dist/store/accounts.js";
import { createApiKey } from "@entrim/cluster-agent/dist/store/api-keys.js";
import { addCredit, PICO_PER_CENT, setBillingMode } from "@entrim/cluster-agent/dist/store/credit.js";
import { openStore, type Store } from "@entrim/cluster-agent/dist/store/store.js";
import { setEnv } from "@entrim/cluster-agent/test-support/env.js";
import { startTestPostgres, type TestPostgres } from "@entrim/cluster-agent/test-support/postgres.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import { type AgentProcess, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Prepaid credit end to end: three real agents on one PostgreSQL. An account switched to prepaid with
 * no credit is refused with 429 insufficient_quota on every agent, and served again on every agent
 * once credit is added (the ledger insert's NOTIFY reaches them all).
 */

let database: TestPostgres;
let restoreEnv: (() => void) | undefined;
let store: Store;
let upstream: Upstream;
const pepper = randomBytes(32);
const dirs: string[] = [];
const agents: AgentProcess[] = [];

async function chat(agent: AgentProcess, token: string) {
  const response = await fetch(`${agent.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "fast", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }),
  });
  const body = (await response.json()) as { error?: { type: string; code: string; message: string } };
  return { status: response.status, body };
}

before(async () => {
  database = await startTestPostgres();
  dirs.push(tempDir("prepaid-store"));
  store = await openStore({ databaseUrl: database.url, dataDir: dirs[0]! });
  restoreEnv = setEnv({ ENTRIM_KEY_PEPPER: pepper.toString("base64") });
  upstream = await startUpstream({ tokens: 4 });
  for (const name of ["pp-a", "pp-b", "pp-c"]) {
    const dir = tempDir(`prepaid-${name}`);
    dirs.push(dir);
    agents.push(
      await startAgent(dir, [
        "--database-url",
        database.url,
        "--node-name",
        name,
        "--model",
        `fast=${upstream.url}`,
      ]),
    );
  }
});

after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  for (const dir of dirs) removeDir(dir);
  await upstream?.close();
  await store?.close();
  await database?.stop();
  restoreEnv?.();
});

test("a prepaid account at zero is refused on three agents and served again after a top-up", async () => {
  const account = await createAccount(store.pool, { name: "Prepaid", email: "prepaid@pp.example" });
  const { token } = await createApiKey(store.pool, { accountId: account.id, createdBy: "e2e", pepper });
  for (const agent of agents) assert.equal((await chat(agent, token)).status, 200);

  await setBillingMode(store.pool, account.id, "prepaid");
  for (const agent of agents) {
    const refused = await until(`${agent.url} refuses the empty prepaid account`, async () => {
      const answer = await chat(agent, token);
      return answer.status === 429 ? answer : undefined;
    });
    assert.equal(refused.body.error?.code, "insufficient_quota");
    assert.equal(refused.body.error?.type, "insufficient_quota");
    assert.match(refused.body.error?.message ?? "", /top up/i);
  }

  await addCredit(store.pool, {
    accountId: account.id,
    kind: "top_up",
    amountPicoEur: 1000n * PICO_PER_CENT,
    by: "e2e",
  });
  for (const agent of agents)
    await until("served again after the top-up", async () =>
      (await chat(agent, token)).status === 200 ? true : undefined,
    );
});
