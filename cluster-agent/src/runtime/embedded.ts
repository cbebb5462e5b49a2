/**
 * The embedded runtime: node-llama-cpp in the agent's process. One context holds `parallel` sequences;
 * each sequence is a slot that runs one generation at a time. Generation drives the sequence token by
 * token, so every billed token is one the model evaluated or sampled, counted, not estimated.
 */
import { availableParallelism } from "node:os";
import type { Llama, LlamaContext, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import { getLlama, LlamaLogLevel, resolveChatWrapper } from "node-llama-cpp";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import { capabilitiesOf, type EmbeddingSettings } from "../domain/capabilities.js";
import { decode } from "./decode.js";
import { EmbeddedEmbedder } from "./embedded-embeddings.js";
import { jsonSchemaGrammar } from "./json-grammar.js";
import { createPromptBuilder, type PromptBuilder } from "./prompt.js";
import { SequencePool } from "./prompt-cache.js";
import { checkSchemas, planTools } from "./tool-calls.js";
import { grammarSchema } from "./tool-schema.js";
import type {
  DeltaSink,
  EmbeddingRequest,
  EmbeddingResult,
  GenerationRequest,
  GenerationResult,
  ModelInfo,
  ResponseFormat,
  Runtime,
  RuntimeHealth,
  RuntimeStats,
} from "./types.js";

/**
 * Threads when the configuration says 0 ("pick"): every core but one. llama.cpp's threads wait for
 * each other at every step by spinning, so one that loses its core to anything else (this process's
 * event loop, PostgreSQL, the shipper) stalls them all: on a 2-core machine node-llama-cpp alone
 * generated about 60-80 tokens/s with 2 threads and about 2,000-3,300 with 1 (bench/embedded.mjs;
 * docs/BENCHMARKS.md). Leaving one core to the rest of the node keeps the threads on theirs.
 */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

export interface EmbeddedRuntimeOptions {
  modelPath: string;
  /** Public model name customers send. */
  modelId: string;
  /** Sequences generating at once (the runtime's slots). */
  parallel?: number;
  /** CPU threads for evaluation (default: defaultThreads()); tiny models and tests want 1. */
  threads?: number;
  /** 0 keeps the model on the CPU; "auto" offloads when node-llama-cpp finds a GPU. */
  gpuLayers?: "auto" | number;
  /** Tokens per sequence; defaults to the model's training context, capped. */
  contextSize?: number;
  ownedBy?: string;
  logger?: Logger;
  /**
   * How long a sequence keeps a scope's evaluated tokens for reuse after its request (default 300 000);
   * 0 clears every sequence after each request.
   */
  promptCacheTtlMs?: number;
  /** Told whenever cached prompt state was cleared by its TTL or by dropScope. */
  onCacheDrop?: (event: { reason: "ttl" | "scope"; sequences: number }) => void;
  /** Set when the model embeds too (domain/capabilities.ts); absent: generation only. */
  embeddings?: EmbeddingSettings | null | undefined;
}

/** Each slot's KV cache costs memory in proportion to the context; huge training contexts are opt-in. */
const DEFAULT_CONTEXT_CAP = 8192;
const DEFAULT_PROMPT_CACHE_TTL_MS = 300_000;

type GpuMode = "auto" | false;
const llamas = new Map<GpuMode, Promise<Llama>>();
let nativeLogger: Logger | undefined;

/** One Llama per process and GPU mode: it owns the native backend, which must not be loaded twice. */
function sharedLlama(gpu: GpuMode): Promise<Llama> {
  let llama = llamas.get(gpu);
  if (!llama) {
    llama = getLlama({
      gpu,
      build: "never",
      usePrebuiltBinaries: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.warn,
      // llama.cpp's warnings describe the model and the hardware, never prompts or outputs.
      logger: (level, message) => {
        const text = message.trim();
        if (text === "" || !nativeLogger) return;
        if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
          nativeLogger.error({ native: text });
        else nativeLogger.warn({ native: text });
      },
    });
    llamas.set(gpu, llama);
    llama.catch(() => llamas.delete(gpu));
  }
  return llama;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  prompts: PromptBuilder;
  pool: SequencePool;
  jsonGrammar?: LlamaGrammar;
  embedder?: EmbeddedEmbedder;
}

export class EmbeddedRuntime implements Runtime {
  readonly kind = "embedded" as const;
  readonly slots: number;
  private info: ModelInfo;
  private loaded: Loaded | undefined;
  private loading: Promise<void> | undefined;
  private state = "not loaded";
  private active = 0;
  private totals = { requests: 0, promptTokens: 0, completionTokens: 0 };

  constructor(private readonly options: EmbeddedRuntimeOptions) {
    const parallel = options.parallel ?? 1;
    if (!Number.isInteger(parallel) || parallel < 1)
      throw new RangeError("parallel must be a positive integer");
    this.slots = parallel;
    this.info = {
      id: options.modelId,
      contextLength: options.contextSize ?? 0,
      ownedBy: options.ownedBy ?? "entrim",
      created: Math.floor(Date.now() / 1000),
      ...(options.embeddings ? { capabilities: capabilitiesOf(options.embeddings) } : {}),
    };
  }

  get model(): ModelInfo {
    return this.info;
  }

  load(): Promise<void> {
    // Concurrent callers share one load: a second context would double the memory and the slots.
    this.loading ??= this.doLoad().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    if (this.loaded) return;
    this.state = "loading";
    const log = this.options.logger;
    // Native messages are process-wide (one Llama per process); the latest runtime's logger receives them.
    if (log) nativeLogger = log;
    let model: LlamaModel | undefined;
    try {
      const gpuLayers = this.options.gpuLayers ?? "auto";
      const llama = await sharedLlama(gpuLayers === 0 ? false : "auto");
      model = await llama.loadModel({ modelPath: this.options.modelPath, gpuLayers });
      const contextSize = this.options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
      const context = await model.createContext({
        contextSize,
        sequences: this.slots,
        threads: this.options.threads ?? defaultThreads(),
      });
      const sequences = Array.from({ length: this.slots }, () => context.getSequence());
      const pool = new SequencePool(sequences, {
        ttlMs: this.options.promptCacheTtlMs ?? DEFAULT_PROMPT_CACHE_TTL_MS,
        onDrop: (event) => {
          log?.debug(event, "cached prompt state cleared");
          this.options.onCacheDrop?.(event);
        },
      });
      const prompts = createPromptBuilder(model, resolveChatWrapper(model));
      this.loaded = { llama, model, context, prompts, pool };
      this.info = { ...this.info, contextLength: context.contextSize };
      this.state = "loaded";
      log?.info(
        { model: this.info.id, slots: this.slots, contextSize, gpu: llama.gpu, gpuLayers: model.gpuLayers },
        "embedded runtime loaded",
      );
    } catch (error) {
      await model?.dispose();
      this.state = `load failed: ${(error as Error).message}`;
      throw error;
    }
  }

  async unload(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    this.loaded = undefined;
    this.state = "not loaded";
    loaded.pool.dispose();
    await loaded.embedder?.dispose();
    // Disposing the context aborts sequences still generating; their generate() calls then reject.
    await loaded.context.dispose();
    await loaded.model.dispose();
  }

  stats(): RuntimeStats {
    return {
      active: this.active,
      slots: this.slots,
      requestsTotal: this.totals.requests,
      promptTokensTotal: this.totals.promptTokens,
      completionTokensTotal: this.totals.completionTokens,
    };
  }

  async health(): Promise<RuntimeHealth> {
    return { ok: this.loaded !== undefined, detail: this.state };
  }

  /**
   * Clears every sequence holding `scope`'s cached prompt state now (one in use: when its request ends),
   * so a suspended, restricted or erased account's prompts leave RAM at once.
   */
  async dropScope(scope: string): Promise<void> {
    await this.loaded?.pool.dropScope(scope);
  }

  /** Embeddings from the loaded model, through a context of its own made on first use. */
  embed(request: EmbeddingRequest): Promise<EmbeddingResult> {
    const loaded = this.require();
    const settings = this.options.embeddings;
    if (!settings) throw new Error(`model ${this.info.id} is not configured for embeddings`);
    loaded.embedder ??= new EmbeddedEmbedder(loaded.model, {
      contextSize: this.info.contextLength,
      threads: this.options.threads ?? defaultThreads(),
      settings,
    });
    return loaded.embedder.embed(request);
  }

  async countPromptTokens(request: GenerationRequest): Promise<number> {
    const loaded = this.require();
    checkSchemas(request);
    return loaded.prompts.tokens(request).length;
  }

  async generate(request: GenerationRequest, onDelta?: DeltaSink): Promise<GenerationResult> {
    const loaded = this.require();
    if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1)
      throw new ApiError(400, "invalid_request_error", "max_tokens must be a positive integer", "max_tokens");
    if (request.signal.aborted) return { text: "", finishReason: "stop", aborted: true, usage: emptyUsage() };
    checkSchemas(request);
    const prompt = loaded.prompts.tokens(request);
    const room = loaded.context.contextSize - prompt.length;
    if (room < 1)
      throw new ApiError(
        400,
        "invalid_request_error",
        `This model's context is ${loaded.context.contextSize} tokens; the prompt has ${prompt.length}.`,
        request.kind === "chat" ? "messages" : "prompt",
        "context_length_exceeded",
      );
    const grammar = await this.grammarFor(loaded, request.responseFormat);
    const tools =
      request.kind === "chat" && request.tools?.length
        ? await planTools(loaded.llama, loaded.prompts.chatWrapper, request)
        : undefined;

    const { sequence, cached } = await loaded.pool.acquire(prompt, request.cacheScope);
    this.active++;
    let keep = false;
    try {
      const stops = [
        ...(request.stop ?? []),
        ...(request.kind === "chat" ? loaded.prompts.chatStopStrings : []),
      ];
      const result = await decode({
        model: loaded.model,
        sequence,
        prompt,
        cached,
        budget: Math.min(request.maxTokens, room),
        request,
        stops,
        grammar,
        tools,
        onDelta,
      });
      this.totals.requests++;
      this.totals.promptTokens += result.usage.promptTokens;
      this.totals.completionTokens += result.usage.completionTokens;
      keep = true;
      return result;
    } finally {
      // Without a cache scope (or after a failure) the KV state is dropped before the slot is reused;
      // with one it stays in RAM for that scope alone, until its idle TTL or dropScope.
      try {
        await loaded.pool.release(sequence, keep);
      } finally {
        this.active--;
      }
    }
  }

  private async grammarFor(
    loaded: Loaded,
    format: ResponseFormat | undefined,
  ): Promise<LlamaGrammar | undefined> {
    if (!format || format.type === "text") return undefined;
    if (format.type === "json_object") {
      loaded.jsonGrammar ??= await loaded.llama.getGrammarFor("json");
      return loaded.jsonGrammar;
    }
    try {
      return await jsonSchemaGrammar(loaded.llama, grammarSchema(format.schema, format.strict === true));
    } catch (error) {
      throw new ApiError(
        400,
        "invalid_request_error",
        `response_format.json_schema is not supported: ${(error as Error).message}`,
        "response_format",
      );
    }
  }

  private require(): Loaded {
    if (!this.loaded) throw new Error(`model ${this.info.id} is not loaded (${this.state})`);
    return this.loaded;
  }
}

function emptyUsage(): GenerationResult["usage"] {
  return { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
}
