import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import type pg from "pg";
import { type AgentProcess, createAccountWithKey, removeDir, startAgent, tempDir } from "../e2e/support.js";
import { reasons, report, SdkLoad } from "./harness.js";
import { agentStore, MiB, type RawConnection, rawConnect, rssBytes, usageOf } from "./raw-http.js";

/**
 * Clients that open streams with a huge max_tokens and never read them. The engine (an external one at
 * about 10,000 tokens a second, so that its output would take minutes) soon outruns what the kernel
 * buffers for a client that reads nothing; the agent must not keep the rest in memory or hold the slot:
 * after api.writeTimeoutMs without progress the generation is cancelled, the request ends, the slot goes
 * to the SDK customers waiting for it, and the abandoned stream is billed once, for the tokens generated.
 */

const MODEL = "engine";
const SLOTS = 2;
const NEVER_READING = 2 * SLOTS;
const MAX_TOKENS = 1_000_000;

let dataDir: string;
let upstream: Upstream;
let agent: AgentProcess;
let db: pg.Client;

before(async () => {
  dataDir = tempDir("fault-never-reading");
  upstream = await startUpstream({ tokens: MAX_TOKENS, tokenDelayMs: 1, piecesPerTick: 10 });
  agent = await startAgent(dataDir, [], {
    api: { writeTimeoutMs: 1000 },
    scheduler: { queueTimeoutMs: 60_000 },
    models: [{ id: MODEL, runtime: "external", url: upstream.url, slots: SLOTS }],
  });
  db = await agentStore(dataDir);
});

after(async () => {
  await db?.end();
  await agent?.stop();
  await upstream?.close();
  removeDir(dataDir);
});

/** Sends a streaming request and stops reading once the response's headers are in. */
async function neverRead(token: string): Promise<RawConnection> {
  const conn = await rawConnect(agent, "127.0.0.1", true);
  const body = JSON.stringify({
    model: MODEL,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: MAX_TOKENS,
    messages: [{ role: "user", content: "Tell me everything." }],
  });
  conn.socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return conn;
}

const requestIdOf = (conn: RawConnection) => /\r\nx-request-id: (\S+)\r\n/i.exec(conn.received())?.[1];

test("never-reading-client: stalled streams are cut and billed once, slots freed, memory bounded", {
  timeout: 120_000,
}, async () => {
  const customer = createAccountWithKey(dataDir, "Reading customer");
  const stalling = createAccountWithKey(dataDir, "Never reading");
  const common = { baseURL: agent.baseURL, apiKey: customer.token, model: MODEL, maxTokens: 8 };
  const plain = new SdkLoad({ ...common, workers: 2 }).start();
  const streams = new SdkLoad({ ...common, workers: 1, stream: true }).start();
  await Promise.all([plain.more(10), streams.more(5)]);
  const rssBefore = rssBytes(agent.process.pid!);

  // Twice as many as there are slots: the second half waits for the first to be cut off.
  const stalled = await Promise.all(Array.from({ length: NEVER_READING }, () => neverRead(stalling.token)));
  await until(
    "a usage row for every abandoned stream",
    async () => (await usageOf(db, stalling.accountId)).length === NEVER_READING,
    { timeoutMs: 90_000 },
  );
  const rssPeak = rssBytes(agent.process.pid!);
  const completedBefore = plain.completed.length + streams.completed.length;
  await until(
    "SDK requests completing after the stalled streams were cut",
    () => plain.completed.length + streams.completed.length >= completedBefore + 5,
  );
  const [plainOutcomes, streamOutcomes] = await Promise.all([plain.stop(), streams.stop()]);
  const outcomes = [...plainOutcomes, ...streamOutcomes];
  const rssAfter = rssBytes(agent.process.pid!);

  // What the abandoned clients find once they read again: a stream that was cut, never finished.
  for (const conn of stalled) conn.socket.resume();
  await Promise.all(stalled.map((c) => c.closed));
  const finished = stalled.filter((c) => c.received().includes("data: [DONE]")).length;

  const rows = await usageOf(db, stalling.accountId);
  const ids = stalled.map(requestIdOf);
  const completed = outcomes.filter((o) => o.ok);
  const completedIds = new Set(completed.map((o) => o.requestId));
  await until(
    "usage rows of the SDK requests",
    async () =>
      (await usageOf(db, customer.accountId)).filter((r) => completedIds.has(r.requestId)).length ===
      completedIds.size,
  );
  const customerRows = await usageOf(db, customer.accountId);
  const cutLines = agent
    .log()
    .split("\n")
    .filter((l) => l.includes("its client stopped reading")).length;
  const tokens = rows.map((r) => r.completionTokens);
  const growth = rssAfter - rssBefore;

  const verdict =
    outcomes.every((o) => o.ok) &&
    rows.length === NEVER_READING &&
    rows.every((r) => r.status === "cut" && r.completionTokens > 0 && r.completionTokens < MAX_TOKENS) &&
    finished === 0 &&
    growth < 200 * MiB;
  report({
    scenario: "never-reading-client",
    sent: outcomes.length,
    completed: completed.length,
    failed: outcomes.length - completed.length,
    why: reasons(outcomes),
    usageRows: customerRows.length + rows.length,
    verdict: verdict ? "pass" : "FAIL",
    detail: `${NEVER_READING} never-reading streams cut (${cutLines} logged), billed ${Math.min(...tokens)}–${Math.max(...tokens)} tokens each as "cut"; agent RSS ${(rssBefore / MiB).toFixed(0)} → peak ${(rssPeak / MiB).toFixed(0)} → ${(rssAfter / MiB).toFixed(0)} MiB`,
  });

  assert.deepEqual(reasons(outcomes), {}, "no SDK request failed");
  assert.equal(customerRows.length, completedIds.size, "one usage row per SDK request");
  assert.equal(rows.length, NEVER_READING, "each abandoned stream is billed exactly once");
  assert.deepEqual(rows.map((r) => r.requestId).sort(), [...ids].sort(), "the rows are those of the streams");
  for (const row of rows) {
    assert.equal(row.status, "cut");
    assert.ok(
      row.completionTokens > 0 && row.completionTokens < MAX_TOKENS,
      `${row.completionTokens} tokens`,
    );
  }
  assert.equal(finished, 0, "no abandoned stream ran to its end");
  assert.equal(cutLines, NEVER_READING, "the log says why each stream was cut");
  assert.ok(growth < 200 * MiB, `agent RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
});
