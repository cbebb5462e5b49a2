/**
 * The token budget a generation may use: the part of a generation that happens before it takes a slot.
 */
import { ApiError } from "../common/errors.js";
import { estimatePromptTokens } from "../runtime/external-tokenize.js";
import type { GenerationRequest } from "../runtime/types.js";
import type { ServedModel } from "../serving/models.js";

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
