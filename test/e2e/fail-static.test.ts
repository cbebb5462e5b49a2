import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type EmbeddedServer, startEmbeddedPostgres } from "@entrim/cluster-agent/dist/store/embedded.js";
import { makeTempDataDir } from "@entrim/cluster-agent/test-support/postgres.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The store is allowed to go away; the node is not allowed to stop serving, nor to wave unknown keys
 * through. A real PostgreSQL is stopped under load and started again.
 */

let pgDir: string;
let server: EmbeddedServer;
let dataDir: string;
let agent: AgentProcess;
let url: string;
const MODEL = "tiny";

async function startServer() {
  server = await startEmbeddedPostgres({ dir: join(pgDir, "postgres"), fast: true });
  url = server.url;
}

before(async () => {
  pgDir = await makeTempDataDir();
  await startServer();
  dataDir = tempDir("failstatic");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  agent = await startAgent(dataDir, [
    "--database-url",
    url,
    "--model",
    `${MODEL}=${modelPath}`,
    "--threads",
    "1",
  ]);
});

after(async () => {
  await agent?.stop();
  await server?.stop();
  removeDir(dataDir);
  removeDir(pgDir);
});

function storeCli<T>(...args: string[]): T {
  return cli<T>(dataDir, "--database-url", url, ...args);
}

async function ask(token: string): Promise<number> {
  const response = await fetch(`${agent.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 2 }),
  });
  await response.arrayBuffer();
  return response.status;
}

test("with PostgreSQL stopped, known keys keep working and unknown keys are refused; once it is back, new keys and suspensions take effect", async () => {
  const account = storeCli<{ id: string }>(
    "accounts",
    "create",
    "--name",
    "Static",
    "--email",
    "static@example.com",
  );
  const known = storeCli<{ token: string }>("keys", "create", "--account", account.id).token;
  const revoked = storeCli<{ id: string; token: string }>("keys", "create", "--account", account.id);
  storeCli("keys", "revoke", revoked.id);
  assert.equal(await ask(known), 200);

  // Load while the store disappears: every request of the known key must still succeed.
  let stopping = true;
  const load = (async () => {
    const statuses: number[] = [];
    while (stopping) statuses.push(...(await Promise.all([ask(known), ask(known), ask(known)])));
    return statuses;
  })();
  await server.stop();
  const whileDown = await Promise.all(Array.from({ length: 20 }, () => ask(known)));
  stopping = false;
  const duringStop = await load;
  assert.ok(duringStop.every((s) => s === 200) && whileDown.every((s) => s === 200), "known keys are served");

  // An id the agent has never seen cannot be checked: refused, never waved through.
  const unknown = `sk-entrim-${"a".repeat(12)}-${"B".repeat(43)}`;
  assert.equal(await ask(unknown), 401);
  assert.equal(await ask(revoked.token), 401, "a key revoked before the outage stays revoked");
  const ready = await fetch(`${agent.url}/readyz`);
  assert.equal(ready.status, 200, "the node stays in the load balancer while the store is away");

  await startServer();
  // A key made after the store returns reaches the running agent (by NOTIFY or by lookup on first use).
  const fresh = storeCli<{ token: string }>("keys", "create", "--account", account.id).token;
  // (until() fails with the message when the key never works.)
  await until("a key created after the store came back works", async () => (await ask(fresh)) === 200, {
    timeoutMs: 15_000,
    intervalMs: 0,
  });

  // The agent's change feeds reconnected: a suspension made now is enforced on the running agent.
  storeCli("suspend", "--account", account.id, "--reason", "non_payment");
  await until(
    "a suspension made after the store returned is enforced",
    async () => (await ask(known)) === 403,
    { timeoutMs: 15_000, intervalMs: 0 },
  );
  assert.ok(agent.process.exitCode === null, "the agent never exited");
});
