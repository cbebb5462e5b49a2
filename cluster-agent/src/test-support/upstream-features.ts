/**
 * The stand-in engine's answers to requests that ask for more than text: tool calls (as vLLM with
 * `--enable-auto-tool-choice --tool-call-parser hermes` makes them), several choices (`n`) and logprobs,
 * plus vLLM's checks of the sampling parameters. Plain text requests never come here: upstream.ts
 * answers them from precomputed strings, so benchmarks are not slowed by any of this.
 */
import type { ServerResponse } from "node:http";

/** vLLM's message for a 400; like vLLM, the stand-in names the field in it, not in `param`. */
export type Rejection = string;

/** Tokens a tool definition adds to the prompt, in the stand-in's whitespace-word tokenizer. */
export function countToolTokens(tools: unknown, countWords: (text: string) => number): number {
  if (!Array.isArray(tools)) return 0;
  let n = 0;
  for (const t of tools) {
    const fn = (t as { function?: { name?: unknown; description?: unknown } } | null)?.function;
    n += 4;
    if (typeof fn?.name === "string") n += countWords(fn.name);
    if (typeof fn?.description === "string") n += countWords(fn.description);
  }
  return n;
}

/** OpenAI's message shapes: text, assistant tool calls with null content, tool results. */
export function validMessages(
  messages: unknown,
): messages is { role: string; content: string | null; tool_calls?: unknown }[] {
  if (!Array.isArray(messages)) return false;
  return messages.every((m) => {
    if (m === null || typeof m !== "object") return false;
    const { role, content, tool_calls: calls, tool_call_id: callId } = m as Record<string, unknown>;
    if (role === "tool") return typeof content === "string" && typeof callId === "string";
    if (role === "assistant" && Array.isArray(calls)) {
      return (
        (content === null || content === undefined || typeof content === "string") && calls.every(validCall)
      );
    }
    return typeof content === "string";
  });
}

function validCall(c: unknown): boolean {
  const call = c as { id?: unknown; function?: { name?: unknown; arguments?: unknown } } | null;
  return (
    typeof call?.id === "string" &&
    typeof call.function?.name === "string" &&
    typeof call.function.arguments === "string"
  );
}

function outOf(body: Record<string, unknown>, param: string, ok: (v: number) => boolean, rule: string) {
  const v = body[param];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !ok(v)) return `${param} ${rule}, got ${String(v)}.`;
  return null;
}

/** vLLM's SamplingParams checks, with its messages: each out-of-range value is a 400. */
export function checkSampling(
  body: Record<string, unknown>,
  chat: boolean,
  maxLogprobs: number,
): Rejection | null {
  const rejected =
    outOf(body, "presence_penalty", (v) => v >= -2 && v <= 2, "must be in [-2, 2]") ??
    outOf(body, "frequency_penalty", (v) => v >= -2 && v <= 2, "must be in [-2, 2]") ??
    outOf(body, "repetition_penalty", (v) => v > 0, "must be greater than zero") ??
    outOf(body, "top_k", (v) => Number.isInteger(v) && v >= -1, "must be -1, 0 (disable), or at least 1") ??
    outOf(body, "min_p", (v) => v >= 0 && v <= 1, "must be in [0, 1]") ??
    outOf(body, "n", (v) => Number.isInteger(v) && v >= 1 && v <= 128, "must be in [1, 128]");
  if (rejected !== null) return rejected;
  const top = chat ? body.top_logprobs : body.logprobs;
  if (chat && top !== undefined && top !== null && body.logprobs !== true) {
    return "when using `top_logprobs`, `logprobs` must be set to true.";
  }
  if (chat && body.logprobs !== undefined && body.logprobs !== null && typeof body.logprobs !== "boolean") {
    return "logprobs must be a boolean";
  }
  if (top === undefined || top === null) return null;
  const param = chat ? "top_logprobs" : "logprobs";
  if (typeof top !== "number" || !Number.isInteger(top) || top < 0) {
    return `${param} must be a non-negative integer`;
  }
  if (top > maxLogprobs) {
    return `Requested sample logprobs of ${top}, which is greater than max allowed: ${maxLogprobs}`;
  }
  return null;
}

interface PlannedCall {
  name: string;
  /** Python json.dumps style (", " and ": "), as vLLM's hermes parser relays the model's text. */
  arguments: string;
}

type ToolSpec = { type?: unknown; function?: { name?: unknown; parameters?: unknown } };

/**
 * What a tool-calling model would do with this request: the calls to make (null: answer in text),
 * or vLLM's 400 for a tool choice it cannot honour.
 */
export function planToolCalls(
  body: Record<string, unknown>,
  autoToolChoice: boolean,
): PlannedCall[] | Rejection | null {
  const tools = Array.isArray(body.tools) ? (body.tools as ToolSpec[]) : [];
  const choice = body.tool_choice ?? (tools.length > 0 ? "auto" : "none");
  const named =
    choice !== null && typeof choice === "object"
      ? (choice as { function?: { name?: unknown } }).function?.name
      : undefined;
  if (tools.length === 0) {
    if (choice === "required" || named !== undefined) {
      return "When using `tool_choice`, `tools` must be set.";
    }
    return null;
  }
  if (!tools.every((t) => t?.type === "function" && typeof t.function?.name === "string")) {
    return "each tool must be {type: 'function', function: {name, ...}}";
  }
  if (choice === "none") return null;
  if (choice === "auto" && !autoToolChoice) {
    return '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set';
  }
  const messages = body.messages as { role?: unknown }[];
  // After a tool result the model answers the user in text (unless a call is forced).
  if (choice === "auto" && messages[messages.length - 1]?.role === "tool") return null;
  let picked: ToolSpec[];
  if (named !== undefined) {
    const tool = tools.find((t) => t.function?.name === named);
    if (tool === undefined) {
      return "Tool named in `tool_choice` has not been passed in `tools`.";
    }
    picked = [tool];
  } else {
    picked = body.parallel_tool_calls !== false && tools.length > 1 ? tools.slice(0, 2) : tools.slice(0, 1);
  }
  return picked.map((t) => ({
    name: t.function!.name as string,
    arguments: pyJson(minimalValue(t.function?.parameters ?? {}, 0)),
  }));
}

/** The smallest value that validates against a (common subset of) JSON Schema. */
export function minimalValue(schema: unknown, depth: number): unknown {
  if (schema === null || typeof schema !== "object" || depth > 16) return {};
  const s = schema as Record<string, unknown>;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return minimalValue(options[0], depth + 1);
  }
  let type = s.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") ?? type[0];
  if (type === undefined && typeof s.properties === "object") type = "object";
  switch (type) {
    case "string": {
      const min = typeof s.minLength === "number" ? s.minLength : 1;
      return "x".repeat(Math.max(1, min));
    }
    case "integer":
    case "number": {
      if (typeof s.minimum === "number") return type === "integer" ? Math.ceil(s.minimum) : s.minimum;
      if (typeof s.maximum === "number" && s.maximum < 1) {
        return type === "integer" ? Math.floor(s.maximum) : s.maximum;
      }
      return 1;
    }
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const max = typeof s.maxItems === "number" ? s.maxItems : 1;
      const count = Math.min(max, Math.max(1, typeof s.minItems === "number" ? s.minItems : 1));
      return Array.from({ length: count }, () => minimalValue(s.items ?? {}, depth + 1));
    }
    default: {
      const out: Record<string, unknown> = {};
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      for (const key of required) out[key] = minimalValue(properties[key] ?? {}, depth + 1);
      return out;
    }
  }
}

/** JSON as Python's json.dumps writes it: what vLLM's tool parsers relay. */
export function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyJson(v)}`);
    return `{${entries.join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** The stand-in's "tokens" of a text: words with the whitespace before them. */
function wordPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

export interface FeatureJob {
  chat: boolean;
  model: string;
  id: number;
  created: number;
  promptTokens: number;
  /** Text pieces per choice when it answers in text. */
  pieces: number;
  finish: "stop" | "length";
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  omitUsage: boolean;
  n: number;
  /** Alternatives per token when logprobs were asked for; null when not. */
  top: number | null;
  calls: PlannedCall[] | null;
  /** With response_format json_schema / json_object (vLLM's guided decoding): the JSON every choice answers. */
  json: string | null;
  /** Text piece i of choice c (each choice starts elsewhere in the stand-in's text). */
  piece: (i: number) => string;
  usageJson: (promptTokens: number, completionTokens: number) => string;
}

interface Token {
  text: string;
  logprob: number;
  offset: number;
}

/** Deterministic logprobs: each token's own first, then alternatives "alt1", "alt2"... one nat lower each. */
function logprobOf(i: number): number {
  return -Math.round((0.05 + (i % 7) * 0.1) * 1000) / 1000;
}

function bytes(text: string): number[] {
  return Array.from(Buffer.from(text, "utf8"));
}

function chatLogprobs(tokens: Token[], top: number) {
  return {
    content: tokens.map((t) => ({
      token: t.text,
      logprob: t.logprob,
      bytes: bytes(t.text),
      top_logprobs: Array.from({ length: top }, (_, j) => {
        const token = j === 0 ? t.text : `alt${j}`;
        return { token, logprob: t.logprob - j, bytes: bytes(token) };
      }),
    })),
  };
}

function completionLogprobs(tokens: Token[], top: number) {
  return {
    tokens: tokens.map((t) => t.text),
    token_logprobs: tokens.map((t) => t.logprob),
    // vLLM always lists the sampled token, even beside `logprobs: 0`.
    top_logprobs: tokens.map((t) => {
      const entries: Record<string, number> = { [t.text]: t.logprob };
      for (let j = 1; j < top; j++) entries[`alt${j}`] = t.logprob - j;
      return entries;
    }),
    text_offset: tokens.map((t) => t.offset),
  };
}

interface ChoicePlan {
  tokens: Token[];
  calls: { id: string; name: string; pieces: string[] }[] | null;
  completionTokens: number;
}

function planChoice(job: FeatureJob, c: number): ChoicePlan {
  if (job.calls !== null) {
    let completionTokens = 0;
    const calls = job.calls.map((call, k) => {
      const pieces = wordPieces(call.arguments);
      completionTokens += 1 + pieces.length;
      const id = `chatcmpl-tool-${(job.id * 1000 + c * 16 + k).toString(16).padStart(32, "0")}`;
      return { id, name: call.name, pieces };
    });
    return { tokens: [], calls, completionTokens };
  }
  const tokens: Token[] = [];
  let offset = 0;
  const json = job.json === null ? null : wordPieces(job.json);
  const count = json === null ? job.pieces : json.length;
  for (let i = 0; i < count; i++) {
    const text = json === null ? job.piece(i + c) : json[i]!;
    tokens.push({ text, logprob: logprobOf(i + c), offset });
    offset += text.length;
  }
  return { tokens, calls: null, completionTokens: tokens.length };
}

function finishOf(job: FeatureJob, plan: ChoicePlan): string {
  return plan.calls !== null ? "tool_calls" : job.json !== null ? "stop" : job.finish;
}

/** The JSON a guided-decoding engine would answer: the smallest value the schema allows. */
export function guidedJson(body: Record<string, unknown>): string | null {
  const format = body.response_format as { type?: unknown; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === "json_object") return "{}";
  if (format?.type !== "json_schema") return null;
  return pyJson(minimalValue(format.json_schema?.schema ?? {}, 0));
}

/** Answers a request that asked for tool calls, several choices or logprobs, in vLLM's shapes. */
export function respondFeatures(res: ServerResponse, job: FeatureJob): void {
  const plans = Array.from({ length: job.n }, (_, c) => planChoice(job, c));
  const completionTokens = plans.reduce((sum, p) => sum + p.completionTokens, 0);
  if (job.stream) {
    respondStream(res, job, plans, completionTokens);
    return;
  }
  const choices = plans.map((plan, index) => {
    const text = plan.tokens.map((t) => t.text).join("");
    const logprobs =
      job.top === null || plan.calls !== null
        ? null
        : job.chat
          ? chatLogprobs(plan.tokens, job.top)
          : completionLogprobs(plan.tokens, job.top);
    const finish_reason = finishOf(job, plan);
    if (!job.chat) return { index, text, logprobs, finish_reason };
    const message =
      plan.calls === null
        ? { role: "assistant", content: text, tool_calls: [] }
        : {
            role: "assistant",
            content: null,
            tool_calls: plan.calls.map((call) => ({
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: call.pieces.join("") },
            })),
          };
    return { index, message, logprobs, finish_reason };
  });
  const head = job.chat
    ? `{"id":"chatcmpl-${job.id}","object":"chat.completion"`
    : `{"id":"cmpl-${job.id}","object":"text_completion"`;
  const usage = job.omitUsage ? "" : `,"usage":${job.usageJson(job.promptTokens, completionTokens)}`;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    `${head},"created":${job.created},"model":${JSON.stringify(job.model)},"choices":${JSON.stringify(choices)}${usage}}`,
  );
}

function respondStream(res: ServerResponse, job: FeatureJob, plans: ChoicePlan[], total: number): void {
  const head = job.chat
    ? `{"id":"chatcmpl-${job.id}","object":"chat.completion.chunk"`
    : `{"id":"cmpl-${job.id}","object":"text_completion"`;
  const prefix = `data: ${head},"created":${job.created},"model":${JSON.stringify(job.model)},"choices":`;
  let sent = 0;
  let out = "";
  const event = (choice: Record<string, unknown>, counted: number) => {
    sent += counted;
    const usage = job.continuousUsage
      ? `,"usage":${job.usageJson(job.promptTokens, sent)}`
      : job.includeUsage
        ? ',"usage":null'
        : "";
    out += `${prefix}${JSON.stringify([choice])}${usage}}\n\n`;
  };
  if (job.chat) {
    for (let c = 0; c < job.n; c++) {
      event({ index: c, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }, 0);
    }
  }
  // Choices advance together, one token each in turn, as vLLM interleaves them.
  const longest = Math.max(...plans.map((p) => (p.calls === null ? p.tokens.length : p.calls.length)));
  for (let i = 0; i < longest; i++) {
    plans.forEach((plan, index) => {
      if (plan.calls !== null) {
        const call = plan.calls[i];
        if (call === undefined) return;
        const opening = {
          id: call.id,
          type: "function",
          index: i,
          function: { name: call.name, arguments: "" },
        };
        event({ index, delta: { tool_calls: [opening] }, logprobs: null, finish_reason: null }, 1);
        for (const piece of call.pieces) {
          const tool_calls = [{ index: i, function: { arguments: piece } }];
          event({ index, delta: { tool_calls }, logprobs: null, finish_reason: null }, 1);
        }
        return;
      }
      const token = plan.tokens[i];
      if (token === undefined) return;
      const logprobs =
        job.top === null
          ? null
          : job.chat
            ? chatLogprobs([token], job.top)
            : completionLogprobs([token], job.top);
      const body = job.chat ? { delta: { content: token.text } } : { text: token.text };
      event({ index, ...body, logprobs, finish_reason: null }, 1);
    });
  }
  plans.forEach((plan, index) => {
    const body = job.chat ? { delta: {} } : { text: "" };
    event({ index, ...body, logprobs: null, finish_reason: finishOf(job, plan) }, 0);
  });
  if (job.includeUsage && !job.omitUsage) {
    out += `${prefix}[],"usage":${job.usageJson(job.promptTokens, total)}}\n\n`;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  res.end(`${out}data: [DONE]\n\n`);
}
