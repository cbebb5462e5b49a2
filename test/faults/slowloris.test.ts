import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type pg from "pg";
import { type AgentProcess, createAccountWithKey } from "../e2e/support.js";
import { reasons, report, SdkLoad } from "./harness.js";
import { MiB, type RawConnection, rawConnect, rssBytes, usageOf } from "./raw-http.js";
import { TINY_MODEL, type TinyNode, tinyNode } from "./scenario.js";

/**
 * Slowloris: hundreds of connections that send their headers, or their body, a byte at a time, or
 * nothing at all. The agent cuts each off once api.requestTimeoutMs has passed without a whole
 * request, its memory stays put, and the SDK customers beside them notice nothing.
 */

const MODEL = TINY_MODEL;
const SLOW = 300;
const REQUEST_TIMEOUT_MS = 2000;
const TRICKLE_MS = 200;

let node: TinyNode;
let dataDir: string;
let agent: AgentProcess;
let db: pg.Client;

before(async () => {
  node = await tinyNode("fault-slowloris", {
    api: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
  });
  ({ dataDir, agent, db } = node);
});

after(async () => {
  await node?.stop();
});

type Kind = "headers" | "body" | "silent";

interface Slow {
  kind: Kind;
  conn: RawConnection;
  /** What is left to trickle, a byte per tick. */
  rest: string;
  done: boolean;
}

test("slowloris: slow senders are cut off, memory stays bounded, SDK customers are served throughout", {
  timeout: 120_000,
}, async () => {
  const customer = createAccountWithKey(dataDir, "Slowloris customer");
  const attacker = createAccountWithKey(dataDir, "Slowloris attacker");
  const load = new SdkLoad({
    baseURL: agent.baseURL,
    apiKey: customer.token,
    model: MODEL,
    workers: 3,
    maxTokens: 8,
  }).start();
  await load.more(10);
  const rssBefore = rssBytes(agent.process.pid!);

  const body = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi".repeat(500) }] });
  const opening = {
    headers: "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n",
    body: `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${attacker.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    silent: "",
  };
  const kinds: Kind[] = ["headers", "body", "silent"];
  const slow: Slow[] = await Promise.all(
    Array.from({ length: SLOW }, async (_, i) => {
      const kind = kinds[i % kinds.length]!;
      const conn = await rawConnect(agent);
      if (opening[kind]) conn.socket.write(opening[kind]);
      // Headers that never end (one more header line a byte at a time), or the body a byte at a time.
      const rest = kind === "headers" ? `X-Pad: ${"a".repeat(4000)}` : kind === "body" ? body : "";
      const entry: Slow = { kind, conn, rest, done: false };
      void conn.closed.then(() => {
        entry.done = true;
      });
      return entry;
    }),
  );
  const started = Date.now();
  const trickle = setInterval(() => {
    for (const s of slow) {
      if (s.done || s.rest.length === 0) continue;
      s.conn.socket.write(s.rest[0]!);
      s.rest = s.rest.slice(1);
    }
  }, TRICKLE_MS);
  try {
    await until("every slow connection to be closed", () => slow.every((s) => s.done), { timeoutMs: 60_000 });
  } finally {
    clearInterval(trickle);
  }
  const cutAfterMs = Date.now() - started;
  const closedByServer = (await Promise.all(slow.map((s) => s.conn.closed))).filter((c) => c.byServer).length;
  const answered408 = slow.filter((s) => s.conn.received().startsWith("HTTP/1.1 408")).length;
  await load.more(5);
  const outcomes = await load.stop();
  const rssAfter = rssBytes(agent.process.pid!);
  const growth = rssAfter - rssBefore;

  const ids = new Set(load.completed.map((o) => o.requestId));
  await until(
    "usage rows of the SDK requests",
    async () =>
      (await usageOf(db, customer.accountId)).filter((r) => ids.has(r.requestId)).length === ids.size,
  );
  const rows = await usageOf(db, customer.accountId);
  const attackerBilled = (await usageOf(db, attacker.accountId)).filter((r) => r.completionTokens > 0);

  const verdict =
    load.failed.length === 0 && closedByServer === SLOW && growth < 100 * MiB && attackerBilled.length === 0;
  report({
    scenario: "slowloris",
    sent: outcomes.length,
    completed: load.completed.length,
    failed: load.failed.length,
    why: reasons(outcomes),
    usageRows: rows.length,
    verdict: verdict ? "pass" : "FAIL",
    detail: `slow connections closed by the server ${closedByServer}/${SLOW} (${answered408} with 408) within ${(cutAfterMs / 1000).toFixed(1)} s; agent RSS ${(rssBefore / MiB).toFixed(0)} → ${(rssAfter / MiB).toFixed(0)} MiB`,
  });

  assert.deepEqual(reasons(outcomes), {}, "no SDK request failed");
  assert.equal(closedByServer, SLOW, "the server closed every slow connection");
  assert.ok(growth < 100 * MiB, `agent RSS grew by ${(growth / MiB).toFixed(0)} MiB`);
  assert.equal(rows.length, ids.size, "one usage row per SDK request");
  assert.deepEqual(
    attackerBilled,
    [],
    "nothing generated (or billed) for a request that never arrived whole",
  );
});
