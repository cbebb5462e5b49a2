/**
 * POST /v1/embeddings: the request as OpenAI defines it, checked field by field (every refusal names
 * its `param`), and the answer in OpenAI's shape, floats or base64 as the openai SDKs decode them.
 * Inputs are content: no message here quotes one.
 */
import { ApiError } from "../common/errors.js";

/** OpenAI's limit on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;
/** The `user` field is an end-user id for abuse tracing; it is never stored, but still bounded. */
const MAX_USER_LENGTH = 256;
/** Token ids are unsigned 32-bit in every tokenizer we serve. */
const MAX_TOKEN_ID = 0xffff_ffff;

const KNOWN = new Set(["input", "model", "encoding_format", "dimensions", "user"]);

export interface EmbeddingsBody {
  model: string;
  inputs: (string | number[])[];
  encodingFormat: "float" | "base64";
  dimensions: number | undefined;
}

function invalid(message: string, param: string | null, code: string | null = "invalid_value"): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, code);
}

const isTokenId = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_TOKEN_ID;

function tokenArray(value: unknown[], param: string): number[] {
  if (value.length === 0) throw invalid(`Invalid value for '${param}': an input may not be empty.`, param);
  const bad = value.findIndex((v) => !isTokenId(v));
  if (bad !== -1) {
    throw invalid(
      `Invalid value for '${param}': token ids are whole numbers from 0 (at ${param}[${bad}]).`,
      param,
    );
  }
  return value as number[];
}

/** `input`: a string, strings, token ids, or arrays of token ids; never empty, at most 2048 inputs. */
function readInputs(input: unknown): (string | number[])[] {
  if (input === undefined || input === null)
    throw invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  if (typeof input === "string") {
    if (input.length === 0)
      throw invalid("Invalid value for 'input': it may not be an empty string.", "input");
    return [input];
  }
  const kind =
    "'input' must be a string, an array of strings, an array of token ids or an array of such arrays";
  if (!Array.isArray(input)) throw invalid(`Invalid type for ${kind}.`, "input", "invalid_type");
  if (input.length === 0) throw invalid("Invalid value for 'input': it may not be an empty array.", "input");
  // An array of numbers is one input given as token ids.
  if (typeof input[0] === "number") return [tokenArray(input, "input")];
  if (input.length > MAX_EMBEDDING_INPUTS) {
    throw invalid(
      `Invalid value for 'input': at most ${MAX_EMBEDDING_INPUTS} inputs per request (got ${input.length}).`,
      "input",
      "array_above_max_length",
    );
  }
  const strings = typeof input[0] === "string";
  return input.map((item, i) => {
    if (strings) {
      if (typeof item !== "string")
        throw invalid(`Invalid type for ${kind}; input[${i}] is not a string.`, "input", "invalid_type");
      if (item.length === 0)
        throw invalid(`Invalid value for 'input': input[${i}] is an empty string.`, "input");
      return item;
    }
    if (!Array.isArray(item))
      throw invalid(
        `Invalid type for ${kind}; input[${i}] is not an array of token ids.`,
        "input",
        "invalid_type",
      );
    return tokenArray(item, `input[${i}]`);
  });
}

export function parseEmbeddingsBody(body: unknown): EmbeddingsBody {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalid("The request body must be a JSON object.", null, null);
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!KNOWN.has(key))
      throw invalid(`Unrecognized request argument supplied: ${key}`, key, "unrecognized_argument");
  }
  if (b.model === undefined || b.model === null)
    throw invalid("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  if (typeof b.model !== "string" || b.model.length === 0 || b.model.length > 256)
    throw invalid("Invalid value for 'model': a model name is expected.", "model");
  const inputs = readInputs(b.input);
  const format = b.encoding_format ?? "float";
  if (format !== "float" && format !== "base64")
    throw invalid("Invalid value for 'encoding_format': it is 'float' or 'base64'.", "encoding_format");
  let dimensions: number | undefined;
  if (b.dimensions !== undefined && b.dimensions !== null) {
    const d = b.dimensions;
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > 65_536)
      throw invalid("Invalid value for 'dimensions': a whole number from 1 is expected.", "dimensions");
    dimensions = d;
  }
  if (
    b.user !== undefined &&
    b.user !== null &&
    (typeof b.user !== "string" || b.user.length > MAX_USER_LENGTH)
  )
    throw invalid(`Invalid value for 'user': a string of at most ${MAX_USER_LENGTH} characters.`, "user");
  return { model: b.model, inputs, encodingFormat: format, dimensions };
}

/**
 * An upper bound on the request's input tokens before it is tokenized, for rate-limit reservations:
 * UTF-8 bytes per text input (tokenizers never make more tokens than bytes), ids per token input, plus
 * the beginning and end tokens a model may add to each.
 */
export function inputTokenBound(inputs: readonly (string | number[])[]): number {
  let bound = 0;
  for (const input of inputs)
    bound += (typeof input === "string" ? Buffer.byteLength(input) : input.length) + 2;
  return bound;
}

/** Little-endian float32, base64: what the openai SDKs decode when they ask for base64. */
export function base64Vector(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString("base64");
}

export function embeddingsResponse(
  model: string,
  vectors: readonly number[][],
  promptTokens: number,
  format: "float" | "base64",
) {
  return {
    object: "list",
    data: vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: format === "base64" ? base64Vector(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
