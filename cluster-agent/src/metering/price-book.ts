import { EventEmitter } from "node:events";
import { hintFields } from "../common/hints.js";
import type { Logger } from "../common/log.js";
import type { Price, PriceBook } from "../domain/pricing.js";
import { StoreMirror } from "../store/mirror.js";
import { getPriceVersionsByIds, listPriceVersions, PRICES_CHANNEL } from "../store/prices.js";
import type { Store } from "../store/store.js";

export interface StorePriceBookOptions {
  store: Pick<Store, "pool" | "listen">;
  logger?: Logger | undefined;
  /** Full reload, a safety net under NOTIFY (default 60 s). */
  resyncIntervalMs?: number;
}

/** Versions of one model, sorted by effectiveFrom ascending (unique per model in the store). */
type Versions = Price[];

/** The last version with effectiveFrom ≤ at, by binary search: this runs on every request. */
export function findPrice(versions: Versions, at: number): Price | null {
  let lo = 0;
  let hi = versions.length - 1;
  let found: Price | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = versions[mid]!;
    if (candidate.effectiveFrom <= at) {
      found = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Inserts keeping the order; a version already known (same id) is left as it is. */
export function insertVersion(versions: Versions, price: Price): void {
  if (versions.some((v) => v.version === price.version)) return;
  let i = versions.length;
  while (i > 0 && versions[i - 1]!.effectiveFrom > price.effectiveFrom) i--;
  versions.splice(i, 0, price);
}

/** The price version a notification names, if it reads as one. */
function hintedVersion(payload: string): string | undefined {
  const version = hintFields(payload, "version")?.version;
  return version && /^[0-9]{1,18}$/.test(version) ? version : undefined;
}

/**
 * The price versions of the cluster, served from memory: loaded at start, kept current by NOTIFY on
 * entrim_prices and by a periodic and post-reconnect reload. A notification only names a version, which
 * is then read from the table (batched, one query at a time): a forged payload cannot set a price. Versions are immutable and may not start
 * in the past, so a NOTIFY that arrives late still lands before its effective time in practice, and the
 * reload repairs anything missed. When the store is away the book keeps the versions it has.
 *
 * Emits "change" (the Price) once a notified version is applied, and "reload" after a full reload.
 */
export class StorePriceBook extends EventEmitter implements PriceBook {
  private byModel = new Map<string, Versions>();
  private readonly mirror: StoreMirror;

  constructor(private readonly options: StorePriceBookOptions) {
    super();
    this.mirror = new StoreMirror({
      store: options.store,
      channel: PRICES_CHANNEL,
      load: () => this.runReload(),
      resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
      hints: { key: hintedVersion, read: (ids) => this.reread(ids) },
    });
  }

  priceAt(model: string, at: number): Price | null {
    const versions = this.byModel.get(model);
    return versions ? findPrice(versions, at) : null;
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  stop(): Promise<void> {
    return this.mirror.stop();
  }

  /** Reloads every version; concurrent calls coalesce (a call during a reload queues one more). */
  reload(): Promise<void> {
    return this.mirror.resync("reload");
  }

  private async runReload(): Promise<void> {
    try {
      const loaded = new Map<string, Versions>();
      for (const version of await listPriceVersions(this.options.store.pool)) {
        const { createdAt: _, createdBy: __, ...price } = version;
        const versions = loaded.get(price.model);
        if (versions) versions.push(price);
        else loaded.set(price.model, [price]);
      }
      // A NOTIFY applied while the query ran may be newer than the query's snapshot: keep it.
      for (const [model, versions] of this.byModel) {
        for (const price of versions) {
          const target = loaded.get(model);
          if (target) insertVersion(target, price);
          else loaded.set(model, [price]);
        }
      }
      this.byModel = loaded;
      this.emit("reload");
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "price reload failed; pricing with the versions already known",
      );
      throw error;
    }
  }

  private async reread(ids: string[]): Promise<void> {
    let versions: Awaited<ReturnType<typeof getPriceVersionsByIds>>;
    try {
      versions = await getPriceVersionsByIds(this.options.store.pool, ids);
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "could not read notified price versions; the next reload applies them",
      );
      throw error;
    }
    for (const { createdAt: _, createdBy: __, ...price } of versions) {
      const known = this.byModel.get(price.model);
      if (known) insertVersion(known, price);
      else this.byModel.set(price.model, [price]);
      this.emit("change", price);
    }
  }
}
