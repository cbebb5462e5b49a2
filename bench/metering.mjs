// Metering: how fast the spool takes usage events (append + group fsync, as the API does it: many
// concurrent appends, each awaited) and how fast the shipper moves a full spool into PostgreSQL
// (`usage_events`, batched INSERT ... unnest ... ON CONFLICT DO NOTHING). The store is a private
// embedded PostgreSQL with durable settings (fsync on), on this machine.
//   node bench/metering.mjs [events]   (default 200,000; prints JSON)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./lib.mjs";

const dist = (path) => import(pathToFileURL(join(root, "cluster-agent", "dist", path)).href);

function event(n) {
  return {
    requestId: `req_bench${n.toString(36).padStart(12, "0")}`,
    receivedAt: Date.now(),
    firstTokenAt: Date.now(),
    finishedAt: Date.now(),
    accountId: `acct_${n % 97}`,
    keyId: `key_${n % 389}`,
    model: "bench-model",
    modelVersion: "",
    node: "bench-node",
    status: "completed",
    httpStatus: 200,
    promptTokens: 120 + (n % 50),
    cachedTokens: 0,
    completionTokens: 40 + (n % 30),
    costPicoEur: 123_456_789n,
    priceVersion: 1,
    userAgent: "OpenAI/Python 1.54.0",
    clientIp: "198.51.100.23",
  };
}

export async function runMeteringBenchmark(count = 200_000) {
  const { Spool } = await dist("metering/spool.js");
  const { Shipper } = await dist("metering/shipper.js");
  const { startEmbeddedPostgres } = await dist("store/embedded.js");
  const { makeTempDataDir } = await dist("test-support/postgres.js");
  const { migrate } = await dist("store/migrate.js");
  const pg = (await import("pg")).default;

  const spoolDir = mkdtempSync(join(tmpdir(), "entrim-bench-spool-"));
  const pgDir = await makeTempDataDir();
  const server = await startEmbeddedPostgres({ dir: join(pgDir, "postgres") });
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  // The server goes away at the end of the run; an idle connection hearing that is not a failure.
  pool.on("error", () => {});
  try {
    await migrate({ pool });
    const fsyncIntervalMs = 20;
    const spool = await Spool.open({
      dir: spoolDir,
      fsyncIntervalMs,
      segmentBytes: 16 * 1024 * 1024,
      maxBytes: 1024 * 1024 * 1024,
    });
    // Appends in waves of concurrent requests, each awaited like the API awaits its event.
    const wave = 5000;
    const appendStart = performance.now();
    for (let i = 0; i < count; i += wave) {
      const n = Math.min(wave, count - i);
      await Promise.all(Array.from({ length: n }, (_, j) => spool.append(event(i + j))));
    }
    const appendSeconds = (performance.now() - appendStart) / 1000;
    const spoolBytes = spool.depthBytes({ segment: 0, offset: 0 });

    const batchSize = 5000;
    const shipper = new Shipper({
      spool,
      db: pool,
      batchSize,
      intervalMs: 1000,
      backoffInitialMs: 100,
      backoffMaxMs: 1000,
    });
    const shipStart = performance.now();
    await shipper.start();
    while (shipper.stats.shippedTotal < count) {
      if (shipper.stats.failedAttempts > 3) throw new Error("the shipper keeps failing");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const shipSeconds = (performance.now() - shipStart) / 1000;
    await shipper.stop();
    await spool.close();
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM usage_events");
    if (rows[0].n !== count) throw new Error(`expected ${count} rows, found ${rows[0].n}`);
    return {
      events: count,
      spoolAppendsPerSecond: Math.round(count / appendSeconds),
      spoolBytesPerEvent: Math.round(spoolBytes / count),
      fsyncIntervalMs,
      shipperEventsPerSecond: Math.round(count / shipSeconds),
      shipperBatchSize: batchSize,
      shipperTargetEventsPerSecond: 50_000,
    };
  } finally {
    await pool.end();
    await server.stop();
    rmSync(spoolDir, { recursive: true, force: true });
    rmSync(pgDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runMeteringBenchmark(Number(process.argv[2] ?? 200_000));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
