import type { Logger } from "../common/log.js";
import { StoreMirror } from "../store/mirror.js";
import { listModelNames, MODELS_CHANNEL } from "../store/models.js";
import type { Store } from "../store/store.js";

export interface CatalogueNamesOptions {
  store: Pick<Store, "pool" | "listen">;
  logger?: Logger | undefined;
  /** Full reload, a safety net under NOTIFY (default 60 s). */
  resyncIntervalMs?: number;
}

/**
 * The names in the cluster's model catalogue, in memory: what a refused request may be billed under
 * besides the models this node serves. A notification on entrim_models only says that the catalogue
 * changed (its payload is not read), and the names are re-read, one query at a time.
 */
export class CatalogueNames {
  private names = new Set<string>();
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

  start(): Promise<void> {
    return this.mirror.start();
  }

  async stop(): Promise<void> {
    await this.mirror.stop();
    await this.mirror.running;
  }

  private async load(): Promise<void> {
    try {
      this.names = new Set(await listModelNames(this.options.store.pool));
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "could not read the model catalogue; keeping the names already known",
      );
      throw error;
    }
  }
}
