import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, test } from "node:test";
import { entryHash } from "@entrim/cluster-agent/dist/store/audit-hash.js";
import { appendAudit, loadAuditKey } from "@entrim/cluster-agent/dist/store/audit-log.js";
import { issueInvoice } from "@entrim/cluster-agent/dist/store/invoice-states.js";
import { generateInvoices, invoiceId } from "@entrim/cluster-agent/dist/store/invoices.js";
import { partitionName, utcDay } from "@entrim/cluster-agent/dist/store/partitions.js";
import { openStore, type Store } from "@entrim/cluster-agent/dist/store/store.js";
import { testBilling } from "@entrim/cluster-agent/test-support/billing.js";
import { insertUsageEvent } from "@entrim/cluster-agent/test-support/data-protection.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import type { ListPeersResponse__Output, VerifyAuditResponse__Output } from "@entrim/proto";
import type pg from "pg";
import { type TestCluster, testCluster } from "../e2e/cluster.js";
import { call, makePki, type Pki, tlsFor } from "../e2e/control.js";
import { type AgentProcess, removeDir, startAgent, tempDir } from "../e2e/support.js";
import { report } from "./harness.js";
import { operatorClients } from "./store.js";

/**
 * leader-killed-mid-retention: the agent running retention is killed with SIGKILL in the middle of a
 * pass (partitions made ahead, an expired day's partition about to be dropped, security and audit
 * retention not yet run), and the next agent to take the jobs finishes them: expired data gone, kept
 * data intact, billing roll-ups and invoices untouched, the audit chain verifying from its checkpoint.
 *
 * The hook is real: the test holds a lock on the expired partition, so the leader's DROP waits on it
 * where the database shows it (pg_stat_activity), and the kill lands there.
 */
const DAY = 86_400_000;
const RETENTION_DAYS = 30;
const CONFIG = {
  retention: { usageDays: RETENTION_DAYS },
  security: { retentionDays: RETENTION_DAYS },
  audit: { retentionDays: RETENTION_DAYS },
};
const ACCOUNT = "acct_faultretention";
let cluster: TestCluster;
let db: Store;
let key: Buffer;
let pki: Pki;
const dirs: string[] = [];
let agent: AgentProcess | undefined;

before(async () => {
  cluster = await testCluster();
  for (const name of ["a", "b", "seed"]) dirs.push(tempDir(`fault-ret-${name}`));
  db = await openStore({ databaseUrl: cluster.store.url, dataDir: dirs[2]! });
  key = await loadAuditKey({ dataDir: dirs[2]!, env: process.env });
  pki = makePki(dirs[1]!, "fault-ret-b", { vera: "viewer" });
});

after(async () => {
  await agent?.stop();
  await db?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

/** Every seeded row lands in its day's partition, none in DEFAULT (whose draining locks the table). */
async function partitionFor(table: string, at: Date): Promise<string> {
  const day = utcDay(at);
  const name = partitionName(table, day);
  await db.pool.query(
    `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table}
     FOR VALUES FROM ('${day.toISOString()}') TO ('${new Date(day.getTime() + DAY).toISOString()}')`,
  );
  return name;
}

async function usageEvent(at: Date): Promise<string> {
  await partitionFor("usage_events", at);
  return insertUsageEvent(db.pool, { accountId: ACCOUNT, keyId: "key_faultretention", receivedAt: at });
}

async function securityEvent(at: Date): Promise<string> {
  await partitionFor("security_events", at);
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO security_events (occurred_at, node, kind, account_id, code)
     VALUES ($1, 'seed', 'auth_failure', $2, 'invalid_api_key') RETURNING id::text AS id`,
    [at, ACCOUNT],
  );
  return rows[0]!.id;
}

/** Audit entries written long ago: the chain as agents would have written it then. */
async function oldAuditEntries(at: Date, count: number): Promise<void> {
  let prev = "0".repeat(64);
  for (let seq = 1; seq <= count; seq++) {
    const entry = {
      seq: String(seq),
      at,
      operator: "cli:ops@seed",
      role: "admin" as const,
      source: "cli" as const,
      action: "account.create",
      target: `account:acct_old${seq}`,
      reason: "",
      result: "ok",
      node: "seed",
    };
    const hash = entryHash(key, prev, entry);
    await db.pool.query(
      `INSERT INTO audit_log (seq, at, operator, role, source, action, target, reason, result, node, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        seq,
        at,
        entry.operator,
        entry.role,
        entry.source,
        entry.action,
        entry.target,
        "",
        "ok",
        "seed",
        prev,
        hash,
      ],
    );
    prev = hash;
  }
}

/** Billing as it stands: what retention must never touch. */
async function billing(): Promise<string> {
  const tables = [
    "usage_daily ORDER BY day, key_id",
    "invoices ORDER BY id",
    "invoice_lines ORDER BY invoice_id",
  ];
  const parts = await Promise.all(
    tables.map((t) => db.pool.query(`SELECT to_jsonb(x) AS row FROM ${t.replace(" ", " x ")}`)),
  );
  return JSON.stringify(parts.map((p) => p.rows));
}

async function exists(ids: string[], table: string, column: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${column}::text = ANY($1::text[])`,
    [ids],
  );
  return rows[0]!.n;
}

test("leader-killed-mid-retention: the next agent finishes retention, kept data and billing intact", async () => {
  const now = Date.now();
  const expired = new Date(utcDay(new Date(now - 40 * DAY)).getTime() + 3_600_000);
  const cutoff = now - RETENTION_DAYS * DAY;
  const gone = {
    usage: [
      await usageEvent(expired),
      await usageEvent(expired),
      await usageEvent(new Date(cutoff - 7_200_000)),
    ],
    security: [await securityEvent(expired), await securityEvent(new Date(cutoff - 7_200_000))],
  };
  const kept = {
    usage: [await usageEvent(new Date(cutoff + 7_200_000)), await usageEvent(new Date(now - 3_600_000))],
    security: [
      await securityEvent(new Date(cutoff + 7_200_000)),
      await securityEvent(new Date(now - 3_600_000)),
    ],
  };
  await oldAuditEntries(new Date(now - 40 * DAY), 3);
  for (let i = 0; i < 2; i++) {
    const action = { operator: "ops", role: "admin", source: "cli", action: "key.create" } as const;
    await appendAudit(db.pool, "seed", { ...action, target: `key:k${i}`, reason: "", result: "ok" }, key);
  }
  // The expired day's month is over: its invoice is rolled up from those events and issued.
  const month = expired.toISOString().slice(0, 7);
  await generateInvoices(db.pool, { month, taxRate: "0.19", generatedBy: "faults" });
  await issueInvoice(db.pool, invoiceId(ACCOUNT, month), { by: "faults", billing: testBilling({}, "0.19") });
  const billed = await billing();
  const expiredPartition = partitionName("usage_events", utcDay(expired));

  // The hook: a reader holds the expired partition, so the leader's DROP of it has to wait.
  const blocker: pg.PoolClient = await db.pool.connect();
  await blocker.query("BEGIN");
  await blocker.query(`LOCK TABLE ${expiredPartition} IN ACCESS SHARE MODE`);
  const starting = startAgent(dirs[0]!, ["--node-name", "fault-ret-a"], CONFIG).catch((e: Error) => e);
  await until(
    "the leader's retention pass waits to drop the expired partition",
    async () => {
      const { rows } = await db.pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = 'entrim-agent/fault-ret-a'
       AND wait_event_type = 'Lock' AND query ILIKE 'DROP TABLE%${expiredPartition}%'`,
      );
      return rows.length > 0;
    },
    { timeoutMs: 60_000 },
  );
  const pid = Number(spawnSync("pgrep", ["-f", dirs[0]!], { encoding: "utf8" }).stdout.trim().split("\n")[0]);
  process.kill(pid, "SIGKILL");
  const killed = await starting;
  const auditUntouched = (await db.pool.query("SELECT min(seq)::int AS s FROM audit_log")).rows[0].s === 1;
  await blocker.query("COMMIT");
  blocker.release();
  // The dead agent's session ends once PostgreSQL notices; until then it holds the job's lock.
  await until(
    "the killed leader's session is gone",
    async () => {
      const { rows } = await db.pool.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'entrim-agent/fault-ret-a'",
      );
      return rows.length === 0;
    },
    { timeoutMs: 60_000 },
  );

  agent = await startAgent(dirs[1]!, ["--node-name", "fault-ret-b"], CONFIG);
  // A miss is reported below with everything else, not as a bare timeout.
  await until("the next leader pruned the audit log", async () => {
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM audit_checkpoints");
    return rows[0].n > 0;
  }).catch(() => {});
  const operator = operatorClients(agent.control!, tlsFor(pki.operators.vera!));
  const verified = await call<VerifyAuditResponse__Output>(operator.AuditService, "VerifyAudit", {});
  // What the console shows as the cluster's leader: whoever ran (or runs) the retention pass.
  const peers = await call<ListPeersResponse__Output>(operator.ClusterService, "ListPeers", {});
  operator.close();
  const runners = await db.pool.query<{ job: string; node: string }>(
    "SELECT job, node FROM cluster_jobs ORDER BY job",
  );
  const audit = await db.pool.query<{ seq: number }>("SELECT seq::int AS seq FROM audit_log ORDER BY seq");
  const partitions = await db.pool.query("SELECT 1 FROM pg_class WHERE relname = $1", [expiredPartition]);

  const problems: string[] = [];
  if (!(killed instanceof Error)) problems.push("the first leader finished starting before the kill");
  if (!auditUntouched) problems.push("the audit log was pruned before the kill: the kill came too late");
  if ((await exists(gone.usage, "usage_events", "request_id")) > 0)
    problems.push("expired usage events remain");
  if ((await exists(gone.security, "security_events", "id")) > 0)
    problems.push("expired security events remain");
  if (partitions.rowCount !== 0) problems.push(`${expiredPartition} was not dropped`);
  if ((await exists(kept.usage, "usage_events", "request_id")) !== kept.usage.length)
    problems.push("usage events within retention were removed");
  if ((await exists(kept.security, "security_events", "id")) !== kept.security.length)
    problems.push("security events within retention were removed");
  if (audit.rows.map((r) => r.seq).join(",") !== "4,5")
    problems.push(`audit entries left: ${JSON.stringify(audit.rows)}`);
  if (!verified.ok) problems.push(`audit chain broken at ${verified.firstBadSeq}: ${verified.problem}`);
  if ((await billing()) !== billed) problems.push("billing roll-ups or invoices changed");
  const byB = runners.rows.filter((r) => r.node === "entrim-agent/fault-ret-b").map((r) => r.job);
  for (const job of ["audit-retention", "security-retention", "usage-retention"])
    if (!byB.includes(job)) problems.push(`${job} was not run by the next leader`);
  if (peers.leader !== "fault-ret-b")
    problems.push(`ListPeers names ${peers.leader || "no one"} as the leader`);
  report({
    scenario: "leader-killed-mid-retention",
    sent: 0,
    completed: 0,
    failed: 0,
    usageRows: kept.usage.length,
    detail: `killed fault-ret-a waiting to drop ${expiredPartition}; fault-ret-b ran ${byB.join(", ")} (ListPeers leader: ${peers.leader}); audit ${verified.ok ? "verifies" : "BROKEN"} from checkpoint ${verified.checkpointSeq}; billing untouched: ${(await billing()) === billed}`,
    verdict: problems.length === 0 ? "pass" : "FAIL",
  });
  assert.deepEqual(problems, []);
});
