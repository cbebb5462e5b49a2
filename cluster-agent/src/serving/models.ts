import type { CancelSignal } from "../common/cancellation.js";
import { ApiError } from "../common/errors.js";
import type { Runtime } from "../runtime/types.js";
import { ClientGoneError, type Scheduler } from "../scheduler/scheduler.js";

/** What a model version is made of: its runtime and the scheduler that guards the runtime's slots. */
export interface ServedModelSpec {
  runtime: Runtime;
  scheduler: Scheduler;
  /** Which version of the model this is (artifact digest, tag); absent for unversioned configs. */
  version?: string | null;
}

/**
 * One version of a model the node serves. A request enters it once (models.enter) and leaves it when
 * its response has ended, so the count covers the whole request, including the time before it takes
 * a scheduler slot: a retiring version is unloaded exactly when its last request ends, never while a
 * request that already chose it is still counting its prompt or waiting in its queue.
 */
export class ServedModel {
  readonly runtime: Runtime;
  readonly scheduler: Scheduler;
  readonly version: string | null;
  #inFlight = 0;
  #admitting = true;
  #idle: (() => void)[] = [];

  constructor(spec: ServedModelSpec) {
    this.runtime = spec.runtime;
    this.scheduler = spec.scheduler;
    this.version = spec.version ?? null;
  }

  /** Requests that entered this version and have not ended. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** False while a rotation drains this version or after it was replaced. */
  get admitting(): boolean {
    return this.#admitting;
  }

  /** Counts a request against this version; false when it admits no more requests. */
  tryEnter(): boolean {
    if (!this.#admitting) return false;
    this.#inFlight++;
    return true;
  }

  /** Ends a request's hold on this version; call exactly once per successful tryEnter. */
  leave(): void {
    this.#inFlight--;
    if (this.#inFlight === 0 && this.#idle.length > 0) {
      const waiting = this.#idle;
      this.#idle = [];
      for (const resolve of waiting) resolve();
    }
  }

  /** Resolves once no request holds this version (at once when none does). */
  whenIdle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** @internal the registry's: requests that arrive meanwhile wait for the model instead. */
  setAdmitting(admitting: boolean): void {
    this.#admitting = admitting;
  }
}

/** A second rotation of a model while one runs; the first keeps going. */
export class RotationInProgressError extends Error {
  constructor(
    readonly modelId: string,
    readonly toVersion: string,
  ) {
    super(`model ${modelId} is already being rotated (to version ${toVersion}); wait for it to finish`);
    this.name = "RotationInProgressError";
  }
}

/**
 * The models this node serves under their public names. Each name has one current version, which new
 * requests get; versions replaced by a rotation stay here as retiring until their last request ended.
 */
export class ModelRegistry {
  private readonly models = new Map<string, ServedModel>();
  private readonly retiring = new Set<ServedModel>();
  /** Requests held while a name's current version does not admit (a rotation drains it). */
  private readonly held = new Map<string, Set<() => void>>();
  private readonly rotations = new Map<string, { version: string }>();
  private loaded = false;

  add(spec: ServedModelSpec | ServedModel): ServedModel {
    const model = spec instanceof ServedModel ? spec : new ServedModel(spec);
    if (this.models.has(model.runtime.model.id))
      throw new Error(`model ${model.runtime.model.id} is served twice`);
    this.models.set(model.runtime.model.id, model);
    return model;
  }

  /** The current version of a model: what a new request would get. */
  get(id: string): ServedModel | undefined {
    return this.models.get(id);
  }

  /** Current versions, one per public name. */
  list(): ServedModel[] {
    return [...this.models.values()];
  }

  /** Current and retiring versions: everything that holds memory or requests. */
  all(): ServedModel[] {
    return [...this.models.values(), ...this.retiring];
  }

  /**
   * Enters a request into the current version of `id`; undefined when no such model is served. While a
   * rotation drains the model (no room to load the new version beside the old one), the request waits
   * here for the new version, or the old one again if the rotation rolls back, like a queued request:
   * bounded by the scheduler's queue timeout, then 503 with Retry-After; it never fails for the
   * rotation itself. The caller must call leave() on the version it got once its response ended.
   */
  enter(id: string, signal: CancelSignal): ServedModel | Promise<ServedModel> | undefined {
    const served = this.models.get(id);
    if (served === undefined) return undefined;
    if (served.tryEnter()) return served;
    return this.hold(id, served.scheduler.queueTimeoutMs, signal);
  }

  private hold(id: string, timeoutMs: number, signal: CancelSignal): Promise<ServedModel> {
    return new Promise<ServedModel>((resolve, reject) => {
      let waiters = this.held.get(id);
      if (!waiters) {
        waiters = new Set();
        this.held.set(id, waiters);
      }
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        waiters.delete(wake);
      };
      const wake = () => {
        const served = this.models.get(id);
        if (served === undefined) {
          done();
          reject(
            new ApiError(
              404,
              "invalid_request_error",
              `The model \`${id}\` does not exist.`,
              "model",
              "model_not_found",
            ),
          );
        } else if (served.tryEnter()) {
          done();
          resolve(served);
        }
      };
      const onAbort = () => {
        done();
        reject(new ClientGoneError());
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new ApiError(
            503,
            "server_error",
            `The model \`${id}\` is being updated and did not come back in time. Retry after 5 s.`,
            null,
            "model_overloaded",
            { "retry-after": "5" },
          ),
        );
      }, timeoutMs);
      signal.addEventListener("abort", onAbort, { once: true });
      waiters.add(wake);
    });
  }

  private wake(id: string): void {
    const waiters = this.held.get(id);
    if (!waiters) return;
    for (const wake of [...waiters]) wake();
  }

  /** Stops (false) or resumes (true) admitting new requests to the current version of `id`. */
  setAdmitting(id: string, admitting: boolean): void {
    const served = this.models.get(id);
    if (!served) throw new Error(`model ${id} is not served`);
    served.setAdmitting(admitting);
    if (admitting) this.wake(id);
  }

  /**
   * Atomically makes `next` the current version of its model; the old one admits no new requests and
   * stays listed as retiring until retire() is called. Held requests go to `next` at once.
   */
  replace(next: ServedModel): ServedModel {
    const id = next.runtime.model.id;
    const old = this.models.get(id);
    if (!old) throw new Error(`model ${id} is not served`);
    old.setAdmitting(false);
    this.retiring.add(old);
    this.models.set(id, next);
    this.wake(id);
    return old;
  }

  /** Forgets a replaced version (after it was unloaded). */
  retire(old: ServedModel): void {
    this.retiring.delete(old);
  }

  /** Claims the model for one rotation; throws RotationInProgressError while another runs. */
  beginRotation(id: string, toVersion: string): () => void {
    const running = this.rotations.get(id);
    if (running !== undefined) throw new RotationInProgressError(id, running.version);
    const claim = { version: toVersion };
    this.rotations.set(id, claim);
    return () => {
      if (this.rotations.get(id) === claim) this.rotations.delete(id);
    };
  }

  async loadAll(): Promise<void> {
    for (const model of this.models.values()) await model.runtime.load();
    this.loaded = true;
  }

  async unloadAll(): Promise<void> {
    this.loaded = false;
    await Promise.allSettled(this.all().map((m) => m.runtime.unload()));
  }

  /** Ready for traffic: every model loaded and at least one served. */
  isReady(): boolean {
    return this.loaded && this.models.size > 0;
  }

  /**
   * True while at least one served model can answer. A node whose every engine is down (restarting
   * after a crash) says so on /readyz, so the balancer sends customers elsewhere instead of to 503s.
   */
  anyAnswering(): boolean {
    for (const served of this.models.values()) if (served.runtime.answering?.() ?? true) return true;
    return false;
  }
}
