import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startEmbeddedPostgres } from "@entrim/cluster-agent/dist/store/embedded.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import pg from "pg";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/** Security events as an operator sees them: refused requests in, rows and flags out, no content. */
let dataDir: string;
let agent: AgentProcess;
let token: string;
let accountId: string;
/** The agent's own store, for waiting cheaply and for the canary check; assertions go through the CLI. */
let db: pg.Client;
const MODEL = "tiny";
const CANARY = `canary${randomBytes(8).toString("hex")}`;

before(async () => {
  dataDir = tempDir("security");
  const modelPath = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", modelPath);
  agent = await startAgent(dataDir, ["--model", `${MODEL}=${modelPath}`, "--threads", "1"], {
    api: { bodyLimitBytes: 1024 },
    security: { flushIntervalMs: 100, rules: { authFailures: { threshold: 3, windowSeconds: 600 } } },
  });
  ({ token, accountId } = createAccountWithKey(dataDir, "Security events"));
  const { url } = await startEmbeddedPostgres({ dir: join(dataDir, "postgres") });
  db = new pg.Client({ connectionString: url });
  await db.connect();
});

after(async () => {
  await db?.end();
  await agent?.stop();
  removeDir(dataDir);
});

function post(body: string, authorization = `Bearer ${token}`) {
  return fetch(`${agent.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body,
  });
}

/** Waits until the query returns at least `count` rows; events arrive within a flush interval. */
const untilRows = (what: string, sql: string, params: unknown[], count: number) =>
  until(what, async () => (await db.query(sql, params)).rows.length >= count, {
    timeoutMs: 15_000,
    intervalMs: 0,
  });

interface EventRow {
  kind: string;
  code: string | null;
  ip: string;
  accountId: string | null;
  detail: Record<string, unknown>;
}
const events = (...filters: string[]) => cli<EventRow[]>(dataDir, "security-events", "list", ...filters);

test("bad keys from one address become auth_failure events, queryable by address, and flag it", async () => {
  for (let i = 0; i < 4; i++) {
    const response = await fetch(`${agent.baseURL}/models`, {
      headers: { authorization: `Bearer sk-entrim-${"a".repeat(12)}_${"b".repeat(43)}` },
    });
    assert.equal(response.status, 401);
  }
  await untilRows("four auth failures", "SELECT 1 FROM security_events WHERE kind = 'auth_failure'", [], 4);
  await untilRows("an abuse flag", "SELECT 1 FROM abuse_flags", [], 1);
  const failures = events("--ip", "127.0.0.1", "--kind", "auth_failure");
  assert.equal(failures.length, 4);
  assert.equal(failures[0]?.code, "invalid_api_key");
  assert.equal(failures[0]?.ip, "127.0.0.1");
  assert.deepEqual(events("--ip", "10.0.0.0/8"), []);

  const flags = cli<{ rule: string; subjectType: string; subject: string; count: number }[]>(
    dataDir,
    "abuse",
    "list",
    "--open",
  );
  const flag = flags.find((f) => f.rule === "auth_failures")!;
  assert.equal(`${flag.subjectType}:${flag.subject}`, "ip:127.0.0.1");
  assert.equal(flag.count, 1, "four failures with a threshold of three trip the rule once");
});

test("malformed and oversized requests are recorded against the account, without their content", async () => {
  const malformed = await post(`{"model":"${MODEL}","messages":[{"role":"user","content":"${CANARY}`);
  assert.equal(malformed.status, 400);
  assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, "invalid_json");
  const invalid = await post(
    JSON.stringify({ model: MODEL, messages: [{ role: "user", content: CANARY }], temperature: 5 }),
  );
  assert.equal(invalid.status, 400);
  const oversized = await post(
    JSON.stringify({ model: MODEL, messages: [{ role: "user", content: CANARY.repeat(200) }] }),
  );
  assert.equal(oversized.status, 413);

  await untilRows(
    "three events of the account",
    "SELECT 1 FROM security_events WHERE account_id = $1",
    [accountId],
    3,
  );
  const recorded = events("--account", accountId);
  assert.deepEqual(recorded.map((r) => r.kind).sort(), [
    "malformed_request",
    "malformed_request",
    "oversized_request",
  ]);
  const big = recorded.find((r) => r.kind === "oversized_request")!;
  assert.equal(big.code, "request_too_large");
  assert.deepEqual(big.detail, { status: 413, route: "/v1/chat/completions" });
  assert.deepEqual(recorded.map((r) => r.code).sort(), [
    "invalid_json",
    "invalid_value",
    "request_too_large",
  ]);

  // The canary: nothing the client sent may be in any row, whatever the column.
  const { url } = await startEmbeddedPostgres({ dir: join(dataDir, "postgres") });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const rows = await db.query(
      "SELECT t::text AS row FROM security_events t UNION ALL SELECT f::text FROM abuse_flags f",
    );
    assert.ok(rows.rows.length >= 8);
    for (const { row } of rows.rows)
      assert.ok(!row.includes(CANARY), `a stored row holds request content: ${row}`);
  } finally {
    await db.end();
  }
  assert.ok(!agent.log().includes(CANARY), "the agent's log holds request content");
});
