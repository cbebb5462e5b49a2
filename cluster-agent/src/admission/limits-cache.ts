import { EventEmitter } from "node:events";
import { hintFields } from "../common/hints.js";
import type { Logger } from "../common/log.js";
import { type LimitValues, listLimits, listLimitsOf } from "../store/limits.js";
import { StoreMirror } from "../store/mirror.js";
import type { Store } from "../store/store.js";

/** The channel 0003_rate_limits.sql's trigger notifies on. */
export const LIMITS_CHANNEL = "entrim_limits";

/**
 * A row as re-read after a notification ("delete": it is gone). The trigger's payload has this shape,
 * but only its accountId and keyId are used: a payload is a hint, never the limits themselves.
 */
export interface LimitNotification {
  op: "insert" | "update" | "delete";
  accountId: string;
  keyId: string | null;
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  spendCapEur: number | string | null;
}

export interface LimitsCacheOptions {
  store: Pick<Store, "pool" | "listen">;
  logger?: Logger | undefined;
  /** Full reload, a safety net under NOTIFY (default 60 s). */
  resyncIntervalMs?: number;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * Every account's and key's limits in memory: loaded at start, kept current by NOTIFY (a change
 * applies on every agent within milliseconds: the notification names the row, which is re-read,
 * batched one query at a time, so a forged payload changes nothing) and by periodic and
 * post-reconnect full reloads. When the store is away it keeps enforcing what it knows (fail-static).
 * Rows without any limit are not kept, so the hot path's lookup misses fast for unlimited customers.
 *
 * Emits "change" (LimitNotification, once applied) and "resync" ({ reason, entries }).
 */
export class LimitsCache extends EventEmitter {
  private accounts = new Map<string, LimitValues>();
  private keys = new Map<string, LimitValues>();
  /** Re-reads applied while a reload was in flight: re-applied over its (possibly older) result. */
  private pending: LimitNotification[] | undefined;
  private readonly mirror: StoreMirror;

  constructor(private readonly options: LimitsCacheOptions) {
    super();
    this.mirror = new StoreMirror({
      store: options.store,
      channel: LIMITS_CHANNEL,
      load: (reason) => this.load(reason),
      resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
      hints: { key: hintedRow, read: (targets) => this.reread(targets) },
    });
  }

  /** The account's own limits (its total, and the default for its keys). */
  account(accountId: string): LimitValues | undefined {
    return this.accounts.get(accountId);
  }

  /** The key's overrides only; null fields inherit the account's. */
  key(keyId: string): LimitValues | undefined {
    return this.keys.get(keyId);
  }

  get size(): number {
    return this.accounts.size + this.keys.size;
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  async stop(): Promise<void> {
    await this.mirror.stop();
    await this.mirror.running?.catch(() => {});
  }

  /** Reloads every row; concurrent calls share one reload. Rejects (keeping the old state) on failure. */
  resync(reason: string): Promise<void> {
    return this.mirror.resync(reason);
  }

  private async load(reason: string): Promise<void> {
    this.pending = [];
    try {
      const rows = await listLimits(this.options.store.pool);
      const accounts = new Map<string, LimitValues>();
      const keys = new Map<string, LimitValues>();
      for (const row of rows) {
        const values = compact(row);
        if (values) (row.keyId === null ? accounts : keys).set(row.keyId ?? row.accountId, values);
      }
      this.accounts = accounts;
      this.keys = keys;
      for (const note of this.pending) this.apply(note);
      this.options.logger?.debug({ reason, entries: this.size }, "rate limits resynced");
      this.emit("resync", { reason, entries: this.size });
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message, reason },
        "rate-limit resync failed; enforcing the cached limits",
      );
      throw error;
    } finally {
      this.pending = undefined;
    }
  }

  /** Re-reads the rows notifications named ("account\nkey", key empty for the account's own row). */
  private async reread(targets: string[]): Promise<void> {
    const wanted = targets.map((t) => {
      const [accountId = "", keyId = ""] = t.split("\n");
      return { accountId, keyId: keyId || null };
    });
    let rows: Awaited<ReturnType<typeof listLimitsOf>>;
    try {
      rows = await listLimitsOf(this.options.store.pool, {
        accountIds: wanted.filter((w) => w.keyId === null).map((w) => w.accountId),
        keyIds: wanted.flatMap((w) => (w.keyId === null ? [] : [w.keyId])),
      });
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "could not re-read notified rate limits; the next resync applies them",
      );
      throw error;
    }
    const notes = wanted.map(({ accountId, keyId }): LimitNotification => {
      // A key's row is found by the key alone: the payload's account id is not trusted either.
      const row = rows.find((r) =>
        keyId === null ? r.keyId === null && r.accountId === accountId : r.keyId === keyId,
      );
      if (!row)
        return { op: "delete", accountId, keyId, rpm: null, tpm: null, concurrency: null, spendCapEur: null };
      const { rpm, tpm, concurrency, spendCapEur } = row;
      return { op: "update", accountId: row.accountId, keyId, rpm, tpm, concurrency, spendCapEur };
    });
    for (const note of notes) {
      this.pending?.push(note);
      this.apply(note);
    }
    for (const note of notes) this.emit("change", note);
  }

  private apply(note: LimitNotification): void {
    const map = note.keyId === null ? this.accounts : this.keys;
    const id = note.keyId ?? note.accountId;
    const values = note.op === "delete" ? undefined : compact(note);
    if (values) map.set(id, values);
    else map.delete(id);
  }
}

/** The row a notification names ("account\nkey", key empty for the account's own row), if readable. */
function hintedRow(payload: string): string | undefined {
  const hint = hintFields(payload, "accountId");
  const keyId = hintFields(payload, "keyId")?.keyId ?? "";
  return hint ? `${hint.accountId}\n${keyId}` : undefined;
}

function compact(row: {
  rpm: unknown;
  tpm: unknown;
  concurrency: unknown;
  spendCapEur: unknown;
}): LimitValues | undefined {
  const values: LimitValues = {
    rpm: num(row.rpm),
    tpm: num(row.tpm),
    concurrency: num(row.concurrency),
    spendCapEur: num(row.spendCapEur),
  };
  const any =
    values.rpm !== null || values.tpm !== null || values.concurrency !== null || values.spendCapEur !== null;
  return any ? Object.freeze(values) : undefined;
}
