import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import pg from "pg";
import type { AuditAction } from "../domain/audit-action.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { auditCheckpointKey, canonicalEntry, entryHash, GENESIS_HASH } from "./audit-hash.js";
import { type AuditRecord, appendAudit, listAudit, pruneAudit, verifyAudit } from "./audit-log.js";
import { endPool } from "./db.js";

let test: TestStore;
const key = auditCheckpointKey(randomBytes(32));

const action = (n: number, overrides: Partial<AuditAction> = {}): AuditAction => ({
  operator: "alice",
  role: "operator",
  source: "grpc",
  action: "suspension.create",
  target: `account:acct_${n}`,
  reason: `reason ${n}`,
  result: "ok",
  ...overrides,
});

/** Appends `count` entries; entry number `distinctFrom` (1-based) is stamped later than all before it. */
async function appendMany(count: number, distinctFrom?: number): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= count; i++) {
    if (i === distinctFrom) await clockPast(records[i - 2]!.at);
    records.push(await appendAudit(test.store.pool, "gpu-01", action(i), key));
  }
  return records;
}

/**
 * Entries carry the database's time to the millisecond, so quick appends share one. Waits (a bounded
 * poll of the database clock, not a sleep) until that clock has passed `at`.
 */
async function clockPast(at: Date): Promise<void> {
  for (;;) {
    const now = await test.store.pool.query<{ at: Date }>(
      "SELECT date_trunc('milliseconds', clock_timestamp()) AS at",
    );
    if (now.rows[0]!.at.getTime() > at.getTime()) return;
  }
}

/**
 * What an attacker with superuser rights can do: replica mode skips the append-only triggers. The
 * chain is what must notice.
 */
async function tamper(sql: string, params: unknown[] = []): Promise<void> {
  const client = await test.store.pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query(sql, params);
    await client.query("COMMIT");
  } finally {
    client.release();
  }
}

before(async () => {
  test = await openTestStore();
});
after(async () => {
  await test.close();
});
// Each test starts from an empty log; the reset itself has to get past the triggers.
beforeEach(() => tamper("TRUNCATE audit_log, audit_checkpoints"));

describe("audit log chain", () => {
  it("links every entry to the one before and verifies a long chain (across read batches)", async () => {
    const records = await appendMany(2_050);
    assert.equal(records[0]!.seq, "1");
    assert.equal(records[0]!.prevHash, GENESIS_HASH);
    for (let i = 1; i < records.length; i++) {
      assert.equal(records[i]!.seq, String(i + 1));
      assert.equal(records[i]!.prevHash, records[i - 1]!.hash);
      assert.ok(records[i]!.at.getTime() >= records[i - 1]!.at.getTime(), "times follow seq order");
    }
    assert.deepEqual(await verifyAudit(test.store.pool, key), {
      ok: true,
      entries: 2_050,
      checkpointSeq: "0",
    });
  });

  it("keeps one gap-free chain when several agents append at once", async () => {
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: test.url, max: 3 }));
    try {
      await Promise.all(
        pools.map((pool, p) =>
          Promise.all(Array.from({ length: 25 }, (_, i) => appendAudit(pool, `gpu-0${p}`, action(i), key))),
        ),
      );
    } finally {
      await Promise.all(pools.map((pool) => endPool(pool)));
    }
    const rows = await listAudit(test.store.pool, { limit: 1000 });
    assert.deepEqual(
      rows.map((r) => Number(r.seq)).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    for (let p = 0; p < 4; p++) assert.equal(rows.filter((r) => r.node === `gpu-0${p}`).length, 25);
    assert.deepEqual(await verifyAudit(test.store.pool, key), { ok: true, entries: 100, checkpointSeq: "0" });
  });

  it("refuses UPDATE, DELETE and TRUNCATE from an ordinary session", async () => {
    await appendMany(2);
    const refused = { message: /append-only/ };
    await assert.rejects(test.store.pool.query("UPDATE audit_log SET reason = 'x' WHERE seq = 1"), refused);
    await assert.rejects(test.store.pool.query("DELETE FROM audit_log WHERE seq = 1"), refused);
    await assert.rejects(test.store.pool.query("TRUNCATE audit_log"), refused);
    assert.equal((await listAudit(test.store.pool)).length, 2);
    await pruneAudit(test.store.pool, { before: new Date(Date.now() + 60_000), key, node: "gpu-01" });
    await assert.rejects(test.store.pool.query("UPDATE audit_checkpoints SET pruned_through = 1"), refused);
    await assert.rejects(test.store.pool.query("DELETE FROM audit_checkpoints"), refused);
  });

  it("names the entry whose reason was edited", async () => {
    await appendMany(10);
    await tamper("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 6");
    const result = await verifyAudit(test.store.pool, key);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, "6");
    assert.equal(result.entries, 5);
    assert.match(result.problem!, /entry 6 was changed/);
  });

  it("names a deleted entry in the middle", async () => {
    await appendMany(10);
    await tamper("DELETE FROM audit_log WHERE seq = 4");
    const result = await verifyAudit(test.store.pool, key);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, "4");
    assert.match(result.problem!, /entry 4 is missing/);
  });

  it("notices entries moved to other positions", async () => {
    await appendMany(5);
    // Renumbered so that no seq is missing: the contents of 2 and 3 trade places.
    await tamper(
      "UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 100",
    );
    const result = await verifyAudit(test.store.pool, key);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, "2");
  });

  it("notices a whole chain recomputed by someone without the cluster's pepper", async () => {
    const records = await appendMany(3);
    const stranger = auditCheckpointKey(randomBytes(32));
    const forged = { ...records[0]!, reason: "rewritten" };
    await tamper("UPDATE audit_log SET reason = $1, hash = $2 WHERE seq = $3", [
      "rewritten",
      entryHash(stranger, forged.prevHash, forged),
      forged.seq,
    ]);
    const result = await verifyAudit(test.store.pool, key);
    assert.equal(result.ok, false);
    assert.equal(result.firstBadSeq, forged.seq, "its MAC needs the audit key, which a database dump lacks");
  });

  it("notices an entry rewritten with a recomputed hash but the old link", async () => {
    const records = await appendMany(5);
    const forged = { ...records[2]!, reason: "rewritten" };
    const rehashed = entryHash(key, forged.prevHash, forged);
    await tamper("UPDATE audit_log SET reason = $1, hash = $2 WHERE seq = 3", ["rewritten", rehashed]);
    const result = await verifyAudit(test.store.pool, key);
    assert.equal(result.firstBadSeq, "4", "entry 4 still points at the original entry 3");
    assert.match(result.problem!, /does not follow entry 3/);
  });

  it("hashes a fixed, documented form of each entry", () => {
    const text = canonicalEntry({ ...action(1), seq: "1", at: new Date(1_700_000_000_000), node: "n" });
    assert.equal(
      text,
      '{"seq":"1","at":1700000000000,"operator":"alice","role":"operator","source":"grpc","action":"suspension.create","target":"account:acct_1","reason":"reason 1","result":"ok","node":"n"}',
    );
  });
});

describe("audit log pruning", () => {
  it("deletes a prefix behind a signed checkpoint, and the rest still verifies", async () => {
    const records = await appendMany(12, 8);
    const cutoff = records[7]!.at;
    const older = 7;
    const pruned = await pruneAudit(test.store.pool, { before: cutoff, key, node: "gpu-01" });
    assert.equal(pruned.pruned, older);
    assert.equal(pruned.checkpoint?.prunedThrough, String(older));
    assert.equal(pruned.checkpoint?.lastHash, records[older - 1]!.hash);
    assert.deepEqual(await verifyAudit(test.store.pool, key), {
      ok: true,
      entries: 12 - older,
      checkpointSeq: String(older),
    });

    // Pruning everything leaves the chain to continue from the checkpoint.
    await pruneAudit(test.store.pool, { before: new Date(Date.now() + 60_000), key, node: "gpu-01" });
    assert.equal((await listAudit(test.store.pool)).length, 0);
    const next = await appendAudit(test.store.pool, "gpu-02", action(13), key);
    assert.equal(next.seq, "13");
    assert.equal(next.prevHash, records[11]!.hash);
    assert.deepEqual(await verifyAudit(test.store.pool, key), { ok: true, entries: 1, checkpointSeq: "12" });
  });

  it("refuses to prune a broken stretch, so the evidence stays", async () => {
    await appendMany(6);
    await tamper("UPDATE audit_log SET result = 'ok' , reason = '' WHERE seq = 2");
    await assert.rejects(
      pruneAudit(test.store.pool, { before: new Date(Date.now() + 60_000), key, node: "gpu-01" }),
      /fails verification at entry 2/,
    );
    assert.equal((await listAudit(test.store.pool)).length, 6);
  });

  it("fails on a forged checkpoint, a checkpoint under another key, and a removed checkpoint", async () => {
    const records = await appendMany(8, 5);
    await pruneAudit(test.store.pool, { before: records[4]!.at, key, node: "gpu-01" });
    assert.equal((await verifyAudit(test.store.pool, key)).checkpointSeq, "4");

    const otherKey = auditCheckpointKey(randomBytes(32));
    const wrongKey = await verifyAudit(test.store.pool, otherKey);
    assert.equal(wrongKey.ok, false);
    assert.match(wrongKey.problem!, /wrong signature/);

    // A forged checkpoint claiming that entries up to 7 were pruned, hiding 6 and 7.
    await tamper(
      `INSERT INTO audit_checkpoints (pruned_through, last_hash, created_at, node, signature)
       VALUES (7, $1, now(), 'gpu-01', $2)`,
      [records[6]!.hash, "ab".repeat(32)],
    );
    await tamper("DELETE FROM audit_log WHERE seq <= 7");
    const forged = await verifyAudit(test.store.pool, key);
    assert.equal(forged.ok, false);
    assert.equal(forged.checkpointSeq, "7");
    assert.match(forged.problem!, /checkpoint up to entry 7 has a wrong signature/);

    // Removing both checkpoints: the chain now starts at genesis, and its first entries are missing.
    await tamper("DELETE FROM audit_checkpoints");
    const removed = await verifyAudit(test.store.pool, key);
    assert.equal(removed.ok, false);
    assert.equal(removed.firstBadSeq, "1");
    assert.match(removed.problem!, /entries 1 to 7 are missing/);
  });
});

describe("listAudit", () => {
  it("filters by operator, action prefix, target substring and time, newest first", async () => {
    const first = await appendAudit(
      test.store.pool,
      "gpu-01",
      action(1, { action: "key.revoke", target: "key:abc" }),
      key,
    );
    await appendAudit(test.store.pool, "gpu-01", action(2, { operator: "bob", action: "node.drain" }), key);
    const last = await appendAudit(test.store.pool, "gpu-01", action(3, { action: "suspension.lift" }), key);
    const seqs = async (filter: Parameters<typeof listAudit>[1]) =>
      (await listAudit(test.store.pool, filter)).map((r) => r.seq);
    assert.deepEqual(await seqs({}), ["3", "2", "1"]);
    assert.deepEqual(await seqs({ operator: "bob" }), ["2"]);
    assert.deepEqual(await seqs({ action: "suspension." }), ["3"]);
    assert.deepEqual(await seqs({ action: "key_" }), [], "LIKE wildcards in the prefix are literal");
    assert.deepEqual(await seqs({ target: "acct_" }), ["3", "2"]);
    await clockPast(last.at);
    const fourth = await appendAudit(test.store.pool, "gpu-01", action(4), key);
    assert.deepEqual(await seqs({ until: fourth.at }), ["3", "2", "1"]);
    assert.deepEqual(await seqs({ since: fourth.at }), ["4"]);
    assert.deepEqual(await seqs({ since: first.at, until: fourth.at, limit: 1 }), ["3"]);
    assert.deepEqual(await seqs({ limit: 2 }), ["4", "3"]);
  });
});
