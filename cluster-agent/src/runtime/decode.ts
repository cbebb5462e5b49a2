/**
 * The token loop of one generation on one sequence. It samples token by token so that the count of
 * generated tokens is exact by construction: node-llama-cpp's higher-level LlamaChat/LlamaCompletion
 * hold tokens back for stop detection and report only the ones they release.
 */
import type {
  LlamaContextSequence,
  LlamaContextSequenceRepeatPenalty,
  LlamaGrammar,
  LlamaModel,
  SequenceEvaluateOptions,
  Token,
} from "node-llama-cpp";
import { isLlamaText, LlamaGrammarEvaluationState } from "node-llama-cpp";
import { Detokenizer } from "./detokenizer.js";
import { eogTest } from "./eog-tokens.js";
import { tokenLogprob } from "./logprobs.js";
import { TextStream } from "./text-stream.js";
import { ToolCallRun, type ToolPlan } from "./tool-calls.js";
import type { DeltaDetail, DeltaSink, GenerationRequest, GenerationResult, TokenLogprob } from "./types.js";

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
  /** The request's tools, when it offers the model any. */
  tools?: ToolPlan | undefined;
  onDelta: DeltaSink | undefined;
}

/**
 * OpenAI's presence and frequency penalties count generated tokens only; vLLM's repetition penalty also
 * counts the prompt. node-llama-cpp takes one token list for all three, so it holds the prompt too when
 * a repetition penalty is asked for (then presence/frequency see the prompt as well, as in llama-server,
 * which applies all three to its last-n window), and only the generated tokens otherwise.
 */
function repeatPenalty(
  request: GenerationRequest,
  prompt: readonly Token[],
  generated: readonly Token[],
): LlamaContextSequenceRepeatPenalty | undefined {
  const presence = request.presencePenalty ?? 0;
  const frequency = request.frequencyPenalty ?? 0;
  const repetition = request.repetitionPenalty ?? 1;
  if (presence === 0 && frequency === 0 && repetition === 1) return undefined;
  return {
    punishTokens: repetition === 1 ? () => generated as Token[] : () => [...prompt, ...generated],
    maxPunishTokens: repetition === 1 ? 64 : prompt.length + 64,
    penalty: repetition,
    presencePenalty: presence,
    frequencyPenalty: frequency,
  };
}

export async function decode(input: DecodeInput): Promise<GenerationResult> {
  const { model, sequence, prompt, cached, budget, request, grammar, tools, onDelta } = input;
  const stops = [...input.stops];
  // A grammar brings its own stop triggers: the JSON one stops a flood of whitespace after the value.
  for (const trigger of grammar?.stopGenerationTriggers ?? []) {
    const text = typeof trigger === "string" ? trigger : isLlamaText(trigger) ? trigger.toString() : "";
    if (text !== "") stops.push(text);
  }
  // In auto mode the opening of a call ends the text like a stop string does, and the call begins.
  const triggers = tools?.mode === "auto" ? tools.syntax.triggers : undefined;
  if (triggers) stops.push(...triggers.keys());

  const top = request.logprobs?.top;
  /** Each generated text token's entry and where its text starts in the generated text. */
  const logprobs: { entry: TokenLogprob; start: number }[] = [];
  let sentLogprobs = 0;
  let released = 0;
  const stream = new TextStream(
    stops,
    (delta) => {
      released += delta.length;
      if (top === undefined) return onDelta?.(delta);
      // A delta carries the tokens whose text begins in it (and earlier ones that completed no character).
      let end = sentLogprobs;
      while (end < logprobs.length && (logprobs[end] as { start: number }).start < released) end++;
      const batch = logprobs.slice(sentLogprobs, end).map((l) => l.entry);
      sentLogprobs = end;
      onDelta?.(delta, 0, { logprobs: batch });
    },
    grammar?.trimWhitespaceSuffix ?? false,
  );
  const emitDetail = (detail: DeltaDetail) => onDelta?.("", 0, detail);

  const detokenizer = new Detokenizer(model);
  const isEog = eogTest(model);
  const partial: Token[] = [];
  const partialLogprobs: TokenLogprob[] = [];
  const sampled: Token[] = [];
  let pushed = 0;
  let generated = 0;
  let finishReason: GenerationResult["finishReason"] = "stop";
  let aborted = false;
  let run: ToolCallRun | undefined;

  let evaluateFirst = cached === 0 ? prompt : prompt.slice(cached);
  if (tools?.mode === "forced") {
    // "required" or a named function: the turn opens with the call, in the wrapper's own syntax.
    const opening = ToolCallRun.opening(tools, model);
    if (opening.length >= budget) {
      await sequence.evaluateWithoutGeneratingNewTokens(evaluateFirst);
      return result("length");
    }
    run = new ToolCallRun(tools, model, emitDetail);
    evaluateFirst = [...evaluateFirst, ...opening];
    generated += opening.length;
  }

  const textGrammar = grammar ? new LlamaGrammarEvaluationState({ model, grammar }) : undefined;
  const penalty = repeatPenalty(request, prompt, sampled);
  const options: SequenceEvaluateOptions = {
    temperature: request.temperature ?? 1,
    topP: request.topP ?? 1,
    // Absent, 0 or vLLM's -1: the whole vocabulary (node-llama-cpp would default to 40).
    topK: Math.max(request.topK ?? 0, 0),
    minP: request.minP ?? 0,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...(tools
      ? { grammarEvaluationState: () => (run ? run.grammarState() : textGrammar) }
      : textGrammar
        ? { grammarEvaluationState: textGrammar }
        : {}),
    ...(penalty ? { repeatPenalty: penalty } : {}),
    // The end-of-generation token is sampled like any other and billed, as llama-server and vLLM do.
    yieldEogToken: true,
  };
  // Probabilities cost a vocabulary-sized copy per token: only requests that asked for logprobs pay it.
  const withMetadata =
    top === undefined
      ? undefined
      : sequence.evaluateWithMetadata(evaluateFirst, { probabilities: true }, options);
  const plain = withMetadata ? undefined : sequence.evaluate(evaluateFirst, options);
  let replacement: Token[] | undefined;
  try {
    for (;;) {
      // Read in place, not through a helper: a helper's promise and result object per token are time
      // on the event loop, and the next token waits for the loop.
      let token: Token;
      let probabilities: ReadonlyMap<Token, number> | undefined;
      if (plain) {
        const r = await plain.next(replacement);
        if (r.done) break;
        token = r.value;
      } else {
        const r = await (withMetadata as NonNullable<typeof withMetadata>).next(replacement);
        if (r.done) break;
        ({ token, probabilities } = r.value);
      }
      replacement = undefined;
      generated++;
      sampled.push(token);
      if (run) {
        const step = run.push(token);
        if (step.done) break;
        if (step.next) {
          // Forced text is billed like sampled text; none is evaluated past the budget.
          if (generated + step.forced >= budget) {
            finishReason = "length";
            break;
          }
          generated += step.forced;
          replacement = step.next;
        }
      } else {
        if (isEog(token)) break;
        partial.push(token);
        if (top !== undefined) partialLogprobs.push(tokenLogprob(model, token, probabilities, top));
        const text = detokenizer.text(partial);
        // Byte tokens of one multi-byte character arrive one by one; wait for the character to complete.
        if (!text.endsWith(REPLACEMENT_CHARACTER) || partial.length >= MAX_PARTIAL_CHARACTER_TOKENS) {
          detokenizer.accept(partial);
          partial.length = 0;
          if (partialLogprobs.length > 0) {
            for (const entry of partialLogprobs) logprobs.push({ entry, start: pushed });
            partialLogprobs.length = 0;
          }
          pushed += text.length;
          if (stream.push(text)) {
            const then = triggers?.get(stream.stoppedBy ?? "");
            if (!tools || then === undefined) break;
            run = new ToolCallRun(tools, model, emitDetail);
            const forced = then.tokenize(model.tokenizer);
            if (forced.length > 0) {
              if (generated + forced.length >= budget) {
                finishReason = "length";
                break;
              }
              generated += forced.length;
              replacement = [token, ...forced];
            }
          }
        }
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
  } finally {
    await (plain ?? withMetadata)?.return();
  }
  if (partial.length > 0 && !stream.hasStopped) {
    for (const entry of partialLogprobs) logprobs.push({ entry, start: pushed });
    stream.push(detokenizer.text(partial));
  }
  return result(finishReason);

  function result(reason: GenerationResult["finishReason"]): GenerationResult {
    const text = stream.finish();
    const calls = run?.calls ?? [];
    return {
      text,
      // A call cut by the length limit stays "length", as OpenAI reports it.
      finishReason: calls.length > 0 && reason !== "length" ? "tool_calls" : reason,
      ...(calls.length > 0 ? { toolCalls: calls } : {}),
      // Tokens of a stop string trimmed from the text are dropped with it.
      ...(top === undefined
        ? {}
        : { logprobs: logprobs.filter((l) => l.start < text.length).map((l) => l.entry) }),
      aborted,
      usage: { promptTokens: prompt.length, completionTokens: generated, cachedTokens: cached },
    };
  }
}
