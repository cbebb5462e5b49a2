/**
 * The embedded runtime: node-llama-cpp in the agent's process. One context holds `parallel` sequences;
 * each sequence is a slot that runs one generation at a time. Generation drives the sequence token by
 * token, so every billed token is one the model evaluated or sampled, counted, not estimated.
 */
import { availableParallelism } from "node:os";
import type {
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
} from "node-llama-cpp";
import {
  getLlama,
  isLlamaText,
  LlamaGrammarEvaluationState,
  LlamaLogLevel,
  resolveChatWrapper,
} from "node-llama-cpp";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import { createPromptBuilder, type PromptBuilder } from "./prompt.js";
import { TextStream } from "./text-stream.js";
import type {
  DeltaSink,
  GenerationRequest,
  GenerationResult,
  ModelInfo,
  ResponseFormat,
  Runtime,
  RuntimeHealth,
  RuntimeStats,
} from "./types.js";

export interface EmbeddedRuntimeOptions {
  modelPath: string;
  /** Public model name customers send. */
  modelId: string;
  /** Sequences generating at once (the runtime's slots). */
  parallel?: number;
  /** CPU threads for evaluation; tiny models and tests want 1. */
  threads?: number;
  /** 0 keeps the model on the CPU; "auto" offloads when node-llama-cpp finds a GPU. */
  gpuLayers?: "auto" | number;
  /** Tokens per sequence; defaults to the model's training context, capped. */
  contextSize?: number;
  ownedBy?: string;
  logger?: Logger;
}

/** Each slot's KV cache costs memory in proportion to the context; huge training contexts are opt-in. */
const DEFAULT_CONTEXT_CAP = 8192;
/** A UTF-8 character spans at most 4 byte tokens; wait no longer than that for it to complete. */
const MAX_PARTIAL_CHARACTER_TOKENS = 4;
const REPLACEMENT_CHARACTER = "\uFFFD";

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
  free: LlamaContextSequence[];
  jsonGrammar?: LlamaGrammar;
}

export class EmbeddedRuntime implements Runtime {
  readonly kind = "embedded" as const;
  readonly slots: number;
  private info: ModelInfo;
  private loaded: Loaded | undefined;
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
    };
  }

  get model(): ModelInfo {
    return this.info;
  }

  async load(): Promise<void> {
    if (this.loaded) return;
    this.state = "loading";
    const log = this.options.logger;
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
        threads: this.options.threads ?? availableParallelism(),
      });
      const free = Array.from({ length: this.slots }, () => context.getSequence());
      const prompts = createPromptBuilder(model, resolveChatWrapper(model));
      this.loaded = { llama, model, context, prompts, free };
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

  async countPromptTokens(request: GenerationRequest): Promise<number> {
    return this.require().prompts.tokens(request).length;
  }

  async generate(request: GenerationRequest, onDelta?: DeltaSink): Promise<GenerationResult> {
    const loaded = this.require();
    if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1)
      throw new ApiError(400, "invalid_request_error", "max_tokens must be a positive integer", "max_tokens");
    if (request.signal.aborted) return { text: "", finishReason: "stop", aborted: true, usage: emptyUsage() };
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

    const sequence = loaded.free.pop();
    if (!sequence)
      throw new Error(`no free sequence: ${this.slots} slots are busy (the scheduler must not overbook)`);
    this.active++;
    try {
      // A sequence may still hold a previous caller's tokens if an earlier cleanup failed.
      if (sequence.nextTokenIndex !== 0) await sequence.clearHistory();
      const result = await this.run(
        loaded,
        sequence,
        prompt,
        Math.min(request.maxTokens, room),
        request,
        grammar,
        onDelta,
      );
      this.totals.requests++;
      this.totals.promptTokens += result.usage.promptTokens;
      this.totals.completionTokens += result.usage.completionTokens;
      return result;
    } finally {
      this.active--;
      // Prompts and outputs live only for the request: drop the KV state before the slot is reused.
      if (!sequence.disposed) {
        await sequence.clearHistory();
        loaded.free.push(sequence);
      }
    }
  }

  private async run(
    loaded: Loaded,
    sequence: LlamaContextSequence,
    prompt: Token[],
    budget: number,
    request: GenerationRequest,
    grammar: LlamaGrammar | undefined,
    onDelta: DeltaSink | undefined,
  ): Promise<GenerationResult> {
    const { model } = loaded;
    const stops = [...(request.stop ?? [])];
    if (request.kind === "chat") stops.push(...loaded.prompts.chatStopStrings);
    // A grammar brings its own stop triggers: the JSON one stops a flood of whitespace after the value.
    for (const trigger of grammar?.stopGenerationTriggers ?? []) {
      const text = typeof trigger === "string" ? trigger : isLlamaText(trigger) ? trigger.toString() : "";
      if (text !== "") stops.push(text);
    }
    const stream = new TextStream(stops, (delta) => onDelta?.(delta), grammar?.trimWhitespaceSuffix ?? false);
    const accepted: Token[] = [];
    const partial: Token[] = [];
    let generated = 0;
    let finishReason: GenerationResult["finishReason"] = "stop";
    let aborted = false;

    const tokens = sequence.evaluate(prompt, {
      temperature: request.temperature ?? 1,
      topP: request.topP ?? 1,
      ...(request.seed === undefined ? {} : { seed: request.seed }),
      ...(grammar ? { grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar }) } : {}),
      // The end-of-generation token is sampled like any other and billed like llama-server and vLLM do.
      yieldEogToken: true,
    });
    for await (const token of tokens) {
      generated++;
      if (model.isEogToken(token)) break;
      partial.push(token);
      const text = model.detokenize(partial, false, accepted);
      // Byte tokens of one multi-byte character arrive one by one; wait for the character to complete.
      if (!text.endsWith(REPLACEMENT_CHARACTER) || partial.length >= MAX_PARTIAL_CHARACTER_TOKENS) {
        accepted.push(...partial);
        partial.length = 0;
        if (stream.push(text)) break;
      }
      if (generated >= budget) {
        finishReason = "length";
        break;
      }
      if (request.signal.aborted) {
        aborted = true;
        break;
      }
    }
    if (partial.length > 0 && !stream.hasStopped) stream.push(model.detokenize(partial, false, accepted));
    const text = stream.finish();
    return {
      text,
      finishReason,
      aborted,
      usage: { promptTokens: prompt.length, completionTokens: generated, cachedTokens: 0 },
    };
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
      // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types schemas it can map statically
      return await loaded.llama.createGrammarForJsonSchema(format.schema as any);
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
