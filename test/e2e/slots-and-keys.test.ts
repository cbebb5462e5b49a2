import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import OpenAI from "openai";
import {
  type AgentProcess,
  cli,
  createAccountWithKey,
  removeDir,
  secretOf,
  startAgent,
  tempDir,
} from "./support.js";

/** One slot and a one-place queue make leaks and overload visible to a client. */
let dataDir: string;
let agent: AgentProcess;
let token: string;
let keyId: string;
const MODEL = "tiny";

before(async () => {
  dataDir = tempDir("slots");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  agent = await startAgent(
    dataDir,
    ["--model", `${MODEL}=${modelPath}`, "--parallel", "1", "--threads", "1", "--log-level", "debug"],
    {
      scheduler: { queueLimit: 1, queueTimeoutMs: 60_000 },
    },
  );
  ({ token, keyId } = createAccountWithKey(dataDir));
});

after(async () => {
  await agent?.stop();
  removeDir(dataDir);
});

function longStream(signal?: AbortSignal) {
  return new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 }).chat.completions.create(
    {
      model: MODEL,
      messages: [{ role: "user", content: "Tell me everything." }],
      max_tokens: 1500,
      stream: true,
    },
    { signal },
  );
}

test("aborting a stream mid-way frees its slot for the next request", async () => {
  // Three times in a row: with one slot, a leaked slot would leave the next request queued forever.
  for (let round = 0; round < 3; round++) {
    const controller = new AbortController();
    const stream = await longStream(controller.signal);
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    controller.abort();
  }
  const client = new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 });
  const response = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Still there?" }],
    max_tokens: 4,
  });
  assert.ok(response.usage && response.usage.completion_tokens >= 1);
});

test("a full queue answers 503 with Retry-After, and the admitted requests still complete", async () => {
  const running = await longStream(); // holds the only slot from its first chunk on
  const iterator = running[Symbol.asyncIterator]();
  await iterator.next();
  // One slot busy, one place in the queue: of three requests arriving now, one waits, two are refused.
  const attempts = await Promise.all(
    [1, 2, 3].map(async () => {
      const response = await fetch(`${agent.baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "x" }], max_tokens: 2 }),
      });
      return {
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        body: await response.json(),
      };
    }),
  );
  const refused = attempts.filter((a) => a.status === 503);
  assert.deepEqual(attempts.map((a) => a.status).sort(), [200, 503, 503]);
  for (const attempt of refused) {
    assert.match(attempt.retryAfter ?? "", /^\d+$/);
    assert.equal((attempt.body as { error: { code: string } }).error.code, "model_overloaded");
  }
  let chunks = 1;
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) chunks++;
  assert.ok(chunks > 2, "the running stream completed");
});

test("a revoked key is refused within a second, on the running agent, without a restart", async () => {
  const client = new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 });
  await client.models.list();
  cli(dataDir, "keys", "revoke", keyId);
  const revokedAt = Date.now();
  let status = 200;
  while (Date.now() - revokedAt < 1000) {
    const response = await fetch(`${agent.baseURL}/models`, {
      headers: { authorization: `Bearer ${token}` },
    });
    status = response.status;
    await response.arrayBuffer();
    if (status === 401) break;
  }
  assert.equal(status, 401, "the revoked key is refused within 1 s of the revoke command returning");
});

test("a key past its expiry is refused by the running agent, saying it expired", async () => {
  const account = cli<{ id: string }>(
    dataDir,
    "accounts",
    "create",
    "--name",
    "Expiring",
    "--email",
    "expiring@example.com",
  );
  const expiresAt = new Date(Date.now() + 4_000).toISOString();
  const key = cli<{ token: string }>(
    dataDir,
    "keys",
    "create",
    "--account",
    account.id,
    "--expires",
    expiresAt,
  );
  const client = new OpenAI({ baseURL: agent.baseURL, apiKey: key.token, maxRetries: 0 });
  await client.models.list();
  // No event marks the expiry: the agent compares the key's expiry with its own clock.
  const refused = await until("the agent refuses the expired key", async () => {
    const response = await fetch(`${agent.baseURL}/models`, {
      headers: { authorization: `Bearer ${key.token}` },
    });
    const body = (await response.json()) as { error?: { code: string; message: string } };
    return response.status === 401 ? body.error : undefined;
  });
  assert.equal(refused.code, "expired_api_key");
  assert.match(refused.message, /expired/);
  assert.ok(Date.now() >= Date.parse(expiresAt), "not before its expiry");
});

test("keys and prompts never reach the agent's log", () => {
  const log = agent.log();
  assert.ok(log.includes("request completed"), "the debug request log is written, and checked below");
  assert.ok(!log.includes(token), "no API key in the log");
  assert.ok(!log.includes(secretOf(token)), "no key secret in the log");
  assert.ok(!log.includes("Tell me everything"), "no prompt text in the log");
});
