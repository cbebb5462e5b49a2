import type { CancelSignal } from "../common/cancellation.js";
import type { ModelCapabilities } from "../domain/capabilities.js";
import type { TokenUsage } from "../domain/token-usage.js";

/**
 * The contract every inference runtime adapter fulfils. The scheduler and the public API speak only
 * this interface, so the embedded runtime (node-llama-cpp) and external OpenAI-compatible engines
 * (vLLM, llama-server, SGLang) are interchangeable behind a model name.
 */

export type ChatRole = "system" | "user" | "assistant" | "tool";

/** A function the model may call: its arguments are described by a JSON Schema. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object; `{}` when the function takes none. */
  parameters: Record<string, unknown>;
  /** OpenAI's strict mode: arguments must validate against the schema (we constrain them whenever we can). */
  strict?: boolean;
}

/**
 * "none": answer in text; "auto": the model chooses; "required": at least one call; `{ name }`: exactly
 * that function. With "required" and a name, the embedded runtime constrains the arguments by grammar,
 * so they always validate against the schema.
 */
export type ToolChoice = "none" | "auto" | "required" | { name: string };

/** One call the model made. `arguments` is JSON text, as OpenAI sends it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type ChatMessage =
  | { role: "system" | "user"; content: string }
  /** `toolCalls` are the calls the model made in that turn (the client sends them back in the history). */
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  /** The result of one tool call, answering the assistant's call with that id. */
  | { role: "tool"; content: string; toolCallId: string };

/** One generated token's log probability and the most likely alternatives at its position. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  /** UTF-8 bytes of the token's text (a token may hold part of a character). */
  bytes: number[] | null;
  /** The `top` most likely tokens at this position, most likely first (empty when top is 0). */
  top: { token: string; logprob: number; bytes: number[] | null }[];
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
  /** OpenAI's additive penalties, -2..2; 0 or absent: none. */
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** vLLM's multiplicative penalty (1: none), applied to tokens already in the prompt or output. */
  repetitionPenalty?: number;
  /** Sample only among the k most likely tokens; absent or 0 (vLLM: -1): all. */
  topK?: number;
  /** Drop tokens less likely than minP times the most likely one; absent or 0: none. */
  minP?: number;
  /** When set, each generated token's log probability and `top` alternatives (0..20) are reported. */
  logprobs?: { top: number };
  /**
   * Choices wanted from this one request (OpenAI's `n`). Only runtimes with `nativeChoices` see more
   * than 1: elsewhere the API runs one generation per choice, each on its own slot.
   */
  n?: number;
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
  /** Functions the model may call; absent or empty: none. */
  tools?: ToolDefinition[];
  /** Defaults to "auto" when tools are given. */
  toolChoice?: ToolChoice;
  /** False: at most one call per turn. Default true. */
  parallelToolCalls?: boolean;
}

export interface CompletionGenerationRequest extends GenerationCommon {
  kind: "completion";
  prompt: string;
}

export type GenerationRequest = ChatGenerationRequest | CompletionGenerationRequest;

export type FinishReason = "stop" | "length" | "tool_calls";

/** What one choice produced. */
export interface ChoiceResult {
  text: string;
  finishReason: FinishReason;
  /** Calls the model made (finishReason "tool_calls"); absent when it made none. */
  toolCalls?: ToolCall[];
  /** One entry per generated token of `text`, when the request asked for logprobs. */
  logprobs?: TokenLogprob[];
}

/**
 * The outcome of one generation: its first choice's fields, and `others` for choices 1..n-1 when a
 * runtime with `nativeChoices` produced several. `usage` covers every choice (the prompt once).
 */
export interface GenerationResult extends ChoiceResult {
  others?: ChoiceResult[];
  usage: TokenUsage;
  /** True when the request's signal ended the generation early. */
  aborted: boolean;
}

/** Details of a delta beyond its text, for requests that asked for tools or logprobs. */
export interface DeltaDetail {
  /** Log probabilities of the tokens this delta's text came from. */
  logprobs?: TokenLogprob[];
  /**
   * A piece of a tool call, in OpenAI's streaming shape: `id` and `name` come once, with the first
   * piece of call `index`; `arguments` arrives in pieces that concatenate to the call's JSON text.
   */
  toolCall?: { index: number; id?: string; name?: string; arguments: string };
}

/**
 * Receives generated output as it is produced: text (may be empty for tokens that complete no
 * character, or when only `detail` carries something), the choice it belongs to (default 0), details,
 * and, when the runtime already has it, the text as a JSON string literal (quotes included), so that
 * a relay need not encode it again.
 */
export interface DeltaSink {
  (text: string, choice?: number, detail?: DeltaDetail, json?: string): void;
  /**
   * Optional, for a relay that writes bytes: one plain text token of choice 0 as the engine encoded it,
   * `bytes[start, end)`, a JSON string literal (quotes included) already checked to be valid JSON and
   * valid UTF-8 with no raw control character, so it can be written as it is. The bytes are valid only
   * during the call. A runtime that relays an engine's stream calls this instead of the function when
   * it is there, so such a token's text is never decoded on the way through.
   */
  raw?: (bytes: Buffer, start: number, end: number) => void;
}

/** One embeddings call: inputs as text or as token ids, as OpenAI's `input` allows. */
export interface EmbeddingRequest {
  inputs: (string | number[])[];
  /** Truncate each vector to this many dimensions (and re-normalise), where the model allows. */
  dimensions?: number;
  signal: CancelSignal;
}

export interface EmbeddingResult {
  vectors: number[][];
  /** Input tokens over all inputs, as billed. */
  promptTokens: number;
}

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

/** What a served model can do; /v1/models and the portal show it, the API refuses the rest. */
export type { ModelCapabilities };

export interface ModelInfo {
  /** Public model name customers send. */
  id: string;
  /** Context window in tokens. */
  contextLength: number;
  ownedBy: string;
  created: number;
  /** Absent: a generation model (chat, completions, tools, logprobs), as every model was before. */
  capabilities?: ModelCapabilities;
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
  /**
   * True when generate() honours `request.n` itself (an external engine answers n choices in one
   * call); otherwise the API runs n generations, one slot each.
   */
  readonly nativeChoices?: boolean;
  /** Embeddings for a model whose capabilities say it embeds; absent elsewhere. */
  embed?(request: EmbeddingRequest): Promise<EmbeddingResult>;
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
