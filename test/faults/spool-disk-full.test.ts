import assert from "node:assert/strict";
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type pg from "pg";
import { type AgentProcess, createAccountWithKey, removeDir, tempDir } from "../e2e/support.js";
import { reasons, report, SdkLoad } from "./harness.js";
import { agentStore, nodeView, usageOf } from "./raw-http.js";
import { startTinyAgent, TINY_MODEL } from "./scenario.js";
import { mountTmpfs, type Tmpfs } from "./tmpfs.js";

/**
 * Disk full for the spool: the agent's spool directory lives on a small tmpfs that the test fills with
 * a file until the kernel answers ENOSPC. Requests the node cannot bill are refused (503 spool_full,
 * Retry-After) instead of being served, every response a client saw complete has its usage row, no
 * request is billed that the client saw fail, the node says why it is degraded, and it serves again by
 * itself once space is freed.
 */

const MODEL = TINY_MODEL;
const TMPFS_BYTES = 4 * 1024 * 1024;

let dataDir: string;
let spoolDir: string;
let tmpfs: Tmpfs | undefined;
let agent: AgentProcess | undefined;
let db: pg.Client | undefined;

before(() => {
  dataDir = tempDir("fault-spool");
  spoolDir = join(dataDir, "spool-tmpfs");
  mkdirSync(spoolDir);
  tmpfs = mountTmpfs(spoolDir, TMPFS_BYTES);
});

after(async () => {
  await db?.end();
  await agent?.stop();
  if (tmpfs?.mounted) tmpfs.unmount();
  removeDir(dataDir);
});

/** Writes a file until the disk refuses; returns the bytes it holds. */
function fill(path: string): number {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(16 * 1024, 1);
  let bytes = 0;
  try {
    for (;;) {
      try {
        bytes += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOSPC") return bytes;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

test("spool-disk-full: new requests get 503 spool_full, nothing is lost or billed twice, the node recovers", {
  timeout: 120_000,
}, async (t) => {
  if (!tmpfs?.mounted) {
    t.skip(`needs a tmpfs for the spool, and mount was refused: ${tmpfs?.refusal}`);
    return;
  }
  agent = await startTinyAgent(dataDir, {
    telemetry: { sampleIntervalMs: 250 },
    metering: {
      spoolDir,
      fsyncIntervalMs: 10,
      shipIntervalMs: 100,
      backoffInitialMs: 100,
      backoffMaxMs: 500,
    },
  });
  const customer = createAccountWithKey(dataDir, "Spool disk full");
  db = await agentStore(dataDir);
  const common = { baseURL: agent.baseURL, apiKey: customer.token, model: MODEL, workers: 2, maxTokens: 8 };
  const plain = new SdkLoad(common).start();
  const streams = new SdkLoad({ ...common, stream: true }).start();
  const all = () => [...plain.outcomes, ...streams.outcomes];
  await Promise.all([plain.more(10), streams.more(10)]);

  // The disk fills up under the load.
  const filler = join(spoolDir, "filler");
  const filled = fill(filler);
  await until("a request refused with 503 spool_full", () =>
    all().some((o) => o.reason === "503 spool_full"),
  );
  // The node's state comes from telemetry samples, so it shows within a sample interval.
  let degraded = await nodeView(agent);
  await until("the node reporting itself degraded", async () => {
    degraded = await nodeView(agent!);
    return degraded.state === "degraded";
  });
  await agent.waitForLog("usage spool cannot write");
  const refusedWhileFull = all().filter((o) => o.reason === "503 spool_full").length;

  // Space comes back: the node finds out by itself and serves again.
  rmSync(filler);
  const completedBefore = plain.completed.length + streams.completed.length;
  await until(
    "requests completing again after space was freed",
    () => plain.completed.length + streams.completed.length >= completedBefore + 10,
  );
  let recovered = await nodeView(agent);
  await until("the node reporting itself serving again", async () => {
    recovered = await nodeView(agent!);
    return recovered.state === "serving";
  });
  await Promise.all([plain.stop(), streams.stop()]);

  const outcomes = all();
  const completed = outcomes.filter((o) => o.ok);
  const failed = outcomes.filter((o) => !o.ok);
  const completedIds = new Set(completed.map((o) => o.requestId!));
  // Every response a client saw complete reaches the store (the shipper catches up after the outage).
  await until(
    "a usage row for every completed request",
    async () => {
      const rows = await usageOf(db!, customer.accountId);
      return [...completedIds].every((id) => rows.some((r) => r.requestId === id));
    },
    { timeoutMs: 60_000 },
  );
  const rows = await usageOf(db, customer.accountId);
  const billed = rows.filter((r) => r.status === "completed");
  // In flight when the disk filled: answered with an error (usage_unrecorded) and not billed.
  const unexpectedReasons = failed.filter((o) => !/ (spool_full|usage_unrecorded)$/.test(o.reason ?? ""));

  const verdict =
    refusedWhileFull > 0 &&
    billed.length === completedIds.size &&
    billed.every((r) => completedIds.has(r.requestId)) &&
    unexpectedReasons.length === 0 &&
    degraded.state === "degraded" &&
    degraded.ready === 503 &&
    recovered.state === "serving" &&
    recovered.ready === 200;
  report({
    scenario: "spool-disk-full",
    sent: outcomes.length,
    completed: completed.length,
    failed: failed.length,
    why: reasons(outcomes),
    usageRows: rows.length,
    verdict: verdict ? "pass" : "FAIL",
    detail: `tmpfs ${TMPFS_BYTES / 1024} KiB filled with ${Math.round(filled / 1024)} KiB; while full: readyz ${degraded.ready} ${degraded.reason ?? ""}, node ${degraded.state}; after freeing: readyz ${recovered.ready}, node ${recovered.state}`,
  });

  assert.ok(refusedWhileFull > 0, "requests are refused while the spool's disk is full");
  assert.deepEqual(unexpectedReasons, [], "the only failures are the spool's 503s");
  assert.equal(degraded.state, "degraded");
  assert.equal(degraded.ready, 503);
  assert.equal(degraded.reason, "spool_full");
  assert.equal(recovered.state, "serving");
  assert.equal(recovered.ready, 200);
  // Nothing lost: each completed response has its row; nothing billed for a response a client saw fail.
  assert.equal(billed.length, completedIds.size);
  for (const row of billed)
    assert.ok(completedIds.has(row.requestId), `${row.requestId} billed, not completed`);
});
