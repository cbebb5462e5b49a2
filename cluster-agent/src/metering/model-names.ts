import { CoalescedTask } from "../common/coalesce.js";
import type { Logger } from "../common/log.js";
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
  private readonly reloads = new CoalescedTask(() => this.load());
  private unlisten: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CatalogueNamesOptions) {}

  has(name: string): boolean {
    return this.names.has(name);
  }

  async start(): Promise<void> {
    const reload = () => void this.reloads.trigger("notify").catch(() => {});
    this.unlisten = await this.options.store.listen(MODELS_CHANNEL, reload, { onReconnect: reload });
    // Not worth refusing to start over: until it loads, refused requests are billed as "unknown".
    await this.reloads.trigger("start").catch(() => {});
    this.timer = setInterval(reload, this.options.resyncIntervalMs ?? 60_000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.unlisten?.();
    await this.reloads.running?.catch(() => {});
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
