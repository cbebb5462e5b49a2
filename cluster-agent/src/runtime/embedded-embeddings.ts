/**
 * Embeddings on the embedded runtime: node-llama-cpp's embedding context over the same loaded GGUF the
 * runtime generates with. The context is made on the first embeddings request (a model marked for
 * embeddings may never be asked for one, and each context costs its KV memory) and disposed with the
 * model. Every input is tokenized here and those exact tokens are embedded, so the tokens billed are the
 * tokens evaluated.
 */
import type { LlamaEmbeddingContext, LlamaModel, Token } from "node-llama-cpp";
import { ApiError } from "../common/errors.js";
import { type EmbeddingSettings, normalized } from "../domain/capabilities.js";
import type { EmbeddingRequest, EmbeddingResult } from "./types.js";

export interface EmbedderOptions {
  contextSize: number;
  threads: number;
  settings: EmbeddingSettings;
}

function inputError(message: string, param: string, code: string | null = null): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, code);
}

/** Refuses `dimensions` a model cannot give; the API checks shape, this checks the model. */
export function checkDimensions(
  dimensions: number | undefined,
  width: number,
  settings: EmbeddingSettings,
): void {
  if (dimensions === undefined || dimensions === width) return;
  if (!settings.matryoshka) {
    throw inputError(
      `This model's embeddings have ${width} dimensions and cannot be shortened; omit dimensions.`,
      "dimensions",
    );
  }
  if (dimensions > width) {
    throw inputError(`This model's embeddings have at most ${width} dimensions.`, "dimensions");
  }
}

export class EmbeddedEmbedder {
  private context: Promise<LlamaEmbeddingContext> | undefined;

  constructor(
    private readonly model: LlamaModel,
    private readonly options: EmbedderOptions,
  ) {}

  async embed(request: EmbeddingRequest): Promise<EmbeddingResult> {
    checkDimensions(request.dimensions, this.model.embeddingVectorSize, this.options.settings);
    const context = await this.open();
    const vocabulary = this.vocabularySize();
    // Everything is tokenized and measured before anything is evaluated: a request with one input too
    // long is refused whole, not half embedded.
    const inputs = request.inputs.map((input, index) => {
      const tokens: Token[] =
        typeof input === "string" ? this.model.tokenize(input) : (input.slice() as Token[]);
      if (typeof input !== "string" && vocabulary !== undefined) {
        const bad = input.findIndex((id) => id >= vocabulary);
        if (bad !== -1) {
          throw inputError(
            `Token id at input[${index}][${bad}] is outside this model's vocabulary (0-${vocabulary - 1}).`,
            "input",
          );
        }
      }
      // The embedding context adds the model's beginning (and end) tokens; they are evaluated, so billed.
      const length = context.calculateInputLength(tokens.slice());
      if (length >= this.options.contextSize) {
        throw inputError(
          `This model's maximum context length is ${this.options.contextSize - 1} tokens for one input, but input[${index}] has ${length} tokens.`,
          "input",
          "context_length_exceeded",
        );
      }
      return { tokens, length };
    });
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const { tokens, length } of inputs) {
      if (request.signal.aborted) break;
      const embedding = await context.getEmbeddingFor(tokens);
      vectors.push(normalized(embedding.vector, request.dimensions));
      promptTokens += length;
    }
    return { vectors, promptTokens };
  }

  async dispose(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    await (await context?.catch(() => undefined))?.dispose();
  }

  private open(): Promise<LlamaEmbeddingContext> {
    if (!this.context) {
      const opening = this.model.createEmbeddingContext({
        contextSize: this.options.contextSize,
        threads: this.options.threads,
      });
      this.context = opening;
      // A failed creation (out of memory) is tried again by the next request.
      opening.catch(() => {
        if (this.context === opening) this.context = undefined;
      });
    }
    return this.context;
  }

  /** From the GGUF's token list; undefined when the file does not say (llama.cpp then refuses the id). */
  private vocabularySize(): number | undefined {
    return this.model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length;
  }
}
