/**
 * n choices on a runtime that answers one at a time: one generation per choice, spread over the slots
 * the request holds, merged into one result. The prompt is billed once, as OpenAI and vLLM do; every
 * choice's completion tokens are billed.
 */
import type { Cancellation } from "../common/cancellation.js";
import type {
  ChoiceResult,
  DeltaSink,
  GenerationRequest,
  GenerationResult,
  Runtime,
} from "../runtime/types.js";

const choiceOf = (r: GenerationResult): ChoiceResult => {
  const choice: ChoiceResult = { text: r.text, finishReason: r.finishReason };
  if (r.toolCalls !== undefined) choice.toolCalls = r.toolCalls;
  if (r.logprobs !== undefined) choice.logprobs = r.logprobs;
  return choice;
};

export async function runChoices(
  runtime: Runtime,
  base: GenerationRequest,
  n: number,
  workers: number,
  abort: Cancellation,
  onDelta: DeltaSink | undefined,
): Promise<GenerationResult> {
  const results: GenerationResult[] = new Array(n);
  // Choice 0 keeps the request's own seed (so it matches the same request with n = 1); the others
  // sample with seeds of their own, or every choice of a seeded request would be the same text.
  const seed = base.seed ?? Math.floor(Math.random() * 2 ** 31);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < n && failure === null) {
      const index = next++;
      const request: GenerationRequest = { ...base, n: 1, seed: index === 0 ? base.seed : seed + index };
      const sink: DeltaSink | undefined =
        onDelta && ((text, _choice, detail) => onDelta(text, index, detail));
      try {
        results[index] = await runtime.generate(request, sink);
      } catch (error) {
        if (failure === null) {
          failure = { error };
          // The other choices stop too: the request fails as a whole.
          abort.abort();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, n) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  const [first, ...rest] = results as [GenerationResult, ...GenerationResult[]];
  let completionTokens = 0;
  for (const r of results) completionTokens += r.usage.completionTokens;
  return {
    ...choiceOf(first),
    others: rest.map(choiceOf),
    usage: {
      promptTokens: first.usage.promptTokens,
      cachedTokens: first.usage.cachedTokens,
      completionTokens,
    },
    aborted: results.some((r) => r.aborted),
  };
}
