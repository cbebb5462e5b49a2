import { z } from "zod";
import { ApiError } from "../common/errors.js";

/**
 * The public API's request schemas, in one place: they validate every request and give the handlers
 * their types. Parameters we do not support are refused by name rather than silently ignored, so a
 * customer never gets an answer that quietly differs from what they asked for.
 */

/**
 * Bounds on every list and free-form string a request may carry. The body limit alone bounds bytes,
 * not work: each message, part and stop sequence costs the node something per item (validation,
 * templating, stop matching on every generated token), so counts and lengths are capped too. Prompt
 * text itself is bounded by the body limit and the model's context.
 */
export const REQUEST_LIMITS = {
  /** OpenAI's limit. */
  stopSequences: 4,
  /** Characters (UTF-16 code units) per stop sequence: matched against the output as it is generated. */
  stopLength: 256,
  /** OpenAI's limit on `messages`. */
  messages: 2048,
  /** Text parts in one message's content. */
  contentParts: 2048,
  /** A message's `name`. */
  nameLength: 256,
  /** `user`. */
  userLength: 512,
  /** `model`: names are short; a long one would only be echoed back in a 404. */
  modelLength: 256,
  /** `metadata`: OpenAI's limits (16 pairs, keys up to 64 characters, values up to 512). */
  metadataEntries: 16,
  metadataKeyLength: 64,
  metadataValueLength: 512,
} as const;
const L = REQUEST_LIMITS;

const textPart = z.object({ type: z.literal("text"), text: z.string() }).strict();
const content = z.union([z.string(), z.array(textPart).min(1).max(L.contentParts)]);
const name = z.string().max(L.nameLength).optional();

const message = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content, name }).strict(),
  z.object({ role: z.literal("developer"), content, name }).strict(),
  z.object({ role: z.literal("user"), content, name }).strict(),
  z
    .object({
      role: z.literal("assistant"),
      content,
      name,
      refusal: z.null().optional(),
    })
    .strict(),
]);

const stopSequence = z.string().min(1).max(L.stopLength);
const stop = z.union([stopSequence, z.array(stopSequence).max(L.stopSequences)]).nullable();

const metadata = z
  .record(z.string().max(L.metadataKeyLength), z.string().max(L.metadataValueLength))
  .refine((value) => Object.keys(value).length <= L.metadataEntries, {
    message: `at most ${L.metadataEntries} key-value pairs are allowed`,
  });

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
  model: z.string().min(1).max(L.modelLength),
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
  user: z.string().max(L.userLength).optional(),
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
    messages: z.array(message).min(1).max(L.messages),
    max_completion_tokens: z.number().int().min(1).nullable().optional(),
    response_format: responseFormat.optional(),
    logprobs: z.literal(false).nullable().optional(),
    store: z.literal(false).nullable().optional(),
    parallel_tool_calls: z.boolean().optional(),
    metadata: metadata.nullable().optional(),
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

type Issue = z.core.$ZodIssue;

/**
 * zod reports a value that matches no alternative of a union (`stop` as a string or a list) as one
 * issue holding each alternative's issues. The alternative whose type matched is the one the client
 * meant: its first issue, with the full path, says what is wrong.
 */
function meantIssue(issue: Issue): Issue {
  if (issue.code !== "invalid_union") return issue;
  const branch = issue.errors.find(
    (issues) => !issues.some((i) => i.code === "invalid_type" && i.path.length === 0),
  );
  const inner = branch?.[0];
  return inner ? meantIssue({ ...inner, path: [...issue.path, ...inner.path] }) : issue;
}

/** Parameters that are one value or a list of them: the client names the parameter, not an entry. */
const ONE_OR_MANY = new Set(["stop", "prompt"]);

/**
 * OpenAI's wording and codes for a list or string over its bound. Lengths only: the value may be
 * prompt text, which never appears in an error.
 */
function tooLong(
  issue: Issue & { code: "too_big" },
  body: unknown,
  param: string | null,
): ApiError | undefined {
  const where = paramName(issue.path);
  const value = valueAt(body, issue.path);
  if (Array.isArray(value)) {
    return invalid(
      `Invalid '${where}': array too long. Expected an array with maximum length ${issue.maximum}, but got an array with length ${value.length} instead.`,
      param,
      "array_above_max_length",
    );
  }
  if (typeof value === "string") {
    return invalid(
      `Invalid '${where}': string too long. Expected a string with maximum length ${issue.maximum}, but got a string with length ${value.length} instead.`,
      param,
      "string_above_max_length",
    );
  }
  return undefined;
}

/** Validates a parsed JSON body, turning the first problem into an OpenAI-style 400. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid("The request body must be a JSON object.", null);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = meantIssue(result.error.issues[0]!);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    const where = paramName([...issue.path, key]);
    const hint = issue.path.length === 0 ? UNSUPPORTED[key] : undefined;
    if (hint) throw invalid(`Unsupported parameter: '${where}': ${hint}.`, where, "unsupported_parameter");
    throw invalid(`Unrecognized request argument supplied: ${where}`, where, "unrecognized_argument");
  }
  const top = issue.path[0];
  const param = typeof top === "string" && ONE_OR_MANY.has(top) ? top : paramName(issue.path);
  const hint = issue.path.length === 1 && typeof top === "string" ? UNSUPPORTED[top] : undefined;
  if (hint && (issue.code === "invalid_value" || issue.code === "invalid_type" || issue.code === "too_big")) {
    throw invalid(`Unsupported value for '${param}': ${hint}.`, param, "unsupported_value");
  }
  if (issue.code === "too_big") {
    const refusal = tooLong(issue, body, param);
    if (refusal) throw refusal;
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
