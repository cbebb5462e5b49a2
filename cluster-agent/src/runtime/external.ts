/**
 * Runtime adapter for an external OpenAI-compatible engine (vLLM, llama-server, SGLang). It sits on the
 * hot path of every request on a GPU node, so it speaks to undici's dispatcher directly: one handler
 * object per request receives raw response chunks, with no intermediate Readable stream, and SSE bytes
 * are parsed in place.
 */
import { Pool } from "undici";
import type { Logger } from "../common/log.js";
import { type CallContext, UpstreamCall } from "./external-call.js";
import { transportError } from "./external-errors.js";
import { wireMessages, wireToolChoice, wireTools } from "./external-shapes.js";
import {
  countPromptTokensUpstream,
  detectTokenizer,
  estimatePromptTokens,
  type Tokenizer,
} from "./external-tokenize.js";
import type { Supervisor } from "./supervisor.js";
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

export interface ExternalRuntimeOptions {
  /** Public model name customers send. */
  modelId: string;
  /** Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1. */
  upstreamUrl: string;
  /** The name the upstream serves the model under; defaults to modelId. */
  upstreamModel?: string;
  /** Sent upstream as a Bearer token; never logged. */
  apiKey?: string;
  /** Most requests sent upstream at once (and connections kept); default 64. */
  slots?: number;
  contextLength: number;
  /** Longest wait for response headers, and for each piece of a response body; default 300 s. */
  timeoutMs?: number;
  /**
   * When set, load() starts the engine and unload() stops it. Its `apiKey`, when it has one, is the key
   * of the engine's current start and is sent instead of `apiKey`.
   */
  supervisor?: Pick<Supervisor, "state" | "start" | "stop"> & { readonly apiKey?: string };
  logger?: Logger;
  ownedBy?: string;
  /** How long a health probe's answer is reused; default 1 s. */
  healthCacheMs?: number;
  /**
   * Ask for vLLM's `stream_options.continuous_usage_stats`, so a stream cancelled midway still has the
   * upstream's exact counts so far. Only for engines known to accept the field.
   */
  continuousUsageStats?: boolean;
  /**
   * "upstream" (default) asks the engine's /tokenize when it has one: exact, but one more round trip
   * per call. "estimate" never does: for deployments whose admission cannot afford the round trip.
   */
  promptTokenCounting?: "upstream" | "estimate";
}

const DEFAULT_TIMEOUT_MS = 300_000;
const HEALTH_TIMEOUT_MS = 5_000;

function upstreamFormat(format: ResponseFormat | undefined): unknown {
  if (format === undefined || format.type === "text") return undefined;
  if (format.type === "json_object") return format;
  return {
    type: "json_schema",
    json_schema: { name: format.name, schema: format.schema, strict: format.strict },
  };
}

export class ExternalRuntime implements Runtime {
  readonly kind = "external" as const;
  /** The engine answers `n` choices in one call (vLLM, SGLang, llama-server all honour OpenAI's `n`). */
  readonly nativeChoices = true;
  readonly model: ModelInfo;
  readonly slots: number;

  readonly #options: ExternalRuntimeOptions;
  readonly #upstreamModel: string;
  readonly #origin: string;
  readonly #paths: { chat: string; completion: string; models: string; root: string };
  #headers: Record<string, string>;
  /** The key #headers carries; a supervised engine's key changes with every start. */
  #headersKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #ctx: CallContext;
  /** Generations only, sized to slots; probes and tokenize go through #aux so they never queue behind them. */
  #pool: Pool;
  #aux: Pool;
  #tokenizer: Promise<Tokenizer> | null = null;
  #health: { at: number; value: RuntimeHealth } | null = null;
  #healthProbe: Promise<RuntimeHealth> | null = null;

  constructor(options: ExternalRuntimeOptions) {
    this.#options = options;
    this.slots = options.slots ?? 64;
    this.#upstreamModel = options.upstreamModel ?? options.modelId;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.model = {
      id: options.modelId,
      contextLength: options.contextLength,
      ownedBy: options.ownedBy ?? "entrim",
      created: Math.floor(Date.now() / 1000),
    };
    const base = new URL(options.upstreamUrl);
    this.#origin = base.origin;
    const basePath = base.pathname.replace(/\/+$/, "");
    this.#paths = {
      chat: `${basePath}/chat/completions`,
      completion: `${basePath}/completions`,
      models: `${basePath}/models`,
      // vLLM and llama-server serve /tokenize and /health beside /v1, not under it.
      root: basePath.replace(/\/v1$/, ""),
    };
    this.#headersKey = options.apiKey;
    this.#headers = this.#headersWith(options.apiKey);
    this.#pool = this.#newPool(this.slots);
    this.#aux = this.#newPool(Math.max(4, Math.ceil(this.slots / 4)));
    this.#ctx = {
      modelId: options.modelId,
      logger: options.logger,
      stats: {
        active: 0,
        slots: this.slots,
        requestsTotal: 0,
        promptTokensTotal: 0,
        completionTokensTotal: 0,
      },
    };
  }

  #headersWith(key: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key) headers.authorization = `Bearer ${key}`;
    return headers;
  }

  /** Headers for the next call: one object per key, not per request. */
  #currentHeaders(): Record<string, string> {
    const key = this.#options.supervisor?.apiKey || this.#options.apiKey;
    if (key !== this.#headersKey) {
      this.#headersKey = key;
      this.#headers = this.#headersWith(key);
    }
    return this.#headers;
  }

  #newPool(connections: number): Pool {
    return new Pool(this.#origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      connect: { timeout: 10_000 },
    });
  }

  generate(request: GenerationRequest, onDelta?: DeltaSink): Promise<GenerationResult> {
    const stream = onDelta !== undefined;
    const chat = request.kind === "chat";
    const stop = request.stop;
    const tools = chat ? wireTools(request.tools) : undefined;
    const logprobs = request.logprobs;
    // One object literal with a fixed shape; undefined members are dropped by JSON.stringify.
    const body = JSON.stringify({
      model: this.#upstreamModel,
      messages: chat ? wireMessages(request.messages) : undefined,
      prompt: chat ? undefined : request.prompt,
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      top_p: request.topP,
      seed: request.seed,
      stop: stop !== undefined && stop.length > 0 ? stop : undefined,
      response_format: upstreamFormat(request.responseFormat),
      tools,
      tool_choice: tools !== undefined && chat ? wireToolChoice(request.toolChoice) : undefined,
      parallel_tool_calls: tools !== undefined && chat ? request.parallelToolCalls : undefined,
      presence_penalty: request.presencePenalty,
      frequency_penalty: request.frequencyPenalty,
      repetition_penalty: request.repetitionPenalty,
      // 0 means "all" in the contract; older vLLM refuses 0 and wants -1, so "all" is simply not sent.
      top_k: request.topK === 0 ? undefined : request.topK,
      min_p: request.minP,
      // Chat asks `logprobs: true` + `top_logprobs`; completions take the count in `logprobs` itself.
      logprobs: logprobs === undefined ? undefined : chat ? true : logprobs.top,
      top_logprobs: logprobs !== undefined && chat ? logprobs.top : undefined,
      n: request.n !== undefined && request.n > 1 ? request.n : undefined,
      stream: stream ? true : undefined,
      stream_options: stream
        ? this.#options.continuousUsageStats
          ? { include_usage: true, continuous_usage_stats: true }
          : { include_usage: true }
        : undefined,
    });
    return new Promise<GenerationResult>((resolve, reject) => {
      const call = new UpstreamCall(this.#ctx, request, onDelta, resolve, reject);
      if (call.settled) return;
      try {
        this.#pool.dispatch(
          {
            path: chat ? this.#paths.chat : this.#paths.completion,
            method: "POST",
            headers: this.#currentHeaders(),
            body,
          },
          call,
        );
      } catch (err) {
        call.fail(transportError(err));
      }
    });
  }

  async countPromptTokens(request: GenerationRequest): Promise<number> {
    if (this.#options.promptTokenCounting === "estimate") return estimatePromptTokens(request);
    const target = {
      pool: this.#aux,
      headers: this.#currentHeaders(),
      root: this.#paths.root,
      model: this.#upstreamModel,
    };
    if (this.#tokenizer === null) {
      const detecting = detectTokenizer(target);
      this.#tokenizer = detecting;
      // An unreachable upstream says nothing about its dialect: detect again next time.
      detecting.catch(() => {
        if (this.#tokenizer === detecting) this.#tokenizer = null;
      });
    }
    const tokenizer = await this.#tokenizer;
    return countPromptTokensUpstream(target, tokenizer, request);
  }

  stats(): RuntimeStats {
    return { ...this.#ctx.stats };
  }

  answering(): boolean {
    const supervised = this.#options.supervisor;
    return supervised === undefined || supervised.state === "healthy";
  }

  health(): Promise<RuntimeHealth> {
    const supervised = this.#options.supervisor;
    if (supervised !== undefined && supervised.state !== "healthy") {
      return Promise.resolve({ ok: false, detail: `upstream ${supervised.state}` });
    }
    const cached = this.#health;
    if (cached !== null && performance.now() - cached.at < (this.#options.healthCacheMs ?? 1_000)) {
      return Promise.resolve(cached.value);
    }
    if (this.#healthProbe === null) {
      this.#healthProbe = this.#probe().then((value) => {
        this.#health = { at: performance.now(), value };
        this.#healthProbe = null;
        return value;
      });
    }
    return this.#healthProbe;
  }

  async #probe(): Promise<RuntimeHealth> {
    try {
      const get = (path: string) =>
        this.#aux.request({
          path,
          method: "GET",
          headers: this.#currentHeaders(),
          headersTimeout: HEALTH_TIMEOUT_MS,
          bodyTimeout: HEALTH_TIMEOUT_MS,
        });
      let res = await get(this.#paths.models);
      if (res.statusCode === 404) {
        await res.body.dump();
        res = await get(`${this.#paths.root}/health`);
      }
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, detail: "ready" };
      return { ok: false, detail: `upstream answered HTTP ${res.statusCode}` };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { ok: false, detail: `upstream down: ${typeof code === "string" ? code : "unreachable"}` };
    }
  }

  async load(): Promise<void> {
    await this.#options.supervisor?.start();
    this.#health = null;
    const health = await this.health();
    if (!health.ok) throw new Error(`model server for ${this.model.id} is not ready: ${health.detail}`);
  }

  /** Stops a supervised engine and closes connections; in-flight requests finish first. */
  async unload(): Promise<void> {
    const pools = [this.#pool, this.#aux];
    this.#pool = this.#newPool(this.slots);
    this.#aux = this.#newPool(Math.max(4, Math.ceil(this.slots / 4)));
    this.#tokenizer = null;
    this.#health = null;
    await Promise.all(pools.map((p) => p.close()));
    await this.#options.supervisor?.stop();
  }
}
