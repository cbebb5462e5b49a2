import { join } from "node:path";
import pg from "pg";
import { type Logger, redactUrl } from "../common/log.js";
import { endPool } from "./db.js";
import { startEmbeddedPostgres } from "./embedded.js";
import { Listener } from "./listener.js";
import { migrate } from "./migrate.js";

export interface OpenStoreOptions {
  /** An external PostgreSQL (production); without it, the private server in `<dataDir>/postgres`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  logger?: Logger | undefined;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** Migrations folder; defaults to the package's own. */
  migrationsDir?: URL | string;
  /** Embedded server only: trade durability for speed. Tests only. */
  fast?: boolean;
  /** Pool size; the default suits one agent. */
  maxConnections?: number;
  /**
   * application_name of the pool's connections; agents pass `agentApplicationName(node)` so that
   * pg_stat_activity (and the leader lookup in control/peers.ts) can tell which node holds a lock.
   */
  applicationName?: string;
  /** Reconnect backoff of the LISTEN connection. */
  listenBackoff?: { initialMs: number; maxMs: number };
}

/** The application_name an agent's connections carry: "entrim-agent/<node>". */
export function agentApplicationName(node: string): string {
  return `entrim-agent/${node}`;
}

export interface ListenOptions {
  /** Called after the LISTEN connection came back: notifications may have been missed meanwhile. */
  onReconnect?: () => void;
}

export interface Store {
  readonly pool: pg.Pool;
  /** The connection string with its password masked, for logs and operators. */
  readonly location: string;
  /** "embedded" when this store uses the data dir's private server. */
  readonly kind: "external" | "embedded";
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    options?: ListenOptions,
  ): Promise<() => Promise<void>>;
  /** The LISTEN connection is up (false before the first listen() and while it reconnects). */
  isListening(): boolean;
  close(): Promise<void>;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const log = options.logger;
  const embedded = options.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
        dir: join(options.dataDir, "postgres"),
        logger: log,
        fast: options.fast,
      });
  const url = options.databaseUrl ?? embedded!.url;
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: options.applicationName ?? "entrim-agent",
  });
  // An idle client that loses its server emits here; unhandled, it would crash the agent, which must
  // keep serving from its caches instead.
  pool.on("error", (error) =>
    log?.warn({ err: error.message, store: location }, "idle database connection lost"),
  );
  // The pool listens only to its idle clients. A client checked out of it (a transaction, a
  // maintenance job, the rollout leader's lock) whose server goes away fails its query, which the
  // holder sees and handles, and then emits `error` as well: unheard, an uncaught exception that took
  // the agent down (a failover, a restart, Ctrl+C reaching the embedded server). Heard here, once per
  // client, for the client's whole life.
  pool.on("connect", (client) => client.on("error", () => {}));
  const listener = new Listener({
    connectionString: url,
    logger: log,
    initialBackoffMs: options.listenBackoff?.initialMs,
    maxBackoffMs: options.listenBackoff?.maxMs,
  });
  let closed = false;
  const store: Store = {
    pool,
    location,
    kind: embedded ? "embedded" : "external",
    listen: (channel, onPayload, listenOptions) =>
      listener.listen(channel, onPayload, listenOptions?.onReconnect),
    isListening: () => listener.connected,
    close: async () => {
      if (closed) return;
      closed = true;
      await listener.close();
      await endPool(pool);
      await embedded?.stop();
    },
  };
  try {
    await pool.query("SELECT 1");
    if (options.migrate !== false) {
      const applied = await migrate(store, { dir: options.migrationsDir });
      for (const m of applied) log?.info({ version: m.version, name: m.name }, "applied migration");
    }
  } catch (error) {
    await store.close().catch(() => {});
    throw new Error(`Cannot use the store at ${location}: ${(error as Error).message}`, { cause: error });
  }
  log?.debug({ store: location }, "store open");
  return store;
}
