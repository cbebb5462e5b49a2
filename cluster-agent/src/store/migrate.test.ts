import assert from "node:assert/strict";
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { makeTempDataDir, startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import { DEFAULT_MIGRATIONS_DIR, migrate, migrationStatus, readMigrations } from "./migrate.js";
import { openStore, type Store } from "./store.js";

let server: TestPostgres;
let scratch: string;
let counter = 0;
const created: string[] = [];

/** A fresh empty database on the test server, so each test starts from zero migrations. */
async function freshDatabase(): Promise<string> {
  const name = `m${process.pid}_${++counter}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  created.push(name);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

async function open(url: string, extra: { migrationsDir?: string } = {}): Promise<Store> {
  return openStore({ databaseUrl: url, dataDir: scratch, migrate: false, ...extra });
}

before(async () => {
  server = await startTestPostgres();
  scratch = await makeTempDataDir();
});
after(async () => {
  // Matters with ENTRIM_TEST_DATABASE_URL, where the server outlives the test.
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await server.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe("migrations", () => {
  it("apply once, in order, and are recorded with their checksum", async () => {
    const store = await open(await freshDatabase());
    try {
      const files = await readMigrations();
      const applied = await migrate(store);
      assert.deepEqual(
        applied.map((m) => m.file),
        files.map((m) => m.file),
      );
      assert.deepEqual(await migrate(store), [], "a second run finds nothing to do");
      const rows = await store.pool.query(
        "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
      );
      assert.deepEqual(
        rows.rows,
        files.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })),
      );
      const status = await migrationStatus(store);
      assert.ok(status.every((s) => s.state === "applied" && s.appliedAt instanceof Date));
    } finally {
      await store.close();
    }
  });

  it("are safe when several agents start at once", async () => {
    const url = await freshDatabase();
    const stores = await Promise.all([open(url), open(url), open(url), open(url)]);
    try {
      const results = await Promise.all(stores.map((s) => migrate(s)));
      const total = (await readMigrations()).length;
      assert.equal(results.flat().length, total, "each migration applied by exactly one agent");
      const rows = await stores[0]!.pool.query("SELECT count(*)::int AS n FROM schema_migrations");
      assert.equal(rows.rows[0].n, total);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("refuse to run when an applied migration was changed, naming the file", async () => {
    const dir = join(scratch, "migrations-copy");
    await cp(fileURLToPath(DEFAULT_MIGRATIONS_DIR), dir, { recursive: true });
    const store = await open(await freshDatabase(), { migrationsDir: dir });
    try {
      await migrate(store, { dir });
      const [first] = await readMigrations(dir);
      const file = join(dir, first!.file);
      await writeFile(file, `${await readFile(file, "utf8")}\n-- edited after release\n`);
      await assert.rejects(migrate(store, { dir }), (error: Error) => {
        assert.match(error.message, new RegExp(first!.file));
        assert.match(error.message, /changed after it was applied/);
        return true;
      });
      const status = await migrationStatus(store, { dir });
      assert.equal(status[0]?.state, "changed");
    } finally {
      await store.close();
    }
  });

  it("run at openStore unless told not to", async () => {
    const url = await freshDatabase();
    const store = await openStore({ databaseUrl: url, dataDir: scratch });
    try {
      const status = await migrationStatus(store);
      assert.ok(status.length > 0 && status.every((s) => s.state === "applied"));
    } finally {
      await store.close();
    }
  });
});
