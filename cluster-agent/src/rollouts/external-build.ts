/**
 * Builds a catalogue version served by an external engine (vLLM, llama-server, SGLang): its command
 * from runtime_options, with the placeholders filled, runs under a Supervisor on a loopback port the
 * agent picks, and an ExternalRuntime talks to it. rotateModel loads it (starts the engine and waits
 * for its health), warms it up, switches, and unloads the old version (stops the old engine).
 *
 * The catalogue is not trusted to choose what a node runs: the node's own `engines` configuration
 * decides the executables, the environment and the user (runtime/engine-launch.ts). A version this
 * node may not run fails its load step, saying why, and the rollout pauses as for a broken version.
 */

import type { Logger } from "../common/log.js";
import { freeLoopbackPort } from "../common/ports.js";
import type { ExternalModelConfig } from "../config/schema.js";
import { embeddingSettings } from "../domain/capabilities.js";
import { type EnginePolicy, engineLaunch } from "../runtime/engine-launch.js";
import { ExternalRuntime } from "../runtime/external.js";
import { type ExitInfo, Supervisor } from "../runtime/supervisor.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { ServedModel } from "../serving/models.js";
import { fixedMemoryPolicy, type MemoryPolicy } from "../serving/rotation-memory.js";
import { fillPlaceholders, parseExternalOptions } from "../store/external-options.js";
import type { ModelVersion } from "../store/models.js";
import { measuredRuntime, type VersionHealthTally } from "./version-health.js";

export interface ExternalBuildOptions {
  version: ModelVersion;
  /** The staged, sha256-verified artifact ({artifact}). */
  artifactPath: string;
  /** This node's configuration of the model, when it has one: defaults for what the version leaves out. */
  base: ExternalModelConfig | undefined;
  tally: VersionHealthTally;
  scheduler: { queueLimit: number; queueTimeoutMs: number; accountQueueShare?: number };
  logger: Logger;
  /** The node's `engines` configuration: what it may start, with which environment, as whom. */
  engines: EnginePolicy;
  /** How the engine's port is picked; a free loopback port by default. */
  port?: () => Promise<number>;
}

const describeExit = (info: ExitInfo) =>
  info.signal !== null ? `killed by ${info.signal}` : `exited with code ${info.code}`;

/**
 * A Supervisor whose first start fails on the engine's first exit: a version that crashes at start
 * fails its load step at once instead of being restarted with backoff while the rollout waits. Once
 * healthy, the Supervisor restarts a crashed engine as for any supervised model.
 */
export class VersionEngine {
  constructor(private readonly supervisor: Supervisor) {}

  get state() {
    return this.supervisor.state;
  }

  get apiKey() {
    return this.supervisor.apiKey;
  }

  async start(): Promise<void> {
    if (this.supervisor.state === "healthy") return;
    let onExit: ((info: ExitInfo) => void) | undefined;
    const exited = new Promise<never>((_, reject) => {
      onExit = (info) => {
        // Set before the kill when the engine was not healthy in time, or when it could not be spawned.
        const why = this.supervisor.lastError;
        reject(
          new Error(
            why
              ? `the engine did not start: ${why}`
              : `the engine ${describeExit(info)} before it was healthy`,
          ),
        );
      };
      this.supervisor.once("exit", onExit);
    });
    const healthy = this.supervisor.start();
    // Rejects too once the engine is stopped below; the race already has the reason.
    healthy.catch(() => {});
    try {
      await Promise.race([healthy, exited]);
    } catch (error) {
      await this.supervisor.stop();
      throw error;
    } finally {
      if (onExit) this.supervisor.off("exit", onExit);
    }
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }
}

export async function buildExternalVersion(o: ExternalBuildOptions): Promise<ServedModel> {
  const { version, base } = o;
  const options = parseExternalOptions(version.runtimeOptions);
  const port = await (o.port ?? freeLoopbackPort)();
  const values = {
    "{artifact}": o.artifactPath,
    "{port}": String(port),
    "{version}": version.version,
    "{model}": version.model,
  };
  const fill = (text: string) => fillPlaceholders(text, values);
  const origin = `http://127.0.0.1:${port}`;
  const launch = engineLaunch(o.engines, {
    catalogueEnv: Object.fromEntries(Object.entries(options.env).map(([k, v]) => [k, fill(v)])),
  });
  const supervisor = new Supervisor({
    name: `${version.model}@${version.version}`,
    command: options.command.map(fill),
    ...launch,
    healthUrl: `${origin}${options.healthPath}`,
    startTimeoutMs: options.startTimeoutMs ?? base?.startTimeoutMs ?? 600_000,
    healthIntervalMs: 100,
    logger: o.logger,
  });
  const runtime = new ExternalRuntime({
    modelId: version.model,
    upstreamUrl: `${origin}/v1`,
    upstreamModel: options.upstreamModel === undefined ? undefined : fill(options.upstreamModel),
    slots: options.slots ?? base?.slots ?? 64,
    contextLength: version.contextLength ?? base?.contextLength ?? 8192,
    timeoutMs: base?.timeoutMs,
    supervisor: new VersionEngine(supervisor),
    embeddings: embeddingSettings(options.embeddings ?? base?.embeddings, "external"),
    logger: o.logger,
  });
  return new ServedModel({
    runtime: measuredRuntime(runtime, o.tally),
    scheduler: new Scheduler({
      name: version.model,
      slots: runtime.slots,
      queueLimit: o.scheduler.queueLimit,
      queueTimeoutMs: o.scheduler.queueTimeoutMs,
      accountQueueShare: o.scheduler.accountQueueShare,
    }),
    version: version.version,
  });
}

/** The agent cannot see an engine's GPU memory: the version says whether two engines fit. */
export function externalMemoryPolicy(version: ModelVersion): MemoryPolicy {
  const { placement } = parseExternalOptions(version.runtimeOptions);
  const policy = fixedMemoryPolicy(placement === "beside");
  return {
    canLoadBeside: policy.canLoadBeside,
    describe: () =>
      placement === "beside"
        ? "placement beside: the new engine starts while the old one serves"
        : "placement in-place: one engine at a time",
  };
}
