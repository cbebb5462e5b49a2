import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { auditCheckpointKey } from "./audit-hash.js";
import { appendAudit, listAudit, verifyAudit } from "./audit-log.js";
import { runAuditMaintenance, startAuditMaintenance } from "./audit-maintenance.js";

let test: TestStore;
const key = auditCheckpointKey(randomBytes(32));
const DAY_MS = 86_400_000;

before(async () => {
  test = await openTestStore();
  for (let i = 0; i < 3; i++) {
    await appendAudit(
      test.store.pool,
      "gpu-01",
      {
        operator: "alice",
        role: "admin",
        source: "cli",
        action: "account.create",
        target: `account:acct_${i}`,
        reason: "",
        result: "ok",
      },
      key,
    );
  }
});
after(async () => {
  await test.close();
});

describe("audit retention", () => {
  it("keeps entries younger than retentionDays and prunes the rest behind a checkpoint", async () => {
    const client = await test.store.pool.connect();
    try {
      const retention = { retentionDays: 90, key, node: "gpu-01" };
      assert.deepEqual(await runAuditMaintenance(client, retention, new Date()), {
        pruned: 0,
        prunedThrough: null,
      });
      // Run as if 91 days had passed: everything is past retention.
      const later = new Date(Date.now() + 91 * DAY_MS);
      assert.deepEqual(await runAuditMaintenance(client, retention, later), {
        pruned: 3,
        prunedThrough: "3",
      });
    } finally {
      client.release();
    }
    assert.deepEqual(await listAudit(test.store.pool), []);
    assert.deepEqual(await verifyAudit(test.store.pool, key), { ok: true, entries: 0, checkpointSeq: "3" });
  });

  it("runs as a cluster job under its own lock", async () => {
    const job = startAuditMaintenance({
      pool: test.store.pool,
      retentionDays: 90,
      intervalMs: 3_600_000,
      key,
      node: "gpu-01",
    });
    await job.runNow();
    await job.stop();
    assert.equal((await verifyAudit(test.store.pool, key)).ok, true);
  });
});
