import type { LlamaModel, Token } from "node-llama-cpp";

/** End-of-generation tokens by model: a model's set never changes, and asking llama.cpp costs a call. */
const eogByModel = new WeakMap<LlamaModel, Map<Token, boolean>>();

/** model.isEogToken, remembered per model and token (for the token loops, which ask once per token). */
export function eogTest(model: LlamaModel): (token: Token) => boolean {
  let memo = eogByModel.get(model);
  if (memo === undefined) {
    memo = new Map();
    eogByModel.set(model, memo);
  }
  const known = memo;
  return (token) => {
    const cached = known.get(token);
    if (cached !== undefined) return cached;
    const eog = model.isEogToken(token);
    known.set(token, eog);
    return eog;
  };
}
