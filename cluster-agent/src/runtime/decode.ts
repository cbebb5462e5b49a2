/**
 * The token loop of one generation on one sequence. It samples token by token so that the count of
 * generated tokens is exact by construction: node-llama-cpp's higher-level LlamaChat/LlamaCompletion
 * hold tokens back for stop detection and report only the ones they release.
 */
import type { LlamaContextSequence, LlamaGrammar, LlamaModel, Token } from "node-llama-cpp";
import { isLlamaText, LlamaGrammarEvaluationState } from "node-llama-cpp";
import { TextStream } from "./text-stream.js";
import type { DeltaSink, GenerationRequest, GenerationResult } from "./types.js";

/** A UTF-8 character spans at most 4 byte tokens; wait no longer than that for it to complete. */
const MAX_PARTIAL_CHARACTER_TOKENS = 4;
const REPLACEMENT_CHARACTER = "\uFFFD";

export interface DecodeInput {
  model: LlamaModel;
  /** A sequence holding exactly the first `cached` prompt tokens. */
  sequence: LlamaContextSequence;
  prompt: Token[];
  /** Prompt tokens already evaluated in the sequence (a reused prefix); fewer than prompt.length. */
  cached: number;
  /** Most tokens to generate: maxTokens, or less where the context ends first. */
  budget: number;
  request: GenerationRequest;
  stops: readonly string[];
  grammar: LlamaGrammar | undefined;
  onDelta: DeltaSink | undefined;
}

export async function decode(input: DecodeInput): Promise<GenerationResult> {
  const { model, sequence, prompt, cached, budget, request, grammar, onDelta } = input;
  const stops = [...input.stops];
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

  const tokens = sequence.evaluate(cached === 0 ? prompt : prompt.slice(cached), {
    temperature: request.temperature ?? 1,
    topP: request.topP ?? 1,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(grammar ? { grammarEvaluationState: new LlamaGrammarEvaluationState({ model, grammar }) } : {}),
    // The end-of-generation token is sampled like any other and billed, as llama-server and vLLM do.
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
  return {
    text: stream.finish(),
    finishReason,
    aborted,
    usage: { promptTokens: prompt.length, completionTokens: generated, cachedTokens: cached },
  };
}
