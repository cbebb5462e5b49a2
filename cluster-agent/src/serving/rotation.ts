/**
 * Zero-downtime rotation of one model on one node: load the new version (beside the old one when
 * memory allows, otherwise after draining the old one), warm it up with real generations, switch new
 * requests to it, let the old version's requests finish, unload it. A failure before the switch rolls
 * back to the old version; after the switch there is nothing to roll back to (the new version already
 * answered customers), so later failures are reported and the new version keeps serving.
 *
 * What customers see: with room for both versions, nothing. When draining, requests that arrive for
 * that model wait (as if queued, bounded by the scheduler's queue timeout, then 503 + Retry-After)
 * while the old version finishes its requests, the new one loads and warms up; then they run on it.
 */

import type { ChatMessage } from "../runtime/types.js";
import type { ModelRegistry, ServedModel } from "./models.js";
import type { MemoryPolicy } from "./rotation-memory.js";

export type RotationStep = "drain" | "load" | "warmup" | "switch" | "retire" | "unload" | "done" | "rollback";

export interface RotationEvent {
  step: RotationStep;
  state: "started" | "ok" | "failed";
  message: string;
  /** Epoch ms. */
  at: number;
  modelId: string;
  version: string;
}

export interface RotationOptions {
  registry: ModelRegistry;
  /** The public model name. */
  modelId: string;
  /** The new version's name, as reported and shown in /v1/models. */
  version: string;
  /** Makes the new version's runtime and scheduler (not loaded); its runtime must serve `modelId`. */
  build: () => ServedModel | Promise<ServedModel>;
  memory: MemoryPolicy;
  warmup?: { generations?: number; maxTokens?: number; messages?: ChatMessage[] };
  /**
   * Longest wait for the old version's requests. Draining (before the switch): past it the rotation
   * rolls back. Retiring (after it): past it a progress event says so and the rotation keeps waiting
   * (generations end at max_tokens), so no customer's answer is cut for a rotation.
   */
  idleTimeoutMs: number;
  /** Cancels the rotation; honoured up to the switch (it rolls back), ignored after it. */
  signal?: AbortSignal;
  onProgress?: (event: RotationEvent) => void;
}

export type RotationResult =
  | { ok: true; modelId: string; version: string; previousVersion: string | null; mode: "beside" | "drain" }
  | {
      ok: false;
      modelId: string;
      version: string;
      failedStep: RotationStep;
      reason: string;
      /** False when even the old version could not be restored (drain mode: it did not load again). */
      rolledBack: boolean;
    };

const DEFAULT_WARMUP_MESSAGES: ChatMessage[] = [{ role: "user", content: "Say hello." }];

class StepFailure extends Error {
  constructor(
    readonly step: RotationStep,
    message: string,
  ) {
    super(message);
  }
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Rotates `modelId` to `version`. Throws RotationInProgressError at once when the model is already
 * being rotated; every other failure is in the result, never thrown.
 */
export async function rotateModel(options: RotationOptions): Promise<RotationResult> {
  const { registry, modelId, version } = options;
  const old = registry.get(modelId);
  if (!old) throw new Error(`model ${modelId} is not served on this node`);
  const release = registry.beginRotation(modelId, version);
  try {
    return await new Rotation(options, old).run();
  } finally {
    release();
  }
}

class Rotation {
  private next: ServedModel | undefined;
  private drained = false;
  private oldUnloaded = false;

  constructor(
    private readonly o: RotationOptions,
    private readonly old: ServedModel,
  ) {}

  private emit(step: RotationStep, state: RotationEvent["state"], message: string): void {
    const event = { step, state, message, at: Date.now(), modelId: this.o.modelId, version: this.o.version };
    try {
      this.o.onProgress?.(event);
    } catch {
      // A broken progress listener (a closed gRPC stream) must not break the rotation.
    }
  }

  /** Runs one step: started, then ok with its message, or failed with the reason (and rethrows). */
  private async step<T>(
    step: RotationStep,
    started: string,
    work: () => Promise<T>,
    ok: (value: T) => string,
  ) {
    this.emit(step, "started", started);
    try {
      const value = await work();
      this.emit(step, "ok", ok(value));
      return value;
    } catch (error) {
      const reason = error instanceof StepFailure ? error.message : reasonOf(error);
      this.emit(step, "failed", reason);
      throw new StepFailure(step, reason);
    }
  }

  /** Cancellation is noticed between steps; the step it would have started is the one that failed. */
  private checkCancelled(step: RotationStep): void {
    if (!this.o.signal?.aborted) return;
    this.emit(step, "failed", "rotation cancelled");
    throw new StepFailure(step, "rotation cancelled");
  }

  async run(): Promise<RotationResult> {
    const { modelId, version } = this.o;
    let beside: boolean;
    let why: string;
    try {
      beside = await this.o.memory.canLoadBeside();
      why = this.o.memory.describe?.() ?? "";
    } catch (error) {
      // Memory unknown: draining is the choice that cannot exhaust it.
      beside = false;
      why = `memory check failed: ${reasonOf(error)}`;
    }
    try {
      this.checkCancelled(beside ? "load" : "drain");
      if (!beside) await this.drainOld(why);
      await this.loadNew(
        beside ? `loading beside version ${this.old.version ?? "(unversioned)"}; ${why}` : why,
      );
      await this.warmup();
      this.checkCancelled("switch");
    } catch (error) {
      const failure = error instanceof StepFailure ? error : new StepFailure("load", reasonOf(error));
      const rolledBack = await this.rollback();
      return { ok: false, modelId, version, failedStep: failure.step, reason: failure.message, rolledBack };
    }
    const next = this.next!;
    this.o.registry.replace(next);
    this.emit("switch", "ok", `new requests go to version ${version}`);
    if (this.oldUnloaded) {
      this.o.registry.retire(this.old);
    } else {
      await this.retireOld();
    }
    this.emit("done", "ok", `model ${modelId} serves version ${version}`);
    return {
      ok: true,
      modelId,
      version,
      previousVersion: this.old.version,
      mode: beside ? "beside" : "drain",
    };
  }

  /** No room for both: stop admitting, wait for the old version's requests, unload it. */
  private async drainOld(why: string): Promise<void> {
    this.drained = true;
    this.o.registry.setAdmitting(this.o.modelId, false);
    await this.step(
      "drain",
      `the new version cannot load beside the old one (${why}); new requests wait while ${this.old.inFlight} in flight finish`,
      () => this.idleWithin(this.o.idleTimeoutMs),
      (idle) => {
        if (!idle)
          throw new Error(
            `${this.old.inFlight} requests still running after ${this.o.idleTimeoutMs} ms; keeping the old version`,
          );
        return "old version idle";
      },
    );
    await this.step(
      "unload",
      "unloading the old version to make room",
      () => this.old.runtime.unload(),
      () => "old version unloaded",
    );
    this.oldUnloaded = true;
  }

  private async loadNew(message: string): Promise<void> {
    await this.step(
      "load",
      message,
      async () => {
        const next = await this.o.build();
        this.next = next;
        if (next.runtime.model.id !== this.o.modelId)
          throw new Error(`the new version serves ${next.runtime.model.id}, not ${this.o.modelId}`);
        await next.runtime.load();
        const health = await next.runtime.health();
        if (!health.ok) throw new Error(`not healthy after loading: ${health.detail}`);
      },
      () => `version ${this.o.version} loaded`,
    );
  }

  /** Real generations through the new runtime: it must answer before a customer depends on it. */
  private async warmup(): Promise<void> {
    const generations = this.o.warmup?.generations ?? 3;
    const maxTokens = this.o.warmup?.maxTokens ?? 8;
    const messages = this.o.warmup?.messages ?? DEFAULT_WARMUP_MESSAGES;
    const runtime = this.next!.runtime;
    await this.step(
      "warmup",
      `${generations} generations of up to ${maxTokens} tokens`,
      async () => {
        for (let i = 0; i < generations; i++) {
          if (this.o.signal?.aborted) throw new Error("rotation cancelled");
          const result = await runtime.generate({
            kind: "chat",
            messages,
            maxTokens,
            temperature: 0,
            signal: this.o.signal ?? new AbortController().signal,
          });
          if (result.aborted) throw new Error("warm-up generation was cancelled");
          if (result.usage.completionTokens < 1 || result.text.length === 0)
            throw new Error(`warm-up generation ${i + 1} produced no output`);
          if (result.finishReason !== "stop" && result.finishReason !== "length")
            throw new Error(`warm-up generation ${i + 1} ended oddly (${String(result.finishReason)})`);
        }
      },
      () => `${generations} generations answered`,
    );
  }

  /** After the switch: wait for the old version's last request, then unload it. */
  private async retireOld(): Promise<void> {
    const { idleTimeoutMs } = this.o;
    this.emit("retire", "started", `${this.old.inFlight} requests still on the old version`);
    if (!(await this.idleWithin(idleTimeoutMs))) {
      this.emit(
        "retire",
        "started",
        `${this.old.inFlight} requests still running after ${idleTimeoutMs} ms; letting them finish before unloading`,
      );
      await this.old.whenIdle();
    }
    this.emit("retire", "ok", "no request left on the old version");
    try {
      await this.step(
        "unload",
        "unloading the old version",
        () => this.old.runtime.unload(),
        () => "old version unloaded",
      );
    } catch {
      // Reported as unload failed; the new version serves regardless.
    }
    this.o.registry.retire(this.old);
  }

  private async idleWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.old.whenIdle().then(() => true as const), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Unloads the new version, restores the old one if it was unloaded, and lets requests in again. */
  private async rollback(): Promise<boolean> {
    this.emit("rollback", "started", `keeping version ${this.old.version ?? "(unversioned)"}`);
    const problems: string[] = [];
    if (this.next) await this.next.runtime.unload().catch((e) => problems.push(`unload new: ${reasonOf(e)}`));
    let restored = true;
    if (this.oldUnloaded) {
      await this.old.runtime.load().catch((e) => {
        restored = false;
        problems.push(`reload old: ${reasonOf(e)}`);
      });
    }
    // Held requests go back to the old version; if it did not load again they fail visibly rather
    // than wait for a version that is not coming.
    if (this.drained) this.o.registry.setAdmitting(this.o.modelId, true);
    if (problems.length > 0) this.emit("rollback", restored ? "ok" : "failed", problems.join("; "));
    else this.emit("rollback", "ok", "old version serves");
    return restored;
  }
}
