import { z } from "zod";
import { ApiError } from "../common/errors.js";
import { assistantToolCalls, TOOL_LIMITS, toolChoice, tools } from "./tool-schemas.js";

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
      // OpenAI sends null content on a turn that only called tools; clients send it back that way.
      content: z
        .union([z.string(), z.array(textPart).max(L.contentParts)])
        .nullable()
        .optional(),
      name,
      refusal: z.null().optional(),
      tool_calls: assistantToolCalls.optional(),
    })
    .strict()
    .refine((m) => m.content != null || m.tool_calls !== undefined, {
      message: "an assistant message needs content or tool_calls",
      path: ["content"],
    }),
  z
    .object({
      role: z.literal("tool"),
      content,
      tool_call_id: z.string().min(1).max(TOOL_LIMITS.idLength),
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
  /** Choices from one request: OpenAI's limit. */
  n: z.number().int().min(1).max(128).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  /** vLLM's extensions, which its clients send in the body. */
  repetition_penalty: z.number().gt(0).max(100).nullable().optional(),
  top_k: z.number().int().min(-1).nullable().optional(),
  min_p: z.number().min(0).max(1).nullable().optional(),
  /** Accepted at its neutral value only; anything else is a 400 naming the parameter. */
  logit_bias: z.object({}).strict().nullable().optional(),
};

type Ctx = z.core.$RefinementCtx;

/**
 * What one field cannot say about another: every tool result answers a call made earlier in the
 * history, a named tool_choice names an offered tool, names are unique, top_logprobs needs logprobs.
 */
function checkChat(body: ChatFields, ctx: Ctx): void {
  const offered = new Set<string>();
  for (const [i, tool] of (body.tools ?? []).entries()) {
    const name = tool.function.name;
    if (offered.has(name))
      ctx.addIssue({
        code: "custom",
        message: "tool names must be unique",
        path: ["tools", i, "function", "name"],
      });
    offered.add(name);
  }
  const choice = body.tool_choice;
  if (choice === "required" || typeof choice === "object") {
    if (offered.size === 0)
      ctx.addIssue({ code: "custom", message: "tool_choice needs tools", path: ["tool_choice"] });
    else if (typeof choice === "object" && !offered.has(choice.function.name))
      ctx.addIssue({
        code: "custom",
        message: "the named function is not among the tools",
        path: ["tool_choice", "function", "name"],
      });
  }
  const calls = new Set<string>();
  for (const [i, m] of body.messages.entries()) {
    if (m.role === "assistant") for (const call of m.tool_calls ?? []) calls.add(call.id);
    if (m.role === "tool" && !calls.has(m.tool_call_id ?? ""))
      ctx.addIssue({
        code: "custom",
        message: "a tool message must answer a tool call made in an earlier assistant message",
        path: ["messages", i, "tool_call_id"],
      });
  }
  if (body.top_logprobs != null && body.top_logprobs > 0 && body.logprobs !== true)
    ctx.addIssue({ code: "custom", message: "top_logprobs needs logprobs: true", path: ["top_logprobs"] });
}

interface ChatFields {
  messages: ({ role: string; tool_calls?: { id: string }[]; tool_call_id?: string } & Record<
    string,
    unknown
  >)[];
  tools?: { function: { name: string } }[] | undefined;
  tool_choice?: "none" | "auto" | "required" | { function: { name: string } } | undefined;
  logprobs?: boolean | null | undefined;
  top_logprobs?: number | null | undefined;
}

export const chatCompletionRequest = z
  .object({
    ...common,
    messages: z.array(message).min(1).max(L.messages),
    max_completion_tokens: z.number().int().min(1).nullable().optional(),
    response_format: responseFormat.optional(),
    logprobs: z.boolean().nullable().optional(),
    /** OpenAI's limit. */
    top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
    tools: tools.optional(),
    tool_choice: toolChoice.optional(),
    store: z.literal(false).nullable().optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    metadata: metadata.nullable().optional(),
  })
  .strict()
  .superRefine((body, ctx) => checkChat(body as ChatFields, ctx));

export const completionRequest = z
  .object({
    ...common,
    prompt: z.union([z.string(), z.array(z.string()).length(1)]),
    echo: z.literal(false).nullable().optional(),
    suffix: z.null().optional(),
    best_of: z.literal(1).nullable().optional(),
    /** The legacy shape: how many alternatives per token (OpenAI's limit is 5). */
    logprobs: z.number().int().min(0).max(5).nullable().optional(),
  })
  .strict();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;
export type CompletionRequest = z.infer<typeof completionRequest>;

/** Parameters customers send that we recognise but do not serve yet, with what to do instead. */
const UNSUPPORTED: Record<string, string> = {
  functions: "the deprecated `functions` parameter is not served; send `tools` instead",
  function_call: "the deprecated `function_call` parameter is not served; send `tool_choice` instead",
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

/** Text of a message's content, whether given as a string or as text parts (null: none). */
export function contentText(value: string | { type: "text"; text: string }[] | null | undefined): string {
  if (value == null) return "";
  return typeof value === "string" ? value : value.map((part) => part.text).join("");
}
