import type { Runtime } from "../runtime/types.js";
import type { Scheduler } from "../scheduler/scheduler.js";

/** A model the node serves: its runtime and the scheduler that guards the runtime's slots. */
export interface ServedModel {
  runtime: Runtime;
  scheduler: Scheduler;
}

/** The models this node serves under their public names. */
export class ModelRegistry {
  private readonly models = new Map<string, ServedModel>();
  private loaded = false;

  add(model: ServedModel): void {
    if (this.models.has(model.runtime.model.id))
      throw new Error(`model ${model.runtime.model.id} is served twice`);
    this.models.set(model.runtime.model.id, model);
  }

  get(id: string): ServedModel | undefined {
    return this.models.get(id);
  }

  list(): ServedModel[] {
    return [...this.models.values()];
  }

  async loadAll(): Promise<void> {
    for (const model of this.models.values()) await model.runtime.load();
    this.loaded = true;
  }

  async unloadAll(): Promise<void> {
    this.loaded = false;
    await Promise.allSettled([...this.models.values()].map((m) => m.runtime.unload()));
  }

  /** Ready for traffic: every model loaded and at least one served. */
  isReady(): boolean {
    return this.loaded && this.models.size > 0;
  }
}
