/**
 * The OpenAI / vLLM wire shapes of tools, tool calls and logprobs, both ways: the request fields the
 * external runtime sends, and readers that validate what the engine answers into the runtime contract.
 * Engines are not trusted: a reader throws (the call turns it into a 502) rather than pass on a shape
 * the API would relay raw. Thrown messages name the field, never its content (tool names and
 * arguments are the customer's data).
 */
import type {
  ChatMessage,
  GenerationRequest,
  TokenLogprob,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from "./types.js";

/** Longest tool call id or function name accepted from an engine; OpenAI's own are far shorter. */
const MAX_ID_LENGTH = 256;

/** Whether a request needs the full parse of every stream event (its answer carries more than text). */
export function needsFullParse(request: GenerationRequest): boolean {
  if (request.logprobs !== undefined || (request.n ?? 1) > 1) return true;
  return request.kind === "chat" && request.tools !== undefined && request.tools.length > 0;
}

/**
 * Messages in OpenAI's wire shape. The contract's plain messages already are, and are sent as they
 * are (no copy per request); a conversation with tool calls or results is rebuilt.
 */
export function wireMessages(messages: ChatMessage[]): unknown[] {
  let plain = true;
  for (const m of messages) {
    if (m.role === "tool" || (m.role === "assistant" && m.toolCalls !== undefined)) {
      plain = false;
      break;
    }
  }
  if (plain) return messages;
  return messages.map((m) => {
    if (m.role === "tool") return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
    if (m.role === "assistant" && m.toolCalls !== undefined && m.toolCalls.length > 0) {
      return {
        role: "assistant",
        // OpenAI's shape: no text beside the calls is null, not "".
        content: m.content === "" ? null : m.content,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: "function",
          function: { name: c.name, arguments: c.arguments },
        })),
      };
    }
    return { role: m.role, content: m.content };
  });
}

export function wireTools(tools: ToolDefinition[] | undefined): unknown[] | undefined {
  if (tools === undefined || tools.length === 0) return undefined;
  return tools.map((t) => ({
    type: "function",
    function: { name: t.name, description: t.description, parameters: t.parameters, strict: t.strict },
  }));
}

export function wireToolChoice(choice: ToolChoice | undefined): unknown {
  if (choice === undefined || typeof choice === "string") return choice;
  return { type: "function", function: { name: choice.name } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function saneString(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= MAX_ID_LENGTH;
}

/** A non-streamed message's `tool_calls`: absent, null or empty give null. */
export function readToolCalls(raw: unknown): ToolCall[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw new Error("tool_calls is not an array");
  if (raw.length === 0) return null;
  return raw.map((c: unknown) => {
    const fn = isRecord(c) ? c.function : undefined;
    if (!isRecord(c) || !isRecord(fn)) throw new Error("tool call without a function");
    if (!saneString(c.id)) throw new Error("tool call id missing or malformed");
    if (!saneString(fn.name)) throw new Error("tool call name missing or malformed");
    if (typeof fn.arguments !== "string") throw new Error("tool call arguments are not a string");
    return { id: c.id, name: fn.name, arguments: fn.arguments };
  });
}

/** One validated piece of a streamed tool call, in the engine's order. */
export interface ToolCallPiece {
  index: number;
  id: string | undefined;
  name: string | undefined;
  arguments: string;
}

/** A streamed delta's `tool_calls` pieces; `position` stands in for an index the engine left out. */
export function readToolCallPieces(raw: unknown): ToolCallPiece[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw new Error("delta tool_calls is not an array");
  return raw.map((c: unknown, position) => {
    if (!isRecord(c)) throw new Error("tool call piece is not an object");
    const index = c.index ?? position;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > 1024) {
      throw new Error("tool call piece index malformed");
    }
    const fn = c.function ?? {};
    if (!isRecord(fn)) throw new Error("tool call piece function malformed");
    const id = c.id ?? undefined;
    const name = fn.name ?? undefined;
    const args = fn.arguments ?? "";
    if (id !== undefined && !saneString(id)) throw new Error("tool call piece id malformed");
    if (name !== undefined && !saneString(name)) throw new Error("tool call piece name malformed");
    if (typeof args !== "string") throw new Error("tool call piece arguments are not a string");
    return { index, id, name, arguments: args };
  });
}

function readNumber(v: unknown, what: string): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`${what} is not a number`);
  return v;
}

function readBytes(v: unknown): number[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || !v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw new Error("logprob bytes malformed");
  }
  return v as number[];
}

function utf8(token: string): number[] {
  return Array.from(Buffer.from(token, "utf8"));
}

/** Chat shape: `logprobs.content[] = {token, logprob, bytes, top_logprobs[]}`; `top` caps alternatives. */
export function readChatLogprobs(raw: unknown, top: number): TokenLogprob[] | null {
  if (raw === undefined || raw === null) return null;
  if (!isRecord(raw)) throw new Error("logprobs is not an object");
  const content = raw.content;
  if (content === undefined || content === null) return null;
  if (!Array.isArray(content)) throw new Error("logprobs.content is not an array");
  return content.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.token !== "string") throw new Error("logprob entry malformed");
    const alternatives = entry.top_logprobs ?? [];
    if (!Array.isArray(alternatives)) throw new Error("top_logprobs is not an array");
    return {
      token: entry.token,
      logprob: readNumber(entry.logprob, "logprob"),
      bytes: readBytes(entry.bytes),
      top: alternatives.slice(0, top).map((alt: unknown) => {
        if (!isRecord(alt) || typeof alt.token !== "string") throw new Error("top logprob malformed");
        return {
          token: alt.token,
          logprob: readNumber(alt.logprob, "top logprob"),
          bytes: readBytes(alt.bytes),
        };
      }),
    };
  });
}

/**
 * Completions shape: parallel arrays `tokens[]`, `token_logprobs[]`, `top_logprobs[]` (objects token →
 * logprob, in no promised order, sometimes holding the sampled token beside the alternatives).
 */
export function readCompletionLogprobs(raw: unknown, top: number): TokenLogprob[] | null {
  if (raw === undefined || raw === null) return null;
  if (!isRecord(raw)) throw new Error("logprobs is not an object");
  const { tokens, token_logprobs: logprobs, top_logprobs: tops } = raw;
  if (!Array.isArray(tokens) || !Array.isArray(logprobs) || logprobs.length !== tokens.length) {
    throw new Error("completion logprobs arrays malformed");
  }
  if (tops !== undefined && tops !== null && (!Array.isArray(tops) || tops.length !== tokens.length)) {
    throw new Error("completion top_logprobs malformed");
  }
  return tokens.map((token: unknown, i) => {
    if (typeof token !== "string") throw new Error("completion logprob token malformed");
    const alternatives: unknown = Array.isArray(tops) ? tops[i] : null;
    if (alternatives !== null && alternatives !== undefined && !isRecord(alternatives)) {
      throw new Error("completion top_logprobs entry malformed");
    }
    const topList =
      alternatives === null || alternatives === undefined
        ? []
        : Object.entries(alternatives)
            .map(([t, lp]) => ({ token: t, logprob: readNumber(lp, "top logprob"), bytes: utf8(t) }))
            .sort((a, b) => b.logprob - a.logprob)
            .slice(0, top);
    return { token, logprob: readNumber(logprobs[i], "logprob"), bytes: utf8(token), top: topList };
  });
}
