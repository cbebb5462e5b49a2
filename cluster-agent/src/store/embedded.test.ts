import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { makeTempDataDir } from "../test-support/postgres.js";
import { processGroupOf } from "../test-support/process-group.js";
import { startEmbeddedPostgres } from "./embedded.js";
import { hydrateSymlinks, loadEmbeddedPostgres } from "./embedded-binaries.js";
import { readPostmaster } from "./embedded-files.js";
import { isProcessAlive } from "./file-lock.js";
import { openStore } from "./store.js";

let base: string;
before(async () => {
  base = await makeTempDataDir();
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe("embedded PostgreSQL", () => {
  it("loads without taking over the process's signal and exit handling", async () => {
    const events = ["SIGINT", "SIGTERM", "SIGHUP", "beforeExit", "exit"] as const;
    const before = events.map((event) => process.listenerCount(event));
    await loadEmbeddedPostgres();
    assert.deepEqual(
      events.map((event) => process.listenerCount(event)),
      before,
    );
  });

  it("is shared by two stores on one data dir, stopped by its starter, and keeps data across restarts", async () => {
    const dataDir = join(base, "shared");
    const first = await openStore({ dataDir, fast: true });
    const second = await openStore({ dataDir, fast: true });
    assert.equal(first.kind, "embedded");
    assert.doesNotMatch(first.location, new RegExp((await readConfig(dataDir)).password), "password masked");
    await first.pool.query("CREATE TABLE survives (v text)");
    await first.pool.query("INSERT INTO survives VALUES ('kept')");
    assert.equal((await second.pool.query("SELECT v FROM survives")).rows[0].v, "kept");

    await second.close();
    assert.equal(
      (await first.pool.query("SELECT count(*)::int AS n FROM survives")).rows[0].n,
      1,
      "still up",
    );
    const url = urlOf(await readConfig(dataDir));
    await first.close();
    assert.equal(await canConnect(url), false, "the starter stops the server on close");

    const again = await openStore({ dataDir, fast: true });
    try {
      assert.equal((await again.pool.query("SELECT v FROM survives")).rows[0].v, "kept");
    } finally {
      await again.close();
    }
  });

  it("runs the server in a process group of its own, so a terminal's Ctrl+C reaches the agent alone", async () => {
    const dir = join(base, "group", "postgres");
    const server = await startEmbeddedPostgres({ dir, fast: true });
    try {
      const state = await readPostmaster(join(dir, "pgdata"));
      assert.ok(state?.alive);
      assert.equal(processGroupOf(state.pid), state.pid, "the server leads a group of its own");
      assert.notEqual(processGroupOf(state.pid), processGroupOf(process.pid));
    } finally {
      await server.stop();
    }
  });

  it("starts over a stale postmaster.pid left by a crash", async () => {
    const dataDir = join(base, "stale");
    await (await openStore({ dataDir, fast: true, migrate: false })).close();
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    assert.ok(dead && !isProcessAlive(dead));
    const pidFile = join(dataDir, "postgres", "pgdata", "postmaster.pid");
    await writeFile(
      pidFile,
      `${dead}\n${join(dataDir, "postgres", "pgdata")}\n0\n5432\n\n127.0.0.1\n0 0\nready\n`,
    );
    const store = await openStore({ dataDir, fast: true, migrate: false });
    try {
      assert.equal((await store.pool.query("SELECT 1 AS one")).rows[0].one, 1);
    } finally {
      await store.close();
    }
  });

  it("replaces a server orphaned by a killed agent", async () => {
    const dataDir = join(base, "orphan");
    const storeModule = new URL("./store.js", import.meta.url).href;
    const script = `const { openStore } = await import(${JSON.stringify(storeModule)});
      await openStore({ dataDir: ${JSON.stringify(dataDir)}, fast: true, migrate: false });
      process.stdout.write("ready\\n");`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
      child.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const orphan = await readPostmaster(join(dataDir, "postgres", "pgdata"));
    assert.ok(orphan?.alive, "the server outlived its agent");

    const store = await openStore({ dataDir, fast: true, migrate: false });
    try {
      const now = await readPostmaster(join(dataDir, "postgres", "pgdata"));
      assert.notEqual(now?.pid, orphan.pid);
      assert.equal(isProcessAlive(orphan.pid), false);
      assert.equal((await store.pool.query("SELECT 1 AS one")).rows[0].one, 1);
    } finally {
      await store.close();
    }
  });

  it("explains a port that is taken and a data dir that cannot be created", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(
        startEmbeddedPostgres({ dir: join(base, "busy", "postgres"), port, fast: true }),
        /in use/,
      );
    } finally {
      blocker.close();
    }
    const file = join(base, "a-file");
    await writeFile(file, "");
    await assert.rejects(openStore({ dataDir: join(file, "data") }), /data directory .* is not writable/);
  });

  it("re-creates the binaries' library symlinks, idempotently", async () => {
    const pkg = join(base, "fake-package");
    await mkdir(join(pkg, "native", "lib"), { recursive: true });
    await writeFile(join(pkg, "native", "lib", "libx.so.5.18"), "lib");
    await writeFile(
      join(pkg, "native", "pg-symlinks.json"),
      JSON.stringify([
        { source: "native/lib/libx.so.5.18", target: "native/lib/libx.so.5" },
        { source: "native/lib/libx.so.5.18", target: "native/lib/libx.so" },
      ]),
    );
    assert.equal(await hydrateSymlinks(pkg), 2);
    assert.equal(await hydrateSymlinks(pkg), 0);
    assert.equal(await readlink(join(pkg, "native", "lib", "libx.so")), "libx.so.5.18");
    assert.equal(await readFile(join(pkg, "native", "lib", "libx.so.5"), "utf8"), "lib");
  });
});

async function readConfig(
  dataDir: string,
): Promise<{ port: number; password: string; user: string; database: string }> {
  return JSON.parse(await readFile(join(dataDir, "postgres", "instance.json"), "utf8"));
}

function urlOf(c: { port: number; password: string; user: string; database: string }): string {
  return `postgresql://${c.user}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/${c.database}`;
}
