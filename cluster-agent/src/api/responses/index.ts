/**
 * POST /v1/responses: OpenAI's Responses API, stateless. The shared generation pipeline runs it like
 * chat completions; only the body, the request translation and the shapes differ.
 */
import type { GenerationEndpoint } from "../endpoint.js";
import { parseResponsesRequest, type ResponsesRequest } from "./schema.js";
import { responseBody, responseId } from "./shape.js";
import { ResponsesStream } from "./stream.js";
import { toGeneration } from "./translate.js";

export type { ResponsesRequest } from "./schema.js";

/** Chat completions' parameter names, as a Responses request spells them. */
const RESPONSES_PARAMS: Record<string, string> = {
  messages: "input",
  response_format: "text.format",
  max_tokens: "max_output_tokens",
};

export const responsesEndpoint: GenerationEndpoint<ResponsesRequest> = {
  name: "responses",
  parse: parseResponsesRequest,
  model: (body) => body.model,
  toGeneration,
  maxTokens: (body) => body.max_output_tokens ?? undefined,
  stream: (body) => body.stream ?? false,
  id: responseId,
  body: responseBody,
  // Responses has no n: one choice, and usage always comes with the closing event.
  streamer: (meta, request) => new ResponsesStream(meta, request),
  param: (name) => RESPONSES_PARAMS[name] ?? name,
};
