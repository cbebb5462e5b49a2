import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { transaction } from "./db.js";

describe("openStore's pool", () => {
  let test: TestStore;
  before(async () => {
    test = await openTestStore();
  });
  after(async () => {
    await test?.close();
  });

  it("survives a connection that the server cuts while a caller holds it (a transaction)", async () => {
    // A server restart, a failover or an operator's pg_terminate_backend cuts a connection that a
    // transaction has checked out. Its query fails, which the caller sees; the client then also emits
    // `error`, which no listener of the pool's catches on a checked-out client: an uncaught exception
    // that would take the agent down instead of letting it serve on from its caches.
    const held = transaction(test.store.pool, (client) => client.query("SELECT pg_sleep(30)")).then(
      () => assert.fail("the transaction's query was cut"),
      (error: Error) => error,
    );
    const admin = new pg.Client({ connectionString: test.url });
    await admin.connect();
    try {
      let terminated = 0;
      for (let tries = 0; terminated === 0 && tries < 100; tries++) {
        const { rowCount } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'SELECT pg_sleep(30)' AND pid <> pg_backend_pid()",
        );
        terminated = rowCount ?? 0;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(terminated, 1, "the transaction's connection was found and cut");
    } finally {
      await admin.end();
    }
    assert.match((await held).message, /terminating connection due to administrator command/);
    // Let the connection's end (and any error it emits) run before going on.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await test.store.pool.query("SELECT 1 AS one")).rows[0].one, 1, "the pool serves on");
  });
});
