import { randomBytes } from "node:crypto";
import pg from "pg";

/** Repositories take any of these, so a caller can run several of them in one transaction. */
export type Db = pg.Pool | pg.PoolClient | pg.Client;

/** A failure the caller can explain to a person: bad input, a missing row, a conflicting state. */
export class StoreError extends Error {
  constructor(
    readonly code: "invalid" | "not_found" | "conflict",
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export function isPgError(error: unknown, code: string): error is Error & { constraint?: string } {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

export const UNIQUE_VIOLATION = "23505";
export const CHECK_VIOLATION = "23514";

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** `<prefix>_<16 chars>`: ~82 random bits, unguessable and short enough to read to a colleague. */
export function randomId(prefix: string, length = 16): string {
  let id = "";
  while (id.length < length) {
    for (const byte of randomBytes(length)) {
      // 252 = 7 * 36: rejecting the top four values keeps every character equally likely.
      if (byte < 252 && id.length < length) id += ID_ALPHABET[byte % 36];
    }
  }
  return `${prefix}_${id}`;
}

/**
 * Runs fn in a transaction. Given a pool, it takes a connection and commits or rolls back; given a
 * client, the caller already holds one (and its transaction), so fn runs as it is. `begin` may ask for
 * another isolation level or a read-only transaction.
 */
export async function transaction<T>(db: Db, fn: (client: Db) => Promise<T>, begin = "BEGIN"): Promise<T> {
  if (!(db instanceof pg.Pool)) return fn(db);
  const client = await db.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** How long endPool waits for a pool's connections to close once it has ended the pool. */
const END_WAIT_MS = 5_000;

/**
 * Ends a pool and waits until its connections have closed, at most END_WAIT_MS. `pool.end()`
 * resolves as soon as it has asked each client to end, before their sockets close: a server stopped
 * right after (the embedded PostgreSQL at shutdown, a test's server) tells a still-open connection
 * "terminating connection due to administrator command", and the pool re-emits that as `error`,
 * which is an uncaught exception where nobody listens and a false "connection lost" where one does.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  let open = pool.totalCount;
  let timer: NodeJS.Timeout | undefined;
  let onRemove = () => {};
  const closed = new Promise<void>((resolve) => {
    onRemove = () => {
      open -= 1;
      if (open <= 0) resolve();
    };
    timer = setTimeout(resolve, END_WAIT_MS);
    timer.unref();
  });
  pool.on("remove", onRemove);
  try {
    await pool.end();
    if (open > 0) await closed;
  } finally {
    clearTimeout(timer);
    pool.off("remove", onRemove);
  }
}
