import pg from "pg";
import type { Logger } from "../common/log.js";

export type NotificationHandler = (payload: string) => void;

interface Subscription {
  channel: string;
  onPayload: NotificationHandler;
  onReconnect?: (() => void) | undefined;
}

export interface ListenerOptions {
  connectionString: string;
  logger?: Logger | undefined;
  /** First delay before reconnecting; doubles up to maxBackoffMs, with jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One dedicated connection per store carries every LISTEN: pooled connections cannot, because LISTEN
 * belongs to a session. When the connection drops, it reconnects with backoff, re-issues LISTEN for
 * every channel, then calls each subscriber's onReconnect: notifications sent while it was away are
 * lost, so subscribers resync from the tables.
 */
export class Listener {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoff: number;

  constructor(private readonly options: ListenerOptions) {
    this.backoff = options.initialBackoffMs ?? 100;
  }

  /**
   * Resolves once LISTEN is in effect, so a change committed after it is guaranteed to be delivered.
   * Rejects only if there is no connection yet and the first attempt fails.
   */
  async listen(
    channel: string,
    onPayload: NotificationHandler,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    if (this.closed) throw new Error("The store is closed.");
    const subscription: Subscription = { channel, onPayload, onReconnect };
    this.subscriptions.add(subscription);
    try {
      const client = this.client ?? (this.retryTimer ? undefined : await this.connect());
      // While reconnecting, the reconnect itself will LISTEN on this channel.
      if (client) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw error;
    }
    return async () => {
      if (!this.subscriptions.delete(subscription)) return;
      const stillWanted = [...this.subscriptions].some((s) => s.channel === channel);
      if (!stillWanted && this.client) {
        await this.client.query(`UNLISTEN ${this.client.escapeIdentifier(channel)}`).catch(() => {});
      }
    };
  }

  /** LISTEN is connected now (notifications arrive in milliseconds); false while reconnecting. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private connect(): Promise<pg.Client> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      // A silently dead peer (a dropped NAT entry) otherwise goes unnoticed for hours.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: "entrim-listener",
    });
    client.on("notification", (message) => {
      for (const s of this.subscriptions) {
        if (s.channel !== message.channel) continue;
        try {
          s.onPayload(message.payload ?? "");
        } catch (error) {
          this.options.logger?.error({ err: error, channel: s.channel }, "notification handler failed");
        }
      }
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      if (this.closed) return;
      this.options.logger?.warn({ err: error?.message }, "LISTEN connection lost; reconnecting");
      this.scheduleReconnect();
    };
    // Errors before the connection is up reject connect(); afterwards they mean the connection is lost.
    let up = false;
    client.on("error", (error) => up && onLost(error));
    client.on("end", () => up && onLost());
    try {
      await client.connect();
      for (const channel of new Set([...this.subscriptions].map((s) => s.channel))) {
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      }
    } catch (error) {
      client.end().catch(() => {});
      throw error;
    }
    up = true;
    if (this.closed) {
      await client.end().catch(() => {});
      throw new Error("The store is closed.");
    }
    this.client = client;
    return client;
  }

  private scheduleReconnect(): void {
    const max = this.options.maxBackoffMs ?? 5_000;
    const wait = Math.min(this.backoff, max) * (0.5 + Math.random() / 2);
    this.backoff = Math.min(this.backoff * 2, max);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().then(
        () => {
          this.backoff = this.options.initialBackoffMs ?? 100;
          this.options.logger?.info("LISTEN connection re-established");
          for (const s of this.subscriptions) s.onReconnect?.();
        },
        () => {
          if (!this.closed) this.scheduleReconnect();
        },
      );
    }, wait);
  }
}
