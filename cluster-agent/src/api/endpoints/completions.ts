/** POST /v1/completions (OpenAI's legacy text completions) as a GenerationEndpoint. */
import type { GenerationRequest } from "../../runtime/types.js";
import type { GenerationEndpoint } from "../endpoint.js";
import { type CompletionRequest, completionRequest, parseBody } from "../schemas.js";
import { ChoiceStream, completionBody } from "../shapes.js";
import { samplingOf, stopOf } from "./sampling.js";

export const completionsEndpoint: GenerationEndpoint<CompletionRequest> = {
  name: "completions",
  parse: (body) => parseBody(completionRequest, body),
  model: (body) => body.model,
  toGeneration(body, signal, cacheScope): GenerationRequest {
    const prompt = body.prompt;
    return {
      kind: "completion",
      prompt: typeof prompt === "string" ? prompt : prompt[0]!,
      maxTokens: 0,
      ...samplingOf(body),
      stop: stopOf(body.stop),
      responseFormat: undefined,
      logprobs: body.logprobs == null ? undefined : { top: body.logprobs },
      n: body.n ?? 1,
      cacheScope,
      signal,
    };
  },
  // OpenAI's legacy completions default to 16 tokens when max_tokens is absent.
  maxTokens: (body) => body.max_tokens ?? 16,
  stream: (body) => body.stream === true,
  id: (requestId) => `cmpl-${requestId.slice(4)}`,
  body: (result, meta) => completionBody(result, meta),
  param: (name) => (name === "messages" ? "prompt" : name),
  streamer: (meta, body) =>
    new ChoiceStream(false, meta, body.n ?? 1, body.stream_options?.include_usage === true),
};
