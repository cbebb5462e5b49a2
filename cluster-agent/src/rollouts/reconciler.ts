/**
 * The node side of rollouts: every agent rotates its own models to the version the store asks for
 * (`node_models.desired_version`) and reports what happens. The leader never talks to a node directly;
 * it writes desired versions and reads these reports, so a node also converges after a restart and
 * after the leader changed.
 *
 * Per model: stage the version's artifact through the cache (sha256 verified, a mismatch fails here),
 * rotate (serving/rotation.ts: load beside or drain, warm up, switch, retire; a failure before the
 * switch keeps the old version), then record the outcome. Embedded versions load the artifact in
 * process; external versions start their engine command (rollouts/external-build.ts). A version that
 * failed is not retried until the desired version is set again (setDesiredVersion clears the failure),
 * so a broken version cannot make a node loop. While a rollout gates this node, the new version's health is reported every second.
 */

import type { ArtifactCache } from "../cache/artifacts.js";
import { hashFile } from "../cache/fetch.js";
import type { Logger } from "../common/log.js";
import type { ModelRegistry, ServedModel } from "../serving/models.js";
import { type RotationEvent, type RotationOptions, rotateModel } from "../serving/rotation.js";
import type { MemoryPolicy } from "../serving/rotation-memory.js";
import {
  getModelVersion,
  listModels,
  MODELS_CHANNEL,
  type ModelVersion,
  setNodeModel,
} from "../store/models.js";
import { getNodeModelState, reportNodeModel } from "../store/rollouts.js";
import type { Store } from "../store/store.js";
import { VersionHealthTally } from "./version-health.js";

export interface ReconcilerOptions {
  store: Pick<Store, "pool" | "listen">;
  node: string;
  registry: ModelRegistry;
  cache: ArtifactCache;
  /** The file a model was started from (config), to find its catalogue version by sha256. */
  startedFrom: (modelId: string) => string | undefined;
  /**
   * The catalogue version a model was configured as serving (an external model's `version`): its
   * engine runs a command, not a file the agent could hash.
   */
  configuredVersion?: (modelId: string) => string | undefined;
  /** Makes a version's ServedModel from its verified artifact; its runtime reports into `tally`. */
  build: (
    version: ModelVersion,
    path: string,
    tally: VersionHealthTally,
  ) => ServedModel | Promise<ServedModel>;
  memory: (version: ModelVersion, path: string) => MemoryPolicy;
  /** Longest wait for the old version's requests (rotation idleTimeoutMs). */
  idleTimeoutMs: number;
  /** Every rotation event, e.g. for gRPC RotateModel watchers on this node. */
  onProgress?: (event: RotationEvent) => void;
  logger: Logger;
  healthIntervalMs?: number;
}

/**
 * A version may name its own warm-up (runtime_options warmupPrompt, warmupGenerations,
 * warmupMaxTokens): prompts like its real traffic catch a broken template or a too-small context
 * before customers do.
 */
export function warmupOf(v: ModelVersion): RotationOptions["warmup"] {
  const o = v.runtimeOptions;
  return {
    generations: typeof o.warmupGenerations === "number" ? o.warmupGenerations : undefined,
    maxTokens: typeof o.warmupMaxTokens === "number" ? o.warmupMaxTokens : undefined,
    messages: typeof o.warmupPrompt === "string" ? [{ role: "user", content: o.warmupPrompt }] : undefined,
  };
}

interface Active {
  version: string;
  controller: AbortController;
}

export class Reconciler {
  private readonly active = new Map<string, Active>();
  /** The catalogue version each model serves on this node (null: not a catalogue version). */
  private readonly live = new Map<string, { version: string; sha256: string } | null>();
  private readonly tallies = new Map<string, VersionHealthTally>();
  private readonly queued = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private unlisten: (() => Promise<void>) | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: ReconcilerOptions) {}

  /** Listens for desired versions, records what this node serves, and converges. */
  async start(): Promise<void> {
    this.unlisten = await this.o.store.listen(
      MODELS_CHANNEL,
      (payload) => {
        const change = JSON.parse(payload) as { kind?: string; node?: string; model?: string };
        if (change.kind === "node" && change.node === this.o.node && change.model) this.kick(change.model);
      },
      { onReconnect: () => this.kickAll() },
    );
    this.healthTimer = setInterval(() => void this.reportHealth(), this.o.healthIntervalMs ?? 1000);
    this.healthTimer.unref();
    void this.register();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.healthTimer);
    await this.unlisten?.();
    for (const active of this.active.values()) active.controller.abort();
    await Promise.allSettled([...this.queued.values()]);
  }

  /**
   * Finds each served model's catalogue version (by the sha256 of the file it was started from, or by
   * the version its configuration names) and records it as live.
   */
  private async register(): Promise<void> {
    const catalogue = await this.retry(() => listModels(this.o.store.pool));
    if (!catalogue) return;
    for (const served of this.o.registry.list()) {
      const id = served.runtime.model.id;
      const model = catalogue.find((m) => m.name === id);
      if (!model) continue;
      const named = this.o.configuredVersion?.(id);
      let version: ModelVersion | undefined;
      if (named !== undefined) {
        version = model.versions.find((v) => v.version === named);
        if (!version)
          this.o.logger.warn(
            { model: id, version: named },
            "configured version is not in the catalogue; rollouts skip this model",
          );
      } else {
        const path = this.o.startedFrom(id);
        if (!path) {
          if (served.runtime.kind === "external")
            this.o.logger.warn(
              { model: id },
              "external model names no catalogue version (models[].version); rollouts skip it",
            );
          continue;
        }
        const { sha256 } = await hashFile(path);
        version = model.versions.find((v) => v.sha256 === sha256);
        if (!version)
          this.o.logger.warn(
            { model: id, sha256 },
            "served file matches no catalogue version; rollouts skip it",
          );
      }
      this.live.set(id, version ? { version: version.version, sha256: version.sha256 } : null);
      if (!version) continue;
      await this.o.cache.pin(version.sha256, "live").catch(() => {});
      // The node may not be in the registry yet (this runs beside the agent's start): retry briefly.
      await this.retry(() =>
        setNodeModel(this.o.store.pool, {
          node: this.o.node,
          model: id,
          liveVersion: version.version,
          stagedVersion: null,
          state: "live",
          error: null,
        }),
      );
      this.kick(id);
    }
  }

  private async retry<T>(work: () => Promise<T>): Promise<T | undefined> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 30) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    return undefined;
  }

  private kickAll(): void {
    for (const id of this.live.keys()) this.kick(id);
  }

  /** Runs reconcile(model) now, or once more after the current run (runs of one model never overlap). */
  private kick(model: string): void {
    if (this.stopped || !this.live.has(model)) return;
    const active = this.active.get(model);
    if (active) {
      // A rotation towards a version no longer wanted is cancelled (honoured up to its switch).
      void getNodeModelState(this.o.store.pool, this.o.node, model).then((row) => {
        if (row && row.desiredVersion !== active.version) active.controller.abort();
      });
    }
    if (this.queued.has(model)) {
      this.again.add(model);
      return;
    }
    const run = async () => {
      do {
        this.again.delete(model);
        try {
          await this.reconcile(model);
        } catch (error) {
          this.o.logger.warn(
            { model, err: (error as Error).message },
            "model reconcile failed; retrying on the next change",
          );
          // Its own writes notify again: without a pause a store error would spin.
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      } while (this.again.has(model) && !this.stopped);
      this.queued.delete(model);
    };
    this.queued.set(model, run());
  }

  private async reconcile(model: string): Promise<void> {
    const row = await getNodeModelState(this.o.store.pool, this.o.node, model);
    const live = this.live.get(model);
    if (!row?.desiredVersion || !live) return;
    const desired = row.desiredVersion;
    if (desired === live.version) {
      if (row.state !== "live" || row.liveVersion !== desired || row.stagedVersion !== null)
        await this.record(model, { liveVersion: desired, stagedVersion: null, state: "live", error: null });
      return;
    }
    if (row.state === "failed" && row.stagedVersion === desired) return;
    await this.rotate(model, desired, live);
  }

  private async rotate(
    model: string,
    version: string,
    from: { version: string; sha256: string },
  ): Promise<void> {
    const controller = new AbortController();
    this.active.set(model, { version, controller });
    const log = this.o.logger.child({ model, from: from.version, to: version });
    const progress = (event: RotationEvent) => {
      this.o.onProgress?.(event);
      if (event.step === "switch" && event.state === "ok") this.tallies.get(`${model}@${version}`)?.reset();
      void reportNodeModel(this.o.store.pool, this.o.node, model, {
        progress: { step: event.step, state: event.state, message: event.message, at: event.at, version },
      }).catch(() => {});
    };
    const fail = async (step: string, reason: string) => {
      log.warn({ step, reason }, "rotation failed; serving the previous version");
      progress({
        step: step as RotationEvent["step"],
        state: "failed",
        message: reason,
        at: Date.now(),
        modelId: model,
        version,
      });
      await this.record(model, { stagedVersion: version, state: "failed", error: `${step}: ${reason}` });
    };
    try {
      await this.record(model, { stagedVersion: version, state: "staging", error: null });
      const v = await getModelVersion(this.o.store.pool, model, version);
      if (!v) return await fail("stage", `the catalogue has no version ${version}`);
      let path: string;
      try {
        progress({
          step: "load",
          state: "started",
          message: `staging ${v.sha256.slice(0, 12)}…`,
          at: Date.now(),
          modelId: model,
          version,
        });
        path = (
          await this.o.cache.stage(
            { uri: v.artifactUri, sha256: v.sha256, size: v.sizeBytes },
            { pin: "staged" },
          )
        ).path;
      } catch (error) {
        return await fail("stage", (error as Error).message);
      }
      // setNodeModel's INSERT half must satisfy the row checks on its own, so the staged version is
      // named again even though the row has it.
      await this.record(model, { stagedVersion: version, state: "loading" });
      let memory: MemoryPolicy;
      try {
        // Reads the version's options (external: its placement); a version that cannot be run fails here.
        memory = this.o.memory(v, path);
      } catch (error) {
        await this.o.cache.unpin(v.sha256, "staged").catch(() => {});
        return await fail("load", (error as Error).message);
      }
      const tally = new VersionHealthTally();
      this.tallies.set(`${model}@${version}`, tally);
      const result = await rotateModel({
        registry: this.o.registry,
        modelId: model,
        version,
        build: () => this.o.build(v, path, tally),
        memory,
        idleTimeoutMs: this.o.idleTimeoutMs,
        warmup: warmupOf(v),
        signal: controller.signal,
        onProgress: progress,
      });
      await this.o.cache.unpin(v.sha256, "staged").catch(() => {});
      if (!result.ok) {
        this.tallies.delete(`${model}@${version}`);
        return await fail(result.failedStep, result.reason);
      }
      await this.o.cache.pin(v.sha256, "live");
      if (from.sha256 !== v.sha256) await this.o.cache.unpin(from.sha256, "live").catch(() => {});
      this.tallies.delete(`${model}@${from.version}`);
      this.live.set(model, { version, sha256: v.sha256 });
      await this.record(model, { liveVersion: version, stagedVersion: null, state: "live", error: null });
      log.info({ mode: result.mode }, "rotation done");
    } finally {
      this.active.delete(model);
    }
  }

  private async record(
    model: string,
    change: {
      liveVersion?: string;
      stagedVersion?: string | null;
      state: "staging" | "loading" | "live" | "failed";
      error?: string | null;
    },
  ): Promise<void> {
    await setNodeModel(this.o.store.pool, { node: this.o.node, model, ...change });
  }

  /** Health of the version each gated model serves, over its rollout's gate window. */
  private async reportHealth(): Promise<void> {
    try {
      const gated = await this.o.store.pool.query(
        `SELECT r.model, (r.gates->>'windowSeconds')::int AS window FROM rollout_nodes n
         JOIN rollouts r ON r.id = n.rollout WHERE n.node = $1 AND n.state = 'verifying' AND r.state = 'running'`,
        [this.o.node],
      );
      for (const { model, window } of gated.rows as { model: string; window: number }[]) {
        const live = this.live.get(model);
        if (!live) continue;
        const stats = this.tallies.get(`${model}@${live.version}`)?.stats(window) ?? {
          requests: 0,
          errors: 0,
          p95Ms: 0,
        };
        await reportNodeModel(this.o.store.pool, this.o.node, model, {
          health: { version: live.version, ...stats, windowSeconds: window, at: Date.now() },
        });
      }
    } catch (error) {
      this.o.logger.debug({ err: (error as Error).message }, "health report failed; next second");
    }
  }
}
