import type { LlamaModel, Token } from "node-llama-cpp";

/** Past this many tokens of context, the context starts again from the last few. */
const MAX_CONTEXT_TOKENS = 8;
/** As many as node-llama-cpp's own detokenize looks back: enough for any tokenizer it supports. */
const MIN_CONTEXT_TOKENS = 3;

/**
 * The text that generated tokens add to the text before them, token by token. A tokenizer may render
 * a token differently at the start of a text (SentencePiece drops a word's leading space there), so a
 * token's text is what the text grows by when it follows the tokens before it: node-llama-cpp's
 * `detokenize(tokens, false, lastTokens)` gives it by detokenizing the last three tokens, then those
 * with the new ones, two calls into llama.cpp per token. Here the context is the tokens since an
 * anchor, so the text of the context is the text the previous call already made, and a token costs one
 * call; every MAX_CONTEXT_TOKENS the anchor moves up to the last few tokens, at one extra call.
 *
 * The same result as node-llama-cpp's where the context is the last three tokens: a text that does not
 * begin with the context's text falls back to the tokens' text alone, and an empty context text means
 * the tokens' text alone, as there.
 */
export class Detokenizer {
  readonly #model: Pick<LlamaModel, "detokenize">;
  /** The accepted tokens since the anchor. */
  #context: Token[] = [];
  /** The text of #context; null when not known (after a move of the anchor). */
  #contextText: string | null = "";
  /** The text of #context with the tokens of the last text() call, when that call made it. */
  #grown: string | null = null;

  constructor(model: Pick<LlamaModel, "detokenize">) {
    this.#model = model;
  }

  /** The text `tokens` add after the accepted tokens (those passed to accept()). */
  text(tokens: readonly Token[]): string {
    const context = this.#context;
    if (context.length === 0) {
      const text = this.#model.detokenize(tokens, false);
      this.#grown = text;
      return text;
    }
    const before = this.#contextText ?? this.#model.detokenize(context, false);
    this.#contextText = before;
    if (before === "") {
      this.#grown = null;
      return this.#model.detokenize(tokens, false);
    }
    const grown = this.#model.detokenize(context.concat(tokens), false);
    this.#grown = grown;
    return grown.startsWith(before) ? grown.slice(before.length) : this.#model.detokenize(tokens, false);
  }

  /** Makes `tokens`, just passed to text(), part of the context of the tokens after them. */
  accept(tokens: readonly Token[]): void {
    const context = this.#context;
    for (const token of tokens) context.push(token);
    this.#contextText = this.#grown;
    this.#grown = null;
    if (context.length > MAX_CONTEXT_TOKENS) {
      this.#context = context.slice(-MIN_CONTEXT_TOKENS);
      this.#contextText = null;
    }
  }
}
