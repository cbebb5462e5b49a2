import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import { endPool } from "./db.js";

describe("endPool", () => {
  let server: TestPostgres;
  before(async () => {
    server = await startTestPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  /** A pool whose clients are counted as they connect and as their connections end. */
  function countedPool() {
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    const counts = { connected: 0, ended: 0 };
    pool.on("connect", (client) => {
      counts.connected += 1;
      client.once("end", () => {
        counts.ended += 1;
      });
    });
    return { pool, counts };
  }

  it("returns only once every connection of the pool has closed", async () => {
    const { pool, counts } = countedPool();
    // Four idle clients, as a pool holds after concurrent work.
    await Promise.all(Array.from({ length: 4 }, () => pool.query("SELECT pg_sleep(0.05)")));
    assert.equal(counts.connected, 4);
    await endPool(pool);
    // pool.end() alone resolves with all four still open: nothing has ended yet at that point.
    assert.equal(counts.ended, 4, "every client's connection has ended");
  });

  it("ends a pool that never connected, and still waits when end() is called again meanwhile", async () => {
    const { pool } = countedPool();
    await endPool(pool);
    assert.equal(pool.ended, true);
    const second = countedPool();
    await second.pool.query("SELECT 1");
    await Promise.all([endPool(second.pool), second.pool.end().catch(() => {})]);
    assert.equal(second.counts.ended, 1);
  });
});
