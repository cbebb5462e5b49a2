import { z } from "zod";
import { ApiError } from "../common/errors.js";

/**
 * The public API's request schemas, in one place: they validate every request and give the handlers
 * their types. Parameters we do not support are refused by name rather than silently ignored, so a
 * customer never gets an answer that quietly differs from what they asked for.
 */

const textPart = z.object({ type: z.literal("text"), text: z.string() }).strict();
const content = z.union([z.string(), z.array(textPart).min(1)]);

const message = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal("developer"), content, name: z.string().optional() }).strict(),
  z.object({ role: z.literal("user"), content, name: z.string().optional() }).strict(),
  z
    .object({
      role: z.literal("assistant"),
      content,
      name: z.string().optional(),
      refusal: z.null().optional(),
    })
    .strict(),
]);

const stop = z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullable();

const jsonSchemaFormat = z
  .object({
    type: z.literal("json_schema"),
    json_schema: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, _ or -"),
        description: z.string().optional(),
        schema: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullable().optional(),
      })
      .strict(),
  })
  .strict();

const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).strict(),
  z.object({ type: z.literal("json_object") }).strict(),
  jsonSchemaFormat,
]);

const common = {
  model: z.string().min(1),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  seed: z
    .number()
    .int()
    .min(-(2 ** 53))
    .max(2 ** 53)
    .nullable()
    .optional(),
  stop: stop.optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).strict().nullable().optional(),
  user: z.string().max(512).optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  /** Accepted at their neutral values only; anything else is a 400 naming the parameter. */
  n: z.literal(1).nullable().optional(),
  presence_penalty: z.literal(0).nullable().optional(),
  frequency_penalty: z.literal(0).nullable().optional(),
  logit_bias: z.object({}).strict().nullable().optional(),
};

export const chatCompletionRequest = z
  .object({
    ...common,
    messages: z.array(message).min(1),
    max_completion_tokens: z.number().int().min(1).nullable().optional(),
    response_format: responseFormat.optional(),
    logprobs: z.literal(false).nullable().optional(),
    store: z.literal(false).nullable().optional(),
    parallel_tool_calls: z.boolean().optional(),
    metadata: z.record(z.string(), z.string()).nullable().optional(),
  })
  .strict();

export const completionRequest = z
  .object({
    ...common,
    prompt: z.union([z.string(), z.array(z.string()).length(1)]),
    echo: z.literal(false).nullable().optional(),
    suffix: z.null().optional(),
    best_of: z.literal(1).nullable().optional(),
    logprobs: z.null().optional(),
  })
  .strict();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;
export type CompletionRequest = z.infer<typeof completionRequest>;

/** Parameters customers send that we recognise but do not serve yet, with what to do instead. */
const UNSUPPORTED: Record<string, string> = {
  n: "only n=1 is supported; send separate requests for several choices",
  tools: "tool calling is not supported yet",
  tool_choice: "tool calling is not supported yet",
  functions: "function calling is not supported yet",
  function_call: "function calling is not supported yet",
  logprobs: "log probabilities are not supported yet",
  top_logprobs: "log probabilities are not supported yet",
  presence_penalty: "only 0 is supported",
  frequency_penalty: "only 0 is supported",
  logit_bias: "logit bias is not supported",
  best_of: "only best_of=1 is supported",
  echo: "echo is not supported",
  suffix: "suffix (insertion) is not supported",
  store: "stored completions are not offered: prompts and outputs are never stored",
  audio: "audio output is not supported",
  modalities: "only text is supported",
  prediction: "predicted outputs are not supported",
};

function paramName(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("");
}

function invalid(message: string, param: string | null, code: string | null = null): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, code);
}

/** zod does not report the offending input by default; look it up to tell "missing" from "wrong". */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Validates a parsed JSON body, turning the first problem into an OpenAI-style 400. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid("The request body must be a JSON object.", null);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const where = paramName([...issue.path, key]);
    const hint = issue.path.length === 0 ? UNSUPPORTED[key] : undefined;
    if (hint) throw invalid(`Unsupported parameter: '${where}': ${hint}.`, where, "unsupported_parameter");
    throw invalid(`Unrecognized request argument supplied: ${where}`, where, "unrecognized_argument");
  }
  const param = paramName(issue.path);
  const top = issue.path[0];
  const hint = issue.path.length === 1 && typeof top === "string" ? UNSUPPORTED[top] : undefined;
  if (hint && (issue.code === "invalid_value" || issue.code === "invalid_type" || issue.code === "too_big")) {
    throw invalid(`Unsupported value for '${param}': ${hint}.`, param, "unsupported_value");
  }
  if (issue.code === "invalid_type" && valueAt(body, issue.path) === undefined) {
    throw invalid(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
  }
  throw invalid(`Invalid value for '${param}': ${issue.message}.`, param, "invalid_value");
}

/** Text of a message's content, whether given as a string or as text parts. */
export function contentText(value: string | { type: "text"; text: string }[]): string {
  return typeof value === "string" ? value : value.map((part) => part.text).join("");
}
