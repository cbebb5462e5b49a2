/**
 * Embeddings from an external engine: `POST <upstream>/embeddings` in OpenAI's shape, which vLLM
 * (pooling models) and llama-server (--embeddings) both answer. The answer is checked before anything
 * reaches the customer: one vector of finite numbers per input, every index once, all the same width,
 * and a usage count to bill; anything else is the engine's failure, never passed on half-read.
 */
import type { Pool } from "undici";
import { ApiError } from "../common/errors.js";
import { type EmbeddingSettings, normalized } from "../domain/capabilities.js";
import { transportError, upstreamFailed, upstreamHttpError } from "./external-errors.js";
import type { EmbeddingRequest, EmbeddingResult } from "./types.js";

export interface EmbeddingTarget {
  pool: Pool;
  headers: Record<string, string>;
  /** Path of the engine's embeddings endpoint, e.g. /v1/embeddings. */
  path: string;
  model: string;
  timeoutMs: number;
  settings: EmbeddingSettings;
}

/** Bounds what is read of an answer: 2048 inputs of 8192 dimensions as JSON stay well below it. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export async function embedUpstream(
  target: EmbeddingTarget,
  request: EmbeddingRequest,
): Promise<EmbeddingResult> {
  // Shortening is only meaningful for models trained for it (Matryoshka); it is done here, after the
  // answer, as vLLM does it (truncate, renormalise), so engines that ignore `dimensions` (llama-server)
  // and engines that refuse it for models they do not know as Matryoshka behave the same.
  if (request.dimensions !== undefined && !target.settings.matryoshka) {
    throw new ApiError(
      400,
      "invalid_request_error",
      "This model's embeddings cannot be shortened; omit dimensions.",
      "dimensions",
    );
  }
  const abort = new AbortController();
  const onCancel = () => abort.abort();
  request.signal.addEventListener("abort", onCancel);
  let status: number;
  let text: string;
  let retryAfter: string | null = null;
  try {
    const res = await target.pool.request({
      path: target.path,
      method: "POST",
      headers: target.headers,
      body: JSON.stringify({
        model: target.model,
        input: request.inputs,
        encoding_format: "float",
      }),
      headersTimeout: target.timeoutMs,
      bodyTimeout: target.timeoutMs,
      signal: abort.signal,
    });
    status = res.statusCode;
    const header = res.headers["retry-after"];
    retryAfter = typeof header === "string" ? header : null;
    const length = Number(res.headers["content-length"] ?? 0);
    if (length > MAX_BODY_BYTES) {
      await res.body.dump();
      throw upstreamFailed("embeddings answer too large");
    }
    text = await res.body.text();
  } catch (error) {
    throw transportError(error);
  } finally {
    request.signal.removeEventListener("abort", onCancel);
  }
  if (status < 200 || status >= 300) {
    throw upstreamHttpError(status, Buffer.from(text.slice(0, 64 * 1024)), retryAfter);
  }
  return readAnswer(text, request.inputs.length, request.dimensions);
}

/** The vectors in input order and the billed tokens, or an ApiError naming what was wrong (no content). */
export function readAnswer(text: string, inputs: number, dimensions: number | undefined): EmbeddingResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw upstreamFailed("embeddings answer is not JSON");
  }
  const { data, usage } = (json ?? {}) as { data?: unknown; usage?: { prompt_tokens?: unknown } };
  if (!Array.isArray(data) || data.length !== inputs)
    throw upstreamFailed(
      `embeddings answer has ${Array.isArray(data) ? data.length : "no"} vectors for ${inputs} inputs`,
    );
  const promptTokens = usage?.prompt_tokens;
  if (typeof promptTokens !== "number" || !Number.isSafeInteger(promptTokens) || promptTokens < 0)
    throw upstreamFailed("embeddings answer has no usage.prompt_tokens");
  const vectors = new Array<number[]>(inputs);
  let width: number | undefined;
  for (const [position, item] of data.entries()) {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    const at = index === undefined ? position : index;
    if (typeof at !== "number" || !Number.isInteger(at) || at < 0 || at >= inputs || vectors[at])
      throw upstreamFailed("embeddings answer has a missing or repeated index");
    if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every(Number.isFinite))
      throw upstreamFailed("embeddings answer has a vector that is not finite numbers");
    width ??= embedding.length;
    if (embedding.length !== width) throw upstreamFailed("embeddings answer has vectors of different widths");
    vectors[at] = embedding as number[];
  }
  if (dimensions !== undefined && width !== undefined && dimensions !== width) {
    if (dimensions > width) {
      throw new ApiError(
        400,
        "invalid_request_error",
        `This model's embeddings have at most ${width} dimensions.`,
        "dimensions",
      );
    }
    return { vectors: vectors.map((vector) => normalized(vector, dimensions)), promptTokens };
  }
  return { vectors, promptTokens };
}
