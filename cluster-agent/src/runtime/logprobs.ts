/**
 * Log probabilities of generated tokens, from the distribution node-llama-cpp samples from (after
 * temperature, top-k, top-p and min-p, as llama-server reports them).
 */
import type { LlamaModel, Token } from "node-llama-cpp";
import type { TokenLogprob } from "./types.js";

/** OpenAI's floor for a token that had no chance: -Infinity does not survive JSON. */
const FLOOR = -9999;

function entry(model: LlamaModel, token: Token, probability: number) {
  // A token alone may hold part of a UTF-8 character; its text is then the replacement character.
  const text = model.detokenize([token], false);
  return {
    token: text,
    logprob: probability > 0 ? Math.max(FLOOR, Math.log(probability)) : FLOOR,
    bytes: [...Buffer.from(text, "utf8")],
  };
}

/** The `top` most likely entries, without sorting a vocabulary-sized map for each token. */
function mostLikely(probabilities: ReadonlyMap<Token, number>, top: number): [Token, number][] {
  const best: [Token, number][] = [];
  if (top <= 0) return best;
  for (const pair of probabilities) {
    if (best.length === top && pair[1] <= (best[top - 1] as [Token, number])[1]) continue;
    let at = best.length;
    while (at > 0 && (best[at - 1] as [Token, number])[1] < pair[1]) at--;
    best.splice(at, 0, pair);
    if (best.length > top) best.pop();
  }
  return best;
}

export function tokenLogprob(
  model: LlamaModel,
  token: Token,
  probabilities: ReadonlyMap<Token, number> | undefined,
  top: number,
): TokenLogprob {
  const own = entry(model, token, probabilities?.get(token) ?? 0);
  const ranked = probabilities ? mostLikely(probabilities, top) : [];
  return { ...own, top: ranked.map(([t, p]) => entry(model, t, p)) };
}
