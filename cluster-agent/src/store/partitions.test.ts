import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import { endPool } from "./db.js";
import {
  type DailyPartitionSpec,
  daysAhead,
  isExpired,
  listPartitions,
  maintainDailyPartitions,
  partitionDay,
  partitionName,
  retentionCutoff,
  withTryAdvisoryLock,
} from "./partitions.js";

const at = (iso: string) => new Date(iso);

describe("partition math", () => {
  it("names UTC days and reads the names back", () => {
    assert.equal(partitionName("security_events", at("2026-11-23T00:00:00Z")), "security_events_20261123");
    assert.deepEqual(partitionDay("security_events", "security_events_20261123"), at("2026-11-23T00:00:00Z"));
    for (const other of ["security_events_default", "security_events_20261332", "usage_events_20261123"]) {
      assert.equal(partitionDay("security_events", other), undefined, other);
    }
    assert.deepEqual(daysAhead(at("2026-12-31T23:59:59Z"), 2), [
      at("2026-12-31T00:00:00Z"),
      at("2027-01-01T00:00:00Z"),
      at("2027-01-02T00:00:00Z"),
    ]);
  });

  it("expires a day only once all of it is older than the retention", () => {
    const day = at("2026-10-24T00:00:00Z");
    // Retention 30 days: the day 2026-10-24 ends at 10-25 00:00, which is 30 days before 11-24 00:00.
    assert.equal(isExpired(day, retentionCutoff(at("2026-11-23T23:59:59.999Z"), 30)), false);
    assert.equal(isExpired(day, retentionCutoff(at("2026-11-24T00:00:00.000Z"), 30)), true);
  });
});

describe("daily partition maintenance", () => {
  let server: TestPostgres;
  let client: pg.Client;
  const spec: DailyPartitionSpec = {
    table: "test_events",
    column: "occurred_at",
    retentionDays: 30,
    aheadDays: 1,
  };
  const insert = (iso: string) =>
    client.query("INSERT INTO test_events (occurred_at) VALUES ($1) RETURNING id::text", [iso]);
  const rowsOf = async (table: string) =>
    (await client.query(`SELECT id::text, occurred_at FROM ${table} ORDER BY occurred_at`)).rows;

  before(async () => {
    server = await startTestPostgres();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
    // The shape every partitioned event table has: identity, partition key in the primary key, DEFAULT.
    await client.query(`CREATE TABLE test_events (
      id bigint GENERATED ALWAYS AS IDENTITY, occurred_at timestamptz NOT NULL, PRIMARY KEY (occurred_at, id)
    ) PARTITION BY RANGE (occurred_at)`);
    await client.query("CREATE TABLE test_events_default PARTITION OF test_events DEFAULT");
  });
  after(async () => {
    await client.end();
    await server.stop();
  });

  it("creates today's partition and the days ahead, once", async () => {
    const report = await maintainDailyPartitions(client, spec, at("2026-10-23T12:00:00Z"));
    assert.deepEqual(report.created, ["test_events_20261023", "test_events_20261024"]);
    const again = await maintainDailyPartitions(client, spec, at("2026-10-23T13:00:00Z"));
    assert.deepEqual(again, { created: [], dropped: [], drained: 0, trimmed: 0 });
    assert.deepEqual(await listPartitions(client, "test_events"), [
      "test_events_20261023",
      "test_events_20261024",
      "test_events_default",
    ]);
  });

  it("drops a day whose whole span is past the retention and trims the boundary day to the cutoff", async () => {
    await insert("2026-10-23T12:00:00Z");
    await insert("2026-10-24T00:00:00Z");
    await insert("2026-10-24T09:59:59.999Z");
    const kept = (await insert("2026-10-24T10:00:00Z")).rows[0].id;
    // Cutoff 2026-10-24T10:00Z: 10-23 is all older; 10-24 straddles the cutoff.
    const report = await maintainDailyPartitions(client, spec, at("2026-11-23T10:00:00Z"));
    assert.deepEqual(report.dropped, ["test_events_20261023"]);
    assert.equal(report.trimmed, 2);
    assert.deepEqual(
      (await rowsOf("test_events")).map((r) => r.id),
      [kept],
      "exactly the row at the cutoff survives",
    );
  });

  it("keeps the boundary partition until the first instant its day is fully expired", async () => {
    await maintainDailyPartitions(client, spec, at("2026-11-23T23:59:59.999Z"));
    assert.ok((await listPartitions(client, "test_events")).includes("test_events_20261024"));
    const report = await maintainDailyPartitions(client, spec, at("2026-11-24T00:00:00.000Z"));
    assert.deepEqual(report.dropped, ["test_events_20261024"]);
  });

  it("moves rows that landed in DEFAULT into a new partition of their day, ids intact", async () => {
    const early = (await insert("2026-12-20T08:00:00Z")).rows[0].id;
    const late = (await insert("2026-12-20T23:59:59.999Z")).rows[0].id;
    await insert("2026-09-01T00:00:00Z");
    assert.equal((await rowsOf("test_events_default")).length, 3, "no row is lost for want of a partition");

    const report = await maintainDailyPartitions(client, spec, at("2026-11-24T01:00:00Z"));
    assert.equal(report.drained, 2);
    assert.equal(report.trimmed, 1, "an expired row in DEFAULT is deleted, not moved");
    assert.ok(report.created.includes("test_events_20261220"));
    assert.deepEqual(await rowsOf("test_events_default"), []);
    assert.deepEqual(
      (await rowsOf("test_events_20261220")).map((r) => r.id),
      [early, late],
    );
    // New rows of that day now go straight to their partition.
    await insert("2026-12-20T12:00:00Z");
    assert.equal((await rowsOf("test_events_20261220")).length, 3);
  });

  it("refuses names that are not plain identifiers", async () => {
    await assert.rejects(
      maintainDailyPartitions(client, { ...spec, table: "x; DROP TABLE y" }, new Date()),
      /Not a plain table/,
    );
  });

  it("lets one holder of the advisory lock run the job and the others skip it", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    try {
      const key = 42n;
      let inner: string | undefined;
      const outer = await withTryAdvisoryLock(pool, key, async () => {
        inner = await withTryAdvisoryLock(pool, key, async () => "ran twice");
        return "ran";
      });
      assert.equal(outer, "ran");
      assert.equal(inner, undefined);
      assert.equal(await withTryAdvisoryLock(pool, key, async () => "again"), "again", "released after");
    } finally {
      await endPool(pool);
    }
  });
});
