/**
 * Which models embed, and what else they do. One setting, `embeddings`, in a model's configuration
 * (config models[]) or in a catalogue version's runtime options, read the same way in both places:
 *
 * - absent or false: a generation model (chat, completions, tools, logprobs), as every model was before;
 * - true: the model also embeds; on an external engine it only embeds (vLLM serves a pooling model
 *   apart from generation);
 * - `{ matryoshka?, generation? }`: embeds; `matryoshka: true` lets requests ask for fewer `dimensions`
 *   (the vector is truncated and L2-renormalised, which is only meaningful for models trained that way);
 *   `generation` overrides whether the model also generates (default: embedded yes, external no).
 */

/** What a served model can do (runtime/types.ts ModelCapabilities has the same shape). */
export interface ModelCapabilities {
  chat: boolean;
  completions: boolean;
  embeddings: boolean;
  tools: boolean;
  logprobs: boolean;
}

export interface EmbeddingSettings {
  /** Requests may ask for fewer dimensions (truncate and renormalise). */
  matryoshka: boolean;
  /** The model also answers chat and completions. */
  generation: boolean;
}

export const GENERATION_ONLY: ModelCapabilities = {
  chat: true,
  completions: true,
  embeddings: false,
  tools: true,
  logprobs: true,
};

/** The setting as configuration may write it; checked by `embeddingSettings`. */
export type EmbeddingsOption = boolean | { matryoshka?: boolean; generation?: boolean } | undefined;

/** Why an `embeddings` value is not one of the shapes above, or undefined when it is. */
export function embeddingsOptionError(value: unknown): string | undefined {
  if (value === undefined || typeof value === "boolean") return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "embeddings is true, false or { matryoshka?: boolean, generation?: boolean }";
  for (const [key, v] of Object.entries(value)) {
    if (key !== "matryoshka" && key !== "generation") return `embeddings.${key} is not known`;
    if (typeof v !== "boolean") return `embeddings.${key} must be true or false`;
  }
  return undefined;
}

/** The settings of a model that embeds, or null for one that does not. */
export function embeddingSettings(
  value: EmbeddingsOption,
  runtime: "embedded" | "external",
): EmbeddingSettings | null {
  if (value === undefined || value === false) return null;
  const options = value === true ? {} : value;
  return {
    matryoshka: options.matryoshka ?? false,
    generation: options.generation ?? runtime === "embedded",
  };
}

export function capabilitiesOf(settings: EmbeddingSettings | null): ModelCapabilities {
  if (!settings) return GENERATION_ONLY;
  const g = settings.generation;
  return { chat: g, completions: g, embeddings: true, tools: g, logprobs: g };
}

/** A model's capabilities as the API reads them: absent means a generation model. */
export function capabilitiesOfModel(model: { capabilities?: ModelCapabilities }): ModelCapabilities {
  return model.capabilities ?? GENERATION_ONLY;
}

/**
 * Truncates a vector to `dimensions` and scales it back to unit length, or only normalises it when
 * `dimensions` is absent. A zero vector stays zero.
 */
export function normalized(vector: ArrayLike<number>, dimensions?: number): number[] {
  const n = dimensions === undefined ? vector.length : Math.min(dimensions, vector.length);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += vector[i]! * vector[i]!;
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 1;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = vector[i]! * scale;
  return out;
}
