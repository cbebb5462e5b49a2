/**
 * What differs between the generation endpoints (chat completions, legacy completions, Responses):
 * how a body is validated and turned into a runtime GenerationRequest, and how the answer is shaped,
 * whole or streamed. Everything else (admission, rate limits, the scheduler slot, n choices, metering,
 * cut-offs) is one pipeline in generation.ts that every endpoint runs through.
 */
import type { CancelSignal } from "../common/cancellation.js";
import type { DeltaDetail, GenerationRequest, GenerationResult } from "../runtime/types.js";

/** The endpoint a usage record names ("which endpoints you called", in the privacy policy's words). */
export type EndpointName = "chat.completions" | "completions" | "responses" | "embeddings";

/** Identity of one response, fixed when the request starts running. */
export interface ResponseMeta {
  /** `chatcmpl-…`, `cmpl-…`, `resp_…`: derived from the request id. */
  id: string;
  /** Epoch seconds. */
  created: number;
  /** The public model name. */
  model: string;
}

/** The bytes before and after a token's text literal in a plain frame (EndpointStream.plainFrame). */
export interface PlainFrame {
  readonly prefix: Buffer;
  readonly suffix: Buffer;
}

/** Frames one streamed response; one instance per request. */
export interface EndpointStream {
  /** Sent with the status line, before the first delta. */
  first(): string;
  /** One piece of output of choice `choice` (text, a tool-call piece, logprobs). */
  /** `json`: the text as a JSON string literal, when the runtime had it (written as it is). */
  delta(text: string, choice: number, detail: DeltaDetail | undefined, json?: string): string;
  /**
   * Optional: the frame of a plain text token of choice 0 as the bytes around its text's JSON string
   * literal, so a relay can splice the engine's own literal in between (DeltaSink.raw). Those frames
   * must be exactly what `delta(text, 0, undefined, literal)` returns.
   */
  plainFrame?(): PlainFrame;
  /** After the last token: closing events, usage (when the client asked), and the end marker. */
  finish(result: GenerationResult): string;
  /** An error after the stream began: the status line is gone, so the error travels as an event. */
  error(message: string, type: string, code: string | null): string;
}

export interface GenerationEndpoint<Body> {
  readonly name: EndpointName;
  /** Validates a parsed JSON body; throws an ApiError 400 naming the parameter. */
  parse(body: unknown): Body;
  model(body: Body): string;
  /** The runtime request; `maxTokens` is settled later against the model's context. */
  toGeneration(body: Body, signal: CancelSignal, cacheScope: string): GenerationRequest;
  /** The most completion tokens the client allows per choice; undefined: what the context leaves. */
  maxTokens(body: Body): number | undefined;
  stream(body: Body): boolean;
  /** The response id for a request id (`req_…`). */
  id(requestId: string): string;
  /** The whole answer, when not streamed. */
  body(result: GenerationResult, meta: ResponseMeta, request: Body): unknown;
  streamer(meta: ResponseMeta, request: Body): EndpointStream;
  /**
   * This endpoint's name for a parameter an error names in chat completions' terms (the pipeline and
   * the runtimes speak those: `messages`, `response_format`, `max_tokens`); absent: the same names.
   */
  param?(chatName: string): string;
}
