/**
 * The stand-in engine's POST /v1/embeddings, in the shape vLLM and llama-server answer: deterministic
 * vectors derived from a hash of each input (the same input always embeds the same), unit length, and
 * usage = the inputs' words (text) or ids (token input), so tests know the billed count in advance.
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { countWords } from "./upstream.js";

/** Width of the stand-in's vectors. */
export const UPSTREAM_EMBEDDING_DIMENSIONS = 16;

/** The stand-in's vector for one input, before any truncation: what tests compare answers with. */
export function upstreamEmbedding(input: string | number[]): number[] {
  const digest = createHash("sha256")
    .update(typeof input === "string" ? `s:${input}` : `t:${input.join(",")}`)
    .digest();
  const raw = Array.from(
    { length: UPSTREAM_EMBEDDING_DIMENSIONS },
    (_, i) => digest[i % digest.length]! / 255 - 0.5 + i / 1000,
  );
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0));
  return raw.map((v) => v / norm);
}

function renormalized(vector: number[], dimensions: number): number[] {
  const head = vector.slice(0, dimensions);
  const norm = Math.sqrt(head.reduce((sum, v) => sum + v * v, 0));
  return head.map((v) => v / norm);
}

/** The tokens the stand-in bills for one input. */
export function upstreamEmbeddingTokens(input: string | number[]): number {
  return typeof input === "string" ? countWords(input) : input.length;
}

function refuse(res: ServerResponse, message: string, param: string): void {
  res.writeHead(400, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message, type: "BadRequestError", param, code: 400 } }));
}

export function answerEmbeddings(res: ServerResponse, body: Record<string, unknown>, delayMs = 0): void {
  // Like a busy engine: the answer comes after delayMs, unless the caller has gone by then.
  if (delayMs > 0) {
    const timer = setTimeout(() => {
      if (!res.destroyed) answerEmbeddings(res, body);
    }, delayMs);
    res.once("close", () => clearTimeout(timer));
    return;
  }
  const input = body.input;
  const inputs: (string | number[])[] =
    typeof input === "string"
      ? [input]
      : Array.isArray(input) && typeof input[0] === "number"
        ? [input as number[]]
        : Array.isArray(input)
          ? (input as (string | number[])[])
          : [];
  if (inputs.length === 0) {
    refuse(res, "input is required", "input");
    return;
  }
  const dimensions = typeof body.dimensions === "number" ? body.dimensions : undefined;
  if (dimensions !== undefined && (dimensions < 1 || dimensions > UPSTREAM_EMBEDDING_DIMENSIONS)) {
    refuse(res, "dimensions out of range", "dimensions");
    return;
  }
  let tokens = 0;
  const data = inputs.map((item, index) => {
    tokens += upstreamEmbeddingTokens(item);
    // Like a Matryoshka model asked for fewer dimensions: a shorter vector, unit length again.
    const vector = upstreamEmbedding(item);
    return {
      object: "embedding",
      index,
      embedding: dimensions === undefined ? vector : renormalized(vector, dimensions),
    };
  });
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      object: "list",
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    }),
  );
}
