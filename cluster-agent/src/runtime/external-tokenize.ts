/**
 * Prompt token counts from the engine's own tokenizer. Engines disagree on the endpoint: vLLM takes
 * `POST /tokenize {model, prompt | messages}` and answers `{count, tokens}` (applying the chat template
 * itself); llama-server takes `POST /tokenize {content}` and answers `{tokens}`, with the chat template
 * applied separately by `POST /apply-template {messages}`. The dialect is detected once per runtime.
 */
import type { Pool } from "undici";
import { transportError, upstreamHttpError } from "./external-errors.js";
import { wireMessages, wireTools } from "./external-shapes.js";
import type { GenerationRequest } from "./types.js";

export type Tokenizer = "vllm" | "llama" | "none";

export interface TokenizeTarget {
  pool: Pool;
  headers: Record<string, string>;
  /** Server root path (base URL without /v1). */
  root: string;
  model: string;
}

const TIMEOUT_MS = 10_000;

async function post(
  target: TokenizeTarget,
  path: string,
  payload: unknown,
): Promise<{ status: number; json: unknown }> {
  let res: Awaited<ReturnType<Pool["request"]>>;
  try {
    res = await target.pool.request({
      path: `${target.root}${path}`,
      method: "POST",
      headers: target.headers,
      body: JSON.stringify(payload),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  } catch (err) {
    throw transportError(err);
  }
  const text = await res.body.text().catch((err: unknown) => {
    throw transportError(err);
  });
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: judged by status alone.
  }
  return { status: res.statusCode, json };
}

function field(json: unknown, name: string): unknown {
  return json !== null && typeof json === "object" ? (json as Record<string, unknown>)[name] : undefined;
}

export async function detectTokenizer(target: TokenizeTarget): Promise<Tokenizer> {
  const vllm = await post(target, "/tokenize", { model: target.model, prompt: "a" });
  if (vllm.status === 200 && typeof field(vllm.json, "count") === "number") return "vllm";
  if (vllm.status === 404 || vllm.status === 405) return "none";
  const llama = await post(target, "/tokenize", { content: "a" });
  if (llama.status === 200 && Array.isArray(field(llama.json, "tokens"))) return "llama";
  return "none";
}

function checked(res: { status: number; json: unknown }): unknown {
  if (res.status >= 400) {
    throw upstreamHttpError(res.status, Buffer.from(JSON.stringify(res.json ?? null)), null);
  }
  return res.json;
}

export async function countPromptTokensUpstream(
  target: TokenizeTarget,
  tokenizer: Tokenizer,
  request: GenerationRequest,
): Promise<number> {
  if (tokenizer === "vllm") {
    const payload =
      request.kind === "chat"
        ? {
            model: target.model,
            messages: wireMessages(request.messages),
            // The chat template renders tool definitions into the prompt: they are billed as input.
            tools: wireTools(request.tools),
            add_generation_prompt: true,
          }
        : { model: target.model, prompt: request.prompt };
    const count = field(checked(await post(target, "/tokenize", payload)), "count");
    if (typeof count === "number") return count;
  } else if (tokenizer === "llama") {
    let content: unknown = request.kind === "completion" ? request.prompt : undefined;
    if (request.kind === "chat") {
      const applied = await post(target, "/apply-template", {
        messages: wireMessages(request.messages),
        tools: wireTools(request.tools),
      });
      content = applied.status === 200 ? field(applied.json, "prompt") : undefined;
    }
    if (typeof content === "string") {
      const tokens = field(
        checked(await post(target, "/tokenize", { content, add_special: true })),
        "tokens",
      );
      if (Array.isArray(tokens)) return tokens.length;
    }
  }
  return estimatePromptTokens(request);
}

/**
 * NOT a token count: an upper bound used only for admission reservations (rate limits reserve before
 * running and reconcile after) when the engine cannot tokenize for us. Billing always uses the usage the
 * engine reports. Byte-level BPE and byte-fallback tokenizers emit at most one token per UTF-8 byte; the
 * per-message allowance covers chat-template tokens.
 */
export function estimatePromptTokens(request: GenerationRequest): number {
  if (request.kind === "completion") return Buffer.byteLength(request.prompt) + 8;
  let n = 16;
  for (const m of request.messages) {
    n += Buffer.byteLength(m.content) + 8;
    if (m.role === "assistant" && m.toolCalls !== undefined) {
      for (const call of m.toolCalls)
        n += Buffer.byteLength(call.name) + Buffer.byteLength(call.arguments) + 32;
    }
    if (m.role === "tool") n += Buffer.byteLength(m.toolCallId) + 8;
  }
  // Tool definitions are rendered into the prompt: allow their JSON and the template's documentation of
  // each (a few hundred tokens at most).
  if (request.tools !== undefined && request.toolChoice !== "none") {
    n += Buffer.byteLength(JSON.stringify(request.tools)) + 256 * request.tools.length + 512;
  }
  return n;
}
