import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createAccount } from "@entrim/cluster-agent/dist/store/accounts.js";
import { createApiKey } from "@entrim/cluster-agent/dist/store/api-keys.js";
import { openStore, type Store } from "@entrim/cluster-agent/dist/store/store.js";
import { setEnv } from "@entrim/cluster-agent/test-support/env.js";
import { startTestPostgres, type TestPostgres } from "@entrim/cluster-agent/test-support/postgres.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import { type AgentProcess, BIN, removeDir, secretOf, startAgent, tempDir } from "./support.js";

/**
 * Rate limits end to end: real agents on one real PostgreSQL, limits set with the real CLI, and the
 * stand-in upstream, whose token counts are deterministic. The bounds asserted here are the ones
 * docs/rate-limits.md promises.
 */

let database: TestPostgres;
let restoreEnv: (() => void) | undefined;
let store: Store;
let fast: Upstream;
let slow: Upstream;
const pepper = randomBytes(32);
const dirs: string[] = [];
const agents: AgentProcess[] = [];

async function customer(
  name: string,
  keys = 1,
): Promise<{ accountId: string; tokens: string[]; keyIds: string[] }> {
  const tag = randomBytes(3).toString("hex");
  const account = await createAccount(store.pool, { name, email: `${tag}@${name.toLowerCase()}.example` });
  const created = [];
  for (let i = 0; i < keys; i++)
    created.push(await createApiKey(store.pool, { accountId: account.id, createdBy: "e2e", pepper }));
  return { accountId: account.id, tokens: created.map((c) => c.token), keyIds: created.map((c) => c.key.id) };
}

/** `entrim-agent limits ...` against the shared store, as an operator runs it. */
function limits(...args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "--json", "--database-url", database.url, "limits", ...args]);
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`limits ${args.join(" ")}: ${err}`)),
    );
  });
}

async function serve(name: string): Promise<AgentProcess> {
  const dir = tempDir(`limits-${name}`);
  dirs.push(dir);
  const agent = await startAgent(dir, [
    "--database-url",
    database.url,
    "--node-name",
    name,
    "--model",
    `fast=${fast.url}`,
    "--model",
    `slow=${slow.url}`,
  ]);
  agents.push(agent);
  return agent;
}

interface Answer {
  status: number;
  headers: Headers;
  body: { usage?: { total_tokens: number }; error?: { type: string; code: string; message: string } };
}

async function chat(agent: AgentProcess, token: string, maxTokens = 10, model = "fast"): Promise<Answer> {
  const response = await fetch(`${agent.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: maxTokens }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Answer["body"],
  };
}

function assertRateLimited(answer: Answer, type: "requests" | "tokens"): void {
  assert.equal(answer.status, 429);
  assert.equal(answer.body.error?.type, type);
  assert.equal(answer.body.error?.code, "rate_limit_exceeded");
  const retryAfter = Number(answer.headers.get("retry-after"));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 61, `Retry-After ${retryAfter}`);
}

before(async () => {
  database = await startTestPostgres();
  // Migrated here, so accounts and keys exist before any agent starts.
  dirs.push(tempDir("limits-store"));
  store = await openStore({ databaseUrl: database.url, dataDir: dirs[0]! });
  // Agents of one cluster share the pepper keys are hashed with.
  restoreEnv = setEnv({ ENTRIM_KEY_PEPPER: pepper.toString("base64") });
  fast = await startUpstream({ tokens: 16 });
  slow = await startUpstream({ tokens: 400, tokenDelayMs: 25 }); // a 10-s stream
});

after(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  for (const dir of dirs) removeDir(dir);
  await fast?.close();
  await slow?.close();
  await store?.close();
  await database?.stop();
  restoreEnv?.();
});

describe("one agent", () => {
  let agent: AgentProcess;
  let perMinute: Awaited<ReturnType<typeof customer>>;
  let tokens: Awaited<ReturnType<typeof customer>>;
  let parallel: Awaited<ReturnType<typeof customer>>;
  let shared: Awaited<ReturnType<typeof customer>>;

  before(async () => {
    [perMinute, tokens, parallel, shared] = await Promise.all([
      customer("Rpm"),
      customer("Tpm"),
      customer("Concurrent"),
      customer("Shared", 2),
    ]);
    await Promise.all([
      limits("set", "--account", perMinute.accountId, "--rpm", "5"),
      limits("set", "--account", tokens.accountId, "--tpm", "500"),
      limits("set", "--account", parallel.accountId, "--concurrency", "2"),
      limits("set", "--account", shared.accountId, "--rpm", "10").then(() =>
        limits("set", "--account", shared.accountId, "--key", shared.keyIds[0]!, "--rpm", "2"),
      ),
    ]);
    agent = await serve("node-a");
  });

  test("requests per minute: headers count down on 200s, the next request gets a 429 with Retry-After", async () => {
    const seen = [];
    for (let i = 0; i < 5; i++) {
      const answer = await chat(agent, perMinute.tokens[0]!);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get("x-ratelimit-limit-requests"), "5");
      assert.match(
        answer.headers.get("x-ratelimit-reset-requests") ?? "",
        /^(\d+ms|\d+(\.\d+)?s|\d+m\d+(\.\d+)?s)$/,
      );
      seen.push(answer.headers.get("x-ratelimit-remaining-requests"));
    }
    assert.deepEqual(seen, ["4", "3", "2", "1", "0"]);
    const refused = await chat(agent, perMinute.tokens[0]!);
    assertRateLimited(refused, "requests");
    assert.equal(refused.headers.get("x-ratelimit-limit-requests"), "5");
    assert.equal(refused.headers.get("x-ratelimit-remaining-requests"), "0");
  });

  test("tokens per minute: 50 concurrent requests never use more than the limit", async () => {
    const LIMIT = 500;
    // Each reserves its prompt estimate plus max_tokens; the upstream then reports fewer tokens, and the
    // difference is given back, so more than LIMIT / reservation may pass, but never more than LIMIT.
    const answers = await Promise.all(Array.from({ length: 50 }, () => chat(agent, tokens.tokens[0]!)));
    const admitted = answers.filter((a) => a.status === 200);
    const used = admitted.reduce((sum, a) => sum + (a.body.usage?.total_tokens ?? Number.NaN), 0);
    assert.ok(used <= LIMIT, `admitted requests used ${used} tokens, over the limit of ${LIMIT}`);
    const reservation = 26 + 10; // the adapter's prompt estimate for "hi" + max_tokens
    assert.ok(admitted.length >= Math.floor(LIMIT / reservation), `only ${admitted.length} admitted`);
    assert.ok(admitted.length < 50, "the limit refused some");
    for (const answer of answers) {
      if (answer.status === 200) {
        assert.equal(answer.headers.get("x-ratelimit-limit-tokens"), String(LIMIT));
        assert.ok(Number(answer.headers.get("x-ratelimit-remaining-tokens")) >= 0);
      } else assertRateLimited(answer, "tokens");
    }
  });

  test("concurrent requests: a third is refused while two run, and admitted once they end", async () => {
    const token = parallel.tokens[0]!;
    const running = await Promise.all(
      [0, 1].map(async () => {
        const controller = new AbortController();
        const response = await fetch(`${agent.baseURL}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({
            model: "slow",
            messages: [{ role: "user", content: "x" }],
            max_tokens: 400,
            stream: true,
          }),
          signal: controller.signal,
        });
        assert.equal(response.status, 200);
        const reader = response.body!.getReader();
        await reader.read(); // the stream has begun: the request holds its place
        return { controller, reader };
      }),
    );
    const refused = await chat(agent, token);
    assertRateLimited(refused, "requests");
    assert.match(refused.body.error?.message ?? "", /concurrent requests/);
    for (const { controller } of running) controller.abort();
    await until("a place frees up", async () => (await chat(agent, token)).status === 200, {
      timeoutMs: 5_000,
    });
  });

  test("a key's override is tighter than its account's default; the account's total still counts", async () => {
    const [tight, other] = shared.tokens as [string, string];
    for (let i = 0; i < 2; i++) assert.equal((await chat(agent, tight)).status, 200);
    const refused = await chat(agent, tight);
    assertRateLimited(refused, "requests");
    assert.match(refused.body.error?.message ?? "", /on this API key/);
    const answer = await chat(agent, other);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-ratelimit-limit-requests"), "10");
    assert.equal(answer.headers.get("x-ratelimit-remaining-requests"), "7", "3 of the account's 10 are used");
  });

  test("no key or prompt reaches the log", () => {
    for (const token of [perMinute, tokens, parallel, shared].flatMap((c) => c.tokens)) {
      assert.ok(!agent.log().includes(secretOf(token)));
    }
  });
});

describe("three agents on one store", () => {
  test("each enforces its share, so the cluster admits no more than the limit", async () => {
    const probe = await customer("Probe");
    const rpm = await customer("ClusterRpm");
    const tpm = await customer("ClusterTpm");
    await Promise.all([
      limits("set", "--account", probe.accountId, "--rpm", "3000"),
      limits("set", "--account", rpm.accountId, "--rpm", "10"),
      limits("set", "--account", tpm.accountId, "--tpm", "600"),
    ]);
    const first = agents[0] ?? (await serve("node-a"));
    const cluster = [first, ...(await Promise.all([serve("node-b"), serve("node-c")]))];
    // Every agent sees three serving nodes once its share of the probe's 3000 is 1000.
    for (const agent of cluster) {
      await until(
        `${agent.url} counts three nodes`,
        async () =>
          (await chat(agent, probe.tokens[0]!)).headers.get("x-ratelimit-limit-requests") === "1000",
        { timeoutMs: 10_000 },
      );
    }

    const burst = (token: string, each: number) =>
      Promise.all(
        cluster.map((agent) => Promise.all(Array.from({ length: each }, () => chat(agent, token)))),
      );
    const byAgent = (await burst(rpm.tokens[0]!, 8)).map(
      (answers) => answers.filter((a) => a.status === 200).length,
    );
    // 10 split in name order: node-a 4, node-b 3, node-c 3.
    assert.deepEqual(byAgent, [4, 3, 3]);

    const tokenAnswers = (await burst(tpm.tokens[0]!, 17)).flat();
    const used = tokenAnswers
      .filter((a) => a.status === 200)
      .reduce((s, a) => s + a.body.usage!.total_tokens, 0);
    assert.ok(used <= 600, `the cluster admitted ${used} tokens, over its limit of 600`);
    assert.ok(tokenAnswers.some((a) => a.status === 429));
  });
});
