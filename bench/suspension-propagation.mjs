// Suspension propagation: three agents on one store; for each of N suspensions (issue, then lift, on
// distinct accounts) the time from sending the INSERT to the moment each agent's suspension cache
// applied it. Agents report that moment themselves (their debug line "suspension applied" carries a
// wall-clock timestamp with sub-millisecond resolution), so the measurement holds no HTTP polling.
// All processes run on this machine and share its clock.
//   node bench/suspension-propagation.mjs [N]   (default 200; prints JSON)
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { BIN, removedOnStop, root, spawnService, startUpstream } from "./lib.mjs";

const dist = (path) => import(pathToFileURL(join(root, "cluster-agent", "dist", path)).href);
const AGENTS = 3;
const now = () => performance.timeOrigin + performance.now();

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const round = (n) => Math.round(n * 100) / 100;
  return { p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), max: round(sorted.at(-1)) };
}

/** Starts an agent on the shared store and routes its "suspension applied" lines to `onApplied`. */
async function startAgent(name, upstreamUrl, env, onApplied) {
  // Each agent has its own data dir (spool, artifact cache, certificates); they share only the store.
  const dataDir = mkdtempSync(join(tmpdir(), `entrim-bench-${name}-`));
  const agent = await spawnService(
    [
      BIN,
      "--data-dir",
      dataDir,
      "serve",
      "--listen",
      "127.0.0.1:0",
      "--metrics-listen",
      "127.0.0.1:0",
      "--artifacts-listen",
      "127.0.0.1:0",
      "--model",
      `bench=${upstreamUrl}`,
      "--node-name",
      name,
      "--log-level",
      "debug",
    ],
    /"api":"([^"]+)"/,
    { env, stderr: "pipe" },
  );
  createInterface({ input: agent.child.stderr }).on("line", (line) => {
    if (!line.includes('"suspension applied"')) return;
    const entry = JSON.parse(line);
    onApplied(name, entry.suspension, entry.lifted, entry.at);
  });
  return removedOnStop(agent, dataDir);
}

export async function runSuspensionBenchmark(count = 200) {
  const { startTestPostgres } = await dist("test-support/postgres.js");
  const { createAccount } = await dist("store/accounts.js");
  const { createSuspension, liftSuspension } = await dist("store/suspensions.js");
  const { default: pg } = await import(
    pathToFileURL(join(root, "node_modules", "pg", "lib", "index.js")).href
  );

  const store = await startTestPostgres();
  const env = {
    ...process.env,
    DATABASE_URL: store.url,
    ENTRIM_KEY_PEPPER: randomBytes(32).toString("base64"),
  };
  const upstream = await startUpstream();
  /** `${id}:${lifted}` → agent name → applied at (epoch ms). */
  const seen = new Map();
  let wake = () => {};
  const onApplied = (agent, id, lifted, at) => {
    const key = `${id}:${lifted}`;
    if (!seen.has(key)) seen.set(key, new Map());
    seen.get(key).set(agent, at);
    wake();
  };
  const agents = [];
  const pool = new pg.Pool({ connectionString: store.url, max: 2 });
  // The server goes away at the end of the run; an idle connection hearing that is not a failure.
  pool.on("error", () => {});
  try {
    for (let i = 0; i < AGENTS; i++)
      agents.push(await startAgent(`bench-${i}`, upstream.url, env, onApplied));
    const accounts = [];
    for (let i = 0; i < count; i++) {
      accounts.push((await createAccount(pool, { name: `Bench ${i}`, email: `bench-${i}@example.com` })).id);
    }
    const appliedEverywhere = async (key, deadline) => {
      while ((seen.get(key)?.size ?? 0) < AGENTS) {
        if (now() > deadline) throw new Error(`${key} did not reach every agent within 5 s`);
        await new Promise((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50).unref();
        });
      }
      return [...seen.get(key).values()];
    };
    const fromSend = [];
    const fromAck = [];
    const lifts = [];
    const started = now();
    for (const accountId of accounts) {
      const sent = now();
      const row = await createSuspension(pool, {
        targetType: "account",
        target: accountId,
        state: "suspended",
        reason: "abuse",
        createdBy: "bench",
      });
      const acked = now();
      for (const at of await appliedEverywhere(`${row.id}:false`, sent + 5_000)) {
        fromSend.push(at - sent);
        fromAck.push(at - acked);
      }
      const liftSent = now();
      await liftSuspension(pool, {
        targetType: "account",
        target: accountId,
        liftedBy: "bench",
        reason: "bench",
      });
      for (const at of await appliedEverywhere(`${row.id}:true`, liftSent + 5_000)) lifts.push(at - liftSent);
    }
    return {
      agents: AGENTS,
      suspensions: count,
      seconds: Math.round((now() - started) / 10) / 100,
      // The INSERT sent (autocommit) → applied in an agent: an upper bound of commit → enforced.
      enforcedMs: percentiles(fromSend),
      // Negative values mean the agent applied it before the INSERT's reply reached the benchmark.
      afterCommitAckMs: percentiles(fromAck),
      liftedMs: percentiles(lifts),
      targetP99Ms: 250,
      meetsTarget: percentiles(fromSend).p99 < 250,
    };
  } finally {
    await pool.end();
    await Promise.all(agents.map((a) => a.stop()));
    await upstream.stop();
    await store.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runSuspensionBenchmark(Number(process.argv[2] ?? 200));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
