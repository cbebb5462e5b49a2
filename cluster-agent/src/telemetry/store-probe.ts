import type { StoreStatus } from "@entrim/proto";

/** What the probe needs of the store: a pool to ask, and whether LISTEN is up. */
export interface ProbedStore {
  pool: { query(sql: string): Promise<unknown> };
  isListening(): boolean;
}

export interface StoreProbeOptions {
  store: ProbedStore;
  /** A round trip slower than this counts as a failure (the pool may be waiting for a connection). */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Store connectivity for telemetry: one `SELECT 1` per telemetry sample, never two at once. A round
 * trip that does not return within the timeout marks the store unreachable without waiting for the
 * pool's own (much longer) connection timeout.
 */
export class StoreProbe {
  private connected = false;
  private lastOkAt = 0;
  private error = "not probed yet";
  private running: Promise<void> | null = null;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: StoreProbeOptions) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** Runs one round trip (or joins the one running); never rejects. */
  probe(): Promise<void> {
    this.running ??= this.roundTrip().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  status(): StoreStatus {
    return {
      connected: this.connected,
      listening: this.options.store.isListening(),
      lastOkAtMs: this.lastOkAt,
      error: this.connected ? "" : this.error,
    };
  }

  private async roundTrip(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from the store within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    const query = this.options.store.pool.query("SELECT 1");
    // A late rejection after the timeout won is expected and already accounted for.
    query.catch(() => {});
    try {
      await Promise.race([query, timeout]);
      this.connected = true;
      this.lastOkAt = this.now();
      this.error = "";
    } catch (error) {
      this.connected = false;
      // pg's messages name hosts and ports, never passwords; still, only the message, not the object.
      this.error = (error as Error).message.slice(0, 300);
    } finally {
      clearTimeout(timer);
    }
  }
}
