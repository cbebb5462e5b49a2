/** Exact counts from the model's tokenizer, never estimates: billing depends on them. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}
