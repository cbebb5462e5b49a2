import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { endPool } from "../store/db.js";
import { type EmbeddedServer, startEmbeddedPostgres } from "../store/embedded.js";
import { migrate } from "../store/migrate.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import { sampleEvent } from "../test-support/usage-events.js";
import { encodeRecord } from "./record.js";
import { Shipper } from "./shipper.js";
import { Spool } from "./spool.js";

let pgDir: string;
let server: EmbeddedServer;
let pool: pg.Pool;
const root = mkdtempSync(join(tmpdir(), "entrim-shipper-"));

before(async () => {
  pgDir = await makeTempDataDir();
  server = await startEmbeddedPostgres({ dir: join(pgDir, "postgres"), fast: true });
  pool = new pg.Pool({ connectionString: server.url, max: 2, connectionTimeoutMillis: 1000 });
  pool.on("error", () => {});
  await migrate({ pool });
});
after(async () => {
  await endPool(pool);
  await server.stop();
  rmSync(pgDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

let dirs = 0;
const spoolOptions = () => ({
  dir: join(root, String(dirs++)),
  fsyncIntervalMs: 2,
  segmentBytes: 16 * 1024,
  maxBytes: 1024 * 1024 * 1024,
});
const shipperOptions = (spool: Spool) => ({
  spool,
  db: pool,
  batchSize: 50,
  intervalMs: 20,
  backoffInitialMs: 20,
  backoffMaxMs: 200,
});

async function rowsFor(ids: string[]) {
  const { rows } = await pool.query<{ request_id: string; n: string }>(
    "SELECT request_id, count(*) AS n FROM usage_events WHERE request_id = ANY($1) GROUP BY request_id",
    [ids],
  );
  return rows;
}

test("events ship exactly once, in stored form, and shipped segments are deleted", async () => {
  const spool = await Spool.open(spoolOptions());
  const shipper = new Shipper(shipperOptions(spool));
  await shipper.start();
  const events = Array.from({ length: 500 }, (_, i) => sampleEvent(10_000 + i));
  await Promise.all(events.map((e) => spool.append(e)));
  await until("500 shipped", () => shipper.stats.shippedTotal === 500);
  const rows = await rowsFor(events.map((e) => e.requestId));
  assert.equal(rows.length, 500);
  assert.ok(rows.every((r) => r.n === "1"));
  const { rows: one } = await pool.query(
    "SELECT cost_pico_eur, price_version, host(client_ip) AS ip, (extract(epoch FROM received_at) * 1000)::bigint AS rt FROM usage_events WHERE request_id = $1",
    [events[0]!.requestId],
  );
  assert.deepEqual(one[0], {
    cost_pico_eur: "123456789012",
    price_version: "3",
    ip: "192.0.2.7",
    rt: String(events[0]!.receivedAt),
  });
  assert.equal(spool.segments().length, 1, "only the active segment is left");
  await shipper.stop();
  await spool.close();
});

test("a restart resumes at the durable cursor; a batch re-sent after a crash is not doubled", async () => {
  const opts = spoolOptions();
  const spool = await Spool.open(opts);
  const events = Array.from({ length: 120 }, (_, i) => sampleEvent(20_000 + i));
  await Promise.all(events.map((e) => spool.append(e)));
  const shipper = new Shipper(shipperOptions(spool));
  await shipper.start();
  await until("120 shipped", () => shipper.stats.shippedTotal === 120);
  await shipper.stop();
  await spool.close();
  // As if the agent had crashed after inserting but before committing its cursor.
  writeFileSync(join(opts.dir, "cursor.json"), JSON.stringify({ segment: 0, offset: 0 }));
  const again = await Spool.open(opts);
  const more = Array.from({ length: 30 }, (_, i) => sampleEvent(21_000 + i));
  await Promise.all(more.map((e) => again.append(e)));
  const second = new Shipper(shipperOptions(again));
  await second.start();
  await until("the spool drained", () => again.depthBytes(second.position) === 0);
  const rows = await rowsFor([...events, ...more].map((e) => e.requestId));
  assert.equal(rows.length, 150);
  assert.ok(rows.every((r) => r.n === "1"));
  await second.stop();
  await again.close();
});

test("a torn tail left by a crash is skipped and counted; the rest ships", async () => {
  const opts = spoolOptions();
  const spool = await Spool.open(opts);
  const events = [1, 2, 3].map((n) => sampleEvent(30_000 + n));
  await Promise.all(events.map((e) => spool.append(e)));
  const [segment] = spool.segments();
  await spool.close();
  appendFileSync(spool.path(segment!), encodeRecord(sampleEvent(30_004)).subarray(0, 30));
  const reopened = await Spool.open(opts);
  await reopened.append(sampleEvent(30_005));
  const shipper = new Shipper(shipperOptions(reopened));
  await shipper.start();
  await until("the spool drained", () => reopened.depthBytes(shipper.position) === 0);
  assert.equal(shipper.stats.skippedRecords, 1);
  const rows = await rowsFor([1, 2, 3, 4, 5].map((n) => sampleEvent(30_000 + n).requestId));
  assert.deepEqual(
    rows.map((r) => r.request_id).sort(),
    [1, 2, 3, 5].map((n) => sampleEvent(30_000 + n).requestId).sort(),
  );
  await shipper.stop();
  await reopened.close();
});

test("while the store is stopped events wait in the spool, then ship once it is back", async () => {
  const spool = await Spool.open(spoolOptions());
  const shipper = new Shipper(shipperOptions(spool));
  await shipper.start();
  await server.stop();
  const events = Array.from({ length: 200 }, (_, i) => sampleEvent(40_000 + i));
  await Promise.all(events.map((e) => spool.append(e)));
  await until("failed attempts", () => shipper.stats.failedAttempts >= 2);
  assert.ok(shipper.stats.failingSince !== null);
  assert.ok(spool.depthBytes(shipper.position) > 0);
  server = await startEmbeddedPostgres({ dir: join(pgDir, "postgres"), fast: true });
  await until("the spool drained", () => spool.depthBytes(shipper.position) === 0);
  assert.equal(shipper.stats.failedAttempts, 0);
  const rows = await rowsFor(events.map((e) => e.requestId));
  assert.equal(rows.length, 200);
  assert.ok(rows.every((r) => r.n === "1"));
  await shipper.stop();
  await spool.close();
});

test("an event the store refuses is dropped and counted; the rest of its batch ships", async () => {
  const spool = await Spool.open(spoolOptions());
  const shipper = new Shipper(shipperOptions(spool));
  const good = [sampleEvent(50_001), sampleEvent(50_002)];
  const bad = sampleEvent(50_003, { cachedTokens: 99, promptTokens: 1 });
  await Promise.all([good[0]!, bad, good[1]!].map((e) => spool.append(e)));
  await shipper.start();
  await until("the spool drained", () => spool.depthBytes(shipper.position) === 0);
  assert.equal(shipper.stats.rejectedEvents, 1);
  assert.equal((await rowsFor([...good, bad].map((e) => e.requestId))).length, 2);
  await shipper.stop();
  await spool.close();
});

test("records durable within minIntervalMs of a shipment wait and ship together in the next one", async () => {
  const spool = await Spool.open(spoolOptions());
  const shipments: { ids: string[]; at: number }[] = [];
  const shipper = new Shipper({
    ...shipperOptions(spool),
    intervalMs: 60_000,
    minIntervalMs: 1500,
    onShipped: (events) => {
      // A batch that only moves the cursor past an empty segment carries no events.
      if (events.length > 0) shipments.push({ ids: events.map((e) => e.requestId), at: performance.now() });
    },
  });
  await shipper.start();
  const [first, ...later] = Array.from({ length: 4 }, (_, i) => sampleEvent(30_000 + i));
  await spool.append(first!);
  await spool.flush();
  await until("the first record shipped", () => shipper.stats.shippedTotal === 1);
  // Three records, each durable on its own group fsync, 100 ms apart: each wakes the shipper.
  for (const event of later) {
    await spool.append(event);
    await spool.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await until("the later records shipped", () => shipper.stats.shippedTotal === 4);
  assert.deepEqual(
    shipments.map((s) => s.ids),
    [[first!.requestId], later.map((e) => e.requestId)],
    "one INSERT for the three records, not one per group fsync",
  );
  // Started no sooner than 1500 ms after the first shipment started (which ended before `at`).
  const gap = shipments[1]!.at - shipments[0]!.at;
  assert.ok(gap >= 1000, `the second shipment came ${gap.toFixed(0)} ms after the first`);
  await shipper.stop();
  await spool.close();
});

test("stop() does not wait out a shipment held back by minIntervalMs, and the stop's drain ships it", async () => {
  const spool = await Spool.open(spoolOptions());
  const shipper = new Shipper({ ...shipperOptions(spool), intervalMs: 600_000, minIntervalMs: 600_000 });
  await shipper.start();
  const [first, held] = [sampleEvent(31_000), sampleEvent(31_001)];
  await spool.append(first!);
  await spool.flush();
  await until("the first record shipped", () => shipper.stats.shippedTotal === 1);
  await spool.append(held!);
  await spool.flush();
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    shipper.stop().then(() => "stopped"),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve("still waiting after 10 s"), 10_000);
    }),
  ]);
  clearTimeout(timer);
  assert.equal(stopped, "stopped");
  assert.equal(shipper.stats.shippedTotal, 1, "the held record was not shipped early");
  assert.equal(await shipper.drain(), true);
  assert.deepEqual(await rowsFor([held!.requestId]), [{ request_id: held!.requestId, n: "1" }]);
  await spool.close();
});

test("under a steady trickle of records, shipments stay minIntervalMs apart (a drain does not chase new records)", async () => {
  const spool = await Spool.open(spoolOptions());
  const shipments: number[] = [];
  const shipper = new Shipper({
    ...shipperOptions(spool),
    batchSize: 5000,
    minIntervalMs: 300,
    onShipped: (events) => {
      if (events.length > 0) shipments.push(performance.now());
    },
  });
  await shipper.start();
  // A record durable every few milliseconds, as from a busy API: each shipment's insert and cursor
  // commit take longer than that, so a drain that kept reading would ship again and again.
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1500) {
    await spool.append(sampleEvent(32_000 + n++));
    await spool.flush();
  }
  const elapsed = performance.now() - started;
  await until("everything shipped", () => shipper.stats.shippedTotal === n);
  assert.ok(n > 100, `only ${n} records were appended`);
  const allowed = Math.floor(elapsed / 300) + 2;
  assert.ok(
    shipments.length <= allowed,
    `${shipments.length} shipments of ${n} records in ${elapsed.toFixed(0)} ms; at most ${allowed} expected`,
  );
  await shipper.stop();
  await spool.close();
});
