import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type pg from "pg";

/** From `cluster-agent/dist/store/` (and `src/store/`): the package's `migrations/` folder. */
export const DEFAULT_MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url);

/** Any constant works as long as every agent uses the same one: it serialises migration runs. */
const MIGRATION_LOCK_KEY = 7_216_853_409_551_001n;

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  version: number;
  name: string;
  state: "applied" | "pending" | "changed" | "unknown";
  appliedAt: Date | null;
}

interface Queryable {
  pool: pg.Pool;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function readMigrations(dir: URL | string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const path = typeof dir === "string" ? dir : fileURLToPath(dir);
  const files: MigrationFile[] = [];
  for (const file of (await readdir(path)).sort()) {
    if (!file.endsWith(".sql")) continue;
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new Error(`Migration file ${file} is not named NNNN_name.sql.`);
    const sql = await readFile(`${path.replace(/\/?$/, "/")}${file}`, "utf8");
    const version = Number(match[1]);
    if (files.some((m) => m.version === version)) throw new Error(`Two migrations have version ${version}.`);
    files.push({
      version,
      name: match[2]!,
      file,
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    });
  }
  return files;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  checksum   text NOT NULL
)`;

/**
 * Applies pending migrations in order, each in its own transaction. A session advisory lock makes
 * concurrent starts of several agents safe: the first applies, the others wait and find nothing to
 * do. An applied migration whose file has since changed stops everything: the database no longer
 * matches what the code believes, and guessing would be worse than refusing.
 */
export async function migrate(
  store: Queryable,
  options: { dir?: URL | string } = {},
): Promise<MigrationFile[]> {
  const migrations = await readMigrations(options.dir);
  const client = await store.pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query(CREATE_TABLE);
      const applied = await appliedMigrations(client);
      verifyChecksums(migrations, applied);
      const done: MigrationFile[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
            migration.version,
            migration.name,
            migration.checksum,
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw new Error(`Migration ${migration.file} failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        done.push(migration);
      }
      return done;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

export async function migrationStatus(
  store: Queryable,
  options: { dir?: URL | string } = {},
): Promise<MigrationStatus[]> {
  const migrations = await readMigrations(options.dir);
  const exists = await store.pool.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  const applied = exists.rows[0]?.present ? await appliedMigrations(store.pool) : new Map<number, Applied>();
  const rows: MigrationStatus[] = migrations.map((m) => {
    const row = applied.get(m.version);
    const state = !row ? "pending" : row.checksum === m.checksum ? "applied" : "changed";
    return { version: m.version, name: m.name, state, appliedAt: row?.applied_at ?? null };
  });
  for (const [version, row] of applied) {
    if (!migrations.some((m) => m.version === version)) {
      rows.push({ version, name: row.name, state: "unknown", appliedAt: row.applied_at });
    }
  }
  return rows.sort((a, b) => a.version - b.version);
}

interface Applied {
  name: string;
  checksum: string;
  applied_at: Date;
}

async function appliedMigrations(db: pg.Pool | pg.PoolClient): Promise<Map<number, Applied>> {
  const result = await db.query<Applied & { version: number }>(
    "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
  );
  return new Map(result.rows.map((row) => [row.version, row]));
}

function verifyChecksums(migrations: MigrationFile[], applied: Map<number, Applied>): void {
  for (const migration of migrations) {
    const row = applied.get(migration.version);
    if (row && row.checksum !== migration.checksum) {
      throw new Error(
        `Migration ${migration.file} was changed after it was applied (checksum differs). ` +
          "Restore the original file and put the change in a new migration.",
      );
    }
  }
}
