/** The sampling parameters chat completions and completions share, in the runtime's terms. */
import type { GenerationRequest } from "../../runtime/types.js";

interface SamplingParams {
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  seed?: number | null | undefined;
  presence_penalty?: number | null | undefined;
  frequency_penalty?: number | null | undefined;
  repetition_penalty?: number | null | undefined;
  top_k?: number | null | undefined;
  min_p?: number | null | undefined;
}

type Sampling = Pick<
  GenerationRequest,
  | "temperature"
  | "topP"
  | "seed"
  | "presencePenalty"
  | "frequencyPenalty"
  | "repetitionPenalty"
  | "topK"
  | "minP"
>;

/** Neutral values are left out, so runtimes (and upstream engines) see only what changes sampling. */
export function samplingOf(body: SamplingParams): Sampling {
  return {
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    seed: body.seed ?? undefined,
    presencePenalty: body.presence_penalty || undefined,
    frequencyPenalty: body.frequency_penalty || undefined,
    repetitionPenalty:
      body.repetition_penalty == null || body.repetition_penalty === 1 ? undefined : body.repetition_penalty,
    // vLLM reads -1 and 0 alike as "all tokens".
    topK: body.top_k == null || body.top_k <= 0 ? undefined : body.top_k,
    minP: body.min_p || undefined,
  };
}

export function stopOf(stop: string | string[] | null | undefined): string[] | undefined {
  return stop == null ? undefined : typeof stop === "string" ? [stop] : stop;
}
