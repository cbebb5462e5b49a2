import type { CancelSignal } from "../common/cancellation.js";
import type { TokenUsage } from "../domain/token-usage.js";

/**
 * The contract every inference runtime adapter fulfils. The scheduler and the public API speak only
 * this interface, so the embedded runtime (node-llama-cpp) and external OpenAI-compatible engines
 * (vLLM, llama-server, SGLang) are interchangeable behind a model name.
 */

export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict?: boolean };

interface GenerationCommon {
  /** Upper bound on completion tokens; the runtime stops with finishReason "length" when reached. */
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  responseFormat?: ResponseFormat;
  /**
   * Who may share prompt-cache state with this request: the account id. Requests of different scopes
   * never reuse each other's evaluated prompts. Runtimes that do not cache ignore it; absent: no caching.
   */
  cacheScope?: string;
  /** Aborted when the client disconnects or the request is cancelled; the slot must be freed. */
  signal: CancelSignal;
}

export interface ChatGenerationRequest extends GenerationCommon {
  kind: "chat";
  messages: ChatMessage[];
}

export interface CompletionGenerationRequest extends GenerationCommon {
  kind: "completion";
  prompt: string;
}

export type GenerationRequest = ChatGenerationRequest | CompletionGenerationRequest;

export type FinishReason = "stop" | "length";

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** True when the request's signal ended the generation early. */
  aborted: boolean;
}

/** Receives generated text as it is produced (may be empty for tokens that complete no character). */
export type DeltaSink = (text: string) => void;

export interface RuntimeStats {
  /** Sequences generating right now. */
  active: number;
  /** Parallel sequences the runtime can run. */
  slots: number;
  requestsTotal: number;
  promptTokensTotal: number;
  completionTokensTotal: number;
}

export interface RuntimeHealth {
  ok: boolean;
  /** Human-readable state for operators: "loaded", "loading", "upstream down: ECONNREFUSED", ... */
  detail: string;
}

export interface ModelInfo {
  /** Public model name customers send. */
  id: string;
  /** Context window in tokens. */
  contextLength: number;
  ownedBy: string;
  created: number;
}

export interface Runtime {
  readonly kind: "embedded" | "external";
  readonly model: ModelInfo;
  /** How many generations may run at once; the scheduler never exceeds it. */
  readonly slots: number;
  load(): Promise<void>;
  unload(): Promise<void>;
  /**
   * Runs one generation. Resolves when it ends (naturally, at maxTokens, or on abort); rejects only on
   * runtime failure. onDelta is called synchronously with each piece of text as it is produced.
   */
  generate(request: GenerationRequest, onDelta?: DeltaSink): Promise<GenerationResult>;
  /** Exact prompt token count for a request, as generate() would bill it. */
  countPromptTokens(request: GenerationRequest): Promise<number>;
  /** Drops whatever prompt-cache state a scope (account) holds; runtimes without a cache omit it. */
  dropScope?(scope: string): Promise<void>;
  stats(): RuntimeStats;
  health(): Promise<RuntimeHealth>;
  /**
   * False when the runtime knows, without asking, that it cannot answer now (its supervised engine is
   * restarting). Read by /readyz on every probe, so it must be cheap; runtimes that cannot tell omit it.
   */
  answering?(): boolean;
}
