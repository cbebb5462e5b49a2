import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../common/log.js";
import type { AgentConfig, ModelConfig } from "../config/schema.js";
import { embeddingSettings } from "../domain/capabilities.js";
import { EmbeddedRuntime } from "./embedded.js";
import { engineLaunch } from "./engine-launch.js";
import { ExternalRuntime } from "./external.js";
import { Supervisor } from "./supervisor.js";
import { writeTinyModel } from "./tiny-model.js";
import type { Runtime } from "./types.js";

/** The model a node serves when nothing is configured: the project's own tiny model, made on first use. */
export const DEFAULT_MODEL_ID = "entrim-tiny";

/** The models this node serves: the configured ones, or the tiny default model (made on first use). */
export async function defaultModels(config: AgentConfig, logger: Logger): Promise<ModelConfig[]> {
  if (config.models.length > 0) return config.models;
  const path = join(config.dataDir, "models", `${DEFAULT_MODEL_ID}.gguf`);
  if (!existsSync(path)) {
    mkdirSync(join(config.dataDir, "models"), { recursive: true });
    const made = await writeTinyModel({ out: path, seed: 1 });
    logger.info(
      { path, bytes: made.bytes, sha256: made.sha256 },
      "no model configured: generated the tiny demo model",
    );
  }
  return [{ id: DEFAULT_MODEL_ID, runtime: "embedded", path, parallel: 4, threads: 1, gpuLayers: "auto" }];
}

/** The engine for one configured model: embedded, or an external server (supervised when it names a command). */
export function createRuntime(model: ModelConfig, config: AgentConfig, logger: Logger): Runtime {
  if (model.runtime === "embedded") {
    return new EmbeddedRuntime({
      modelPath: model.path,
      modelId: model.id,
      parallel: model.parallel,
      threads: model.threads === 0 ? undefined : model.threads,
      gpuLayers: model.gpuLayers,
      contextSize: model.contextSize,
      promptCacheTtlMs: config.cache.promptTtlSeconds * 1000,
      embeddings: embeddingSettings(model.embeddings, "embedded"),
      logger,
    });
  }
  const apiKey = model.apiKeyEnv ? process.env[model.apiKeyEnv] : undefined;
  if (model.apiKeyEnv && !apiKey) {
    throw new Error(
      `models.${model.id}.apiKeyEnv names ${model.apiKeyEnv}, which is not set in the environment`,
    );
  }
  // The node's own configuration names this command, so it is started as written (found on the
  // engines' PATH), with the engines' environment and user; it gets a fresh API key at each start.
  const supervisor = model.command
    ? new Supervisor({
        ...engineLaunch(config.engines, { trustedCommand: true }),
        command: model.command,
        healthUrl: model.healthUrl ?? `${model.url.replace(/\/$/, "")}/models`,
        startTimeoutMs: model.startTimeoutMs,
        logger,
      })
    : undefined;
  return new ExternalRuntime({
    modelId: model.id,
    upstreamUrl: model.url,
    upstreamModel: model.upstreamModel,
    apiKey,
    slots: model.slots,
    contextLength: model.contextLength,
    timeoutMs: model.timeoutMs,
    supervisor,
    embeddings: embeddingSettings(model.embeddings, "external"),
    logger,
  });
}
