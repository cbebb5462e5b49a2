/**
 * From a validated OpenAI request body to the runtime's GenerationRequest, and the token budget it may
 * use: the part of a generation that happens before it takes a slot.
 */
import type { CancelSignal } from "../common/cancellation.js";
import { ApiError } from "../common/errors.js";
import { estimatePromptTokens } from "../runtime/external-tokenize.js";
import type { GenerationRequest, ResponseFormat } from "../runtime/types.js";
import type { ServedModel } from "../serving/models.js";
import { type ChatCompletionRequest, type CompletionRequest, contentText } from "./schemas.js";
import type { Kind } from "./shapes.js";

export type Body = ChatCompletionRequest | CompletionRequest;

function responseFormat(body: ChatCompletionRequest): ResponseFormat | undefined {
  const format = body.response_format;
  if (format?.type !== "json_schema") return format;
  const spec = format.json_schema;
  return { type: "json_schema", name: spec.name, schema: spec.schema ?? {}, strict: spec.strict ?? false };
}

export function toGeneration(
  kind: Kind,
  body: Body,
  signal: CancelSignal,
  cacheScope: string,
): GenerationRequest {
  // Written out rather than spread: one object shape per kind keeps this per-request path monomorphic.
  const stop = body.stop == null ? undefined : typeof body.stop === "string" ? [body.stop] : body.stop;
  if (kind === "chat") {
    const chat = body as ChatCompletionRequest;
    return {
      kind: "chat",
      messages: chat.messages.map((m) => ({
        role: m.role === "developer" ? "system" : m.role,
        content: contentText(m.content),
      })),
      maxTokens: 0,
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      seed: body.seed ?? undefined,
      stop,
      responseFormat: responseFormat(chat),
      cacheScope,
      signal,
    };
  }
  const prompt = (body as CompletionRequest).prompt;
  return {
    kind: "completion",
    prompt: typeof prompt === "string" ? prompt : prompt[0]!,
    maxTokens: 0,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    seed: body.seed ?? undefined,
    stop,
    responseFormat: undefined,
    cacheScope,
    signal,
  };
}

export function requestedMaxTokens(kind: Kind, body: Body): number | undefined {
  if (kind === "chat") {
    const chat = body as ChatCompletionRequest;
    return chat.max_completion_tokens ?? chat.max_tokens ?? undefined;
  }
  // OpenAI's legacy completions default to 16 tokens when max_tokens is absent.
  return body.max_tokens ?? 16;
}

/**
 * What the rate limits reserve before the prompt is tokenized: an upper bound on the request's
 * prompt tokens plus completion budget, from the prompt's UTF-8 length alone (estimatePromptTokens:
 * byte-level BPE and SentencePiece with byte fallback never make more tokens than bytes). Counting
 * costs a pass over the text, tokenizing a call into the engine; a request over its limit is refused
 * for the first only. Where the model's context is enforced here (embedded), no admissible request
 * needs more than the context, so the bound is capped there too.
 */
export function reservationBound(
  model: ServedModel,
  request: GenerationRequest,
  asked: number | undefined,
): { promptTokens: number; maxTokens: number } {
  const prompt = estimatePromptTokens(request);
  const context = model.runtime.model.contextLength;
  // Without max_tokens the completion may use whatever the prompt leaves: the whole context in all.
  if (asked === undefined) {
    const promptTokens = Math.min(prompt, context);
    return { promptTokens, maxTokens: context - promptTokens };
  }
  if (model.runtime.kind === "external") return { promptTokens: prompt, maxTokens: asked };
  return { promptTokens: Math.max(0, Math.min(prompt, context - asked)), maxTokens: asked };
}

/**
 * Settles maxTokens against the model's context window. The embedded runtime tokenizes locally, so
 * the prompt is always counted and an oversized request is refused before it takes a slot; an external
 * upstream checks its own context, so we only count there when we must pick a default.
 */
export async function settleMaxTokens(
  model: ServedModel,
  request: GenerationRequest,
  asked: number | undefined,
): Promise<number> {
  const { runtime } = model;
  if (asked !== undefined && runtime.kind === "external") {
    request.maxTokens = asked;
    // An upper bound, for rate-limit reservations only: billing takes the upstream's exact usage.
    return estimatePromptTokens(request);
  }
  const context = runtime.model.contextLength;
  const prompt = await runtime.countPromptTokens(request);
  const room = context - prompt;
  if (asked !== undefined ? prompt + asked > context : room < 1) {
    const wanted = prompt + (asked ?? 1);
    throw new ApiError(
      400,
      "invalid_request_error",
      `This model's maximum context length is ${context} tokens. However, you requested ${wanted} tokens (${prompt} in the messages, ${asked ?? 1} in the completion). Please reduce the length of the messages or completion.`,
      "messages",
      "context_length_exceeded",
    );
  }
  request.maxTokens = asked ?? room;
  return prompt;
}
