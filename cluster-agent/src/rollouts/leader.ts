/**
 * Which agent drives rollouts: the one holding a session advisory lock on a connection it keeps open.
 * Every agent tries to take it every second; when the leader dies (kill -9 included) PostgreSQL ends
 * its session and releases the lock, the next agent takes it and continues every running rollout from
 * the store (driver.ts steps are idempotent). While leading, rollouts advance on every change the
 * nodes report (NOTIFY) and on a short tick (gate windows and pauses are time-based).
 */
import type pg from "pg";
import type { Logger } from "../common/log.js";
import { MODELS_CHANNEL } from "../store/models.js";
import { DRIVEN_STATES, ROLLOUTS_CHANNEL } from "../store/rollouts.js";
import type { Store } from "../store/store.js";
import { advanceRollout, type DriverContext } from "./driver.js";

export const ROLLOUT_LEADER_LOCK_KEY = 7_216_853_409_551_011n;

export interface RolloutLeaderOptions extends DriverContext {
  store: Pick<Store, "pool" | "listen">;
  logger: Logger;
  /** How often a follower tries to become leader, and the leader re-checks time-based steps. */
  tickMs?: number;
}

export class RolloutLeader {
  private client: pg.PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>)[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly o: RolloutLeaderOptions) {}

  get isLeader(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    const wake = () => this.wake();
    for (const channel of [ROLLOUTS_CHANNEL, MODELS_CHANNEL])
      this.unlisten.push(await this.o.store.listen(channel, wake, { onReconnect: wake }));
    this.timer = setInterval(wake, this.o.tickMs ?? 500);
    this.timer.unref();
    wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const off of this.unlisten) await off().catch(() => {});
    await this.running;
    await this.release();
  }

  /** Runs a pass now, or once more after the current one. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass().catch((error: Error) =>
          this.o.logger.warn({ err: error.message }, "rollout pass failed; retrying on the next tick"),
        );
      } while (this.again && !this.stopped);
      this.running = undefined;
    })();
  }

  private async pass(): Promise<void> {
    if (!(await this.lead())) return;
    const result = await this.o.store.pool.query("SELECT id FROM rollouts WHERE state = ANY($1::text[])", [
      DRIVEN_STATES,
    ]);
    for (const { id } of result.rows as { id: string }[]) {
      if (this.stopped) return;
      const before = await advanceRollout(this.o.store.pool, id, this.o);
      this.o.logger.trace({ rollout: id, state: before }, "rollout advanced");
    }
  }

  /** True while this agent holds the lock; tries to take it otherwise. */
  private async lead(): Promise<boolean> {
    if (this.client) {
      try {
        // The session still exists (a dead connection would mean the lock is gone, and maybe taken).
        await this.client.query("SELECT 1");
        return true;
      } catch (error) {
        this.o.logger.warn({ err: (error as Error).message }, "lost the rollout leader connection");
        this.client.release(true);
        this.client = undefined;
      }
    }
    const client = await this.o.store.pool.connect();
    let keep = false;
    try {
      // An error on this held connection cannot crash the agent (openStore's pool hears every
      // client's errors); the next pass's SELECT 1 notices the loss.
      const locked = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
        ROLLOUT_LEADER_LOCK_KEY.toString(),
      ]);
      keep = locked.rows[0]?.ok === true;
    } finally {
      if (!keep) client.release();
    }
    if (keep) {
      this.client = client;
      this.o.logger.info({ node: this.o.node }, "leading rollouts");
    }
    return keep;
  }

  private async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client.query("SELECT pg_advisory_unlock($1)", [ROLLOUT_LEADER_LOCK_KEY.toString()]).catch(() => {});
    client.release();
  }
}
