import type { Logger } from "../common/log.js";
import { StoreMirror } from "../store/mirror.js";
import { listModelNames, listModelRetirements, MODELS_CHANNEL } from "../store/models.js";
import type { Store } from "../store/store.js";

export interface CatalogueNamesOptions {
  store: Pick<Store, "pool" | "listen">;
  logger?: Logger | undefined;
  /** Full reload, a safety net under NOTIFY (default 60 s). */
  resyncIntervalMs?: number;
}

/** When a catalogue model stops being served (epoch ms) and what replaces it. */
export interface Retirement {
  atMs: number;
  replacement: string | null;
}

/**
 * The names in the cluster's model catalogue, in memory: what a refused request may be billed under
 * besides the models this node serves, and which models are retired (refused from their date on, as
 * the deprecation notice promised, whatever nodes still load). A notification on entrim_models only says that the catalogue
 * changed (its payload is not read), and the names are re-read, one query at a time.
 */
export class CatalogueNames {
  private names = new Set<string>();
  private retirements = new Map<string, Retirement>();
  private readonly mirror: StoreMirror;

  constructor(private readonly options: CatalogueNamesOptions) {
    this.mirror = new StoreMirror({
      store: options.store,
      channel: MODELS_CHANNEL,
      // Not worth refusing to start over: until it loads, refused requests are billed as "unknown".
      load: () => this.load().catch(() => {}),
      resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
    });
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The model's retirement when it has taken effect at `nowMs`; else undefined (one map lookup). */
  retired(name: string, nowMs: number): Retirement | undefined {
    const retirement = this.retirements.get(name);
    return retirement !== undefined && retirement.atMs <= nowMs ? retirement : undefined;
  }

  /** A retirement scheduled or in force, for listings that show the date. */
  retirement(name: string): Retirement | undefined {
    return this.retirements.get(name);
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  async stop(): Promise<void> {
    await this.mirror.stop();
    await this.mirror.running;
  }

  private async load(): Promise<void> {
    try {
      const [names, retirements] = await Promise.all([
        listModelNames(this.options.store.pool),
        listModelRetirements(this.options.store.pool),
      ]);
      this.names = new Set(names);
      this.retirements = new Map(
        retirements.map((r) => [r.name, { atMs: r.retiresAt.getTime(), replacement: r.replacement }]),
      );
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "could not read the model catalogue; keeping the names already known",
      );
      throw error;
    }
  }
}
