import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type EmbeddedServer, startEmbeddedPostgres } from "../store/embedded.js";
import { openStore, type Store } from "../store/store.js";

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real, empty PostgreSQL database for one test file. With ENTRIM_TEST_DATABASE_URL (a server the
 * developer or CI runs) it creates a uniquely named database there and drops it afterwards; otherwise
 * it starts a private embedded server through the store's own code path, with fsync off for speed.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const shared = process.env.ENTRIM_TEST_DATABASE_URL;
  if (shared) return createDatabaseOn(shared);
  const dir = await makeTempDataDir();
  let server: EmbeddedServer;
  try {
    server = await startEmbeddedPostgres({ dir: join(dir, "postgres"), fast: true });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestStore {
  store: Store;
  url: string;
  dataDir: string;
  /** Closes the store, stops the server and removes the temporary data dir. */
  close(): Promise<void>;
}

/** A migrated store on a fresh test database, for tests of repositories and store-fed components. */
export async function openTestStore(): Promise<TestStore> {
  const server = await startTestPostgres();
  const dataDir = await makeTempDataDir();
  const store = await openStore({ databaseUrl: server.url, dataDir });
  return {
    store,
    url: server.url,
    dataDir,
    close: async () => {
      await store.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A temporary data dir the embedded server's unprivileged user can reach (mkdtemp makes 0700). */
export async function makeTempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "entrim-test-"));
  await chmod(dir, 0o711);
  return dir;
}

async function createDatabaseOn(serverUrl: string): Promise<TestPostgres> {
  const name = `entrim_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
