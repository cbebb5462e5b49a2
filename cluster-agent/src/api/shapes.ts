import type { TokenUsage } from "../domain/token-usage.js";
import type {
  ChoiceResult,
  DeltaDetail,
  GenerationResult,
  TokenLogprob,
  ToolCall,
} from "../runtime/types.js";
import type { EndpointStream, PlainFrame, ResponseMeta } from "./endpoint.js";

/**
 * Chat completion and legacy completion bodies and stream chunks in exactly OpenAI's shapes, so the
 * official SDKs and every framework built on them (tool calls, logprobs, several choices) work unchanged.
 */

const SYSTEM_FINGERPRINT = "fp_entrim";

export function usageBody(usage: TokenUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

/** Every choice of a result, in index order. */
export function choicesOf(result: GenerationResult): ChoiceResult[] {
  return result.others === undefined ? [result] : [result, ...result.others];
}

const toolCallBody = (call: ToolCall) => ({
  id: call.id,
  type: "function" as const,
  function: { name: call.name, arguments: call.arguments },
});

const logprobBody = (t: TokenLogprob) => ({
  token: t.token,
  logprob: t.logprob,
  bytes: t.bytes,
  top_logprobs: t.top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: a.bytes })),
});

const chatLogprobs = (logprobs: TokenLogprob[] | undefined) =>
  logprobs === undefined ? null : { content: logprobs.map(logprobBody), refusal: null };

/** The legacy completions shape: parallel lists, alternatives as token → logprob objects. */
function completionLogprobs(logprobs: TokenLogprob[] | undefined, offset = 0) {
  if (logprobs === undefined) return null;
  const text_offset: number[] = [];
  let at = offset;
  for (const t of logprobs) {
    text_offset.push(at);
    at += t.token.length;
  }
  return {
    tokens: logprobs.map((t) => t.token),
    token_logprobs: logprobs.map((t) => t.logprob),
    top_logprobs: logprobs.map((t) => Object.fromEntries(t.top.map((a) => [a.token, a.logprob]))),
    text_offset,
  };
}

export function chatBody(result: GenerationResult, meta: ResponseMeta) {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: choicesOf(result).map((choice, index) => ({
      index,
      message:
        choice.toolCalls === undefined
          ? { role: "assistant", content: choice.text, refusal: null }
          : {
              role: "assistant",
              // OpenAI's turn that only calls tools has null content.
              content: choice.text === "" ? null : choice.text,
              tool_calls: choice.toolCalls.map(toolCallBody),
              refusal: null,
            },
      logprobs: chatLogprobs(choice.logprobs),
      finish_reason: choice.finishReason,
    })),
    usage: usageBody(result.usage),
  };
}

export function completionBody(result: GenerationResult, meta: ResponseMeta) {
  return {
    id: meta.id,
    object: "text_completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: choicesOf(result).map((choice, index) => ({
      text: choice.text,
      index,
      logprobs: completionLogprobs(choice.logprobs),
      finish_reason: choice.finishReason,
    })),
    usage: usageBody(result.usage),
  };
}

/**
 * Frames a streamed chat completion or completion. Every plain content chunk of choice 0 is the same
 * JSON around a different string, so the invariant parts are rendered once and such a token costs one
 * JSON.stringify of its text: relaying tokens is the hot path of streaming. Tool-call pieces, logprobs
 * and other choices take the general path.
 */
export class ChoiceStream implements EndpointStream {
  private readonly head: string;
  /** A plain content frame of choice 0 up to its text's literal, and after it. */
  private readonly contentHead: string;
  private readonly contentTail: string;
  private readonly usageSuffix: string;
  /** Where each choice's legacy text_offset has got to. */
  private readonly offsets: number[];

  constructor(
    private readonly chat: boolean,
    meta: ResponseMeta,
    private readonly n: number,
    private readonly includeUsage: boolean,
  ) {
    const object = chat ? "chat.completion.chunk" : "text_completion";
    this.head = `data: {"id":${JSON.stringify(meta.id)},"object":"${object}","created":${meta.created},"model":${JSON.stringify(meta.model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":[`;
    this.usageSuffix = includeUsage ? ',"usage":null' : "";
    this.contentHead = chat ? `${this.head}{"index":0,"delta":{"content":` : `${this.head}{"text":`;
    this.contentTail = chat
      ? `},"logprobs":null,"finish_reason":null}]${this.usageSuffix}}\n\n`
      : `,"index":0,"logprobs":null,"finish_reason":null}]${this.usageSuffix}}\n\n`;
    this.offsets = new Array<number>(n).fill(0);
  }

  /** Chat streams announce the assistant role of every choice first, as OpenAI does. */
  first(): string {
    if (!this.chat) return "";
    let out = "";
    for (let index = 0; index < this.n; index++) {
      out += `${this.head}{"index":${index},"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]${this.usageSuffix}}\n\n`;
    }
    return out;
  }

  delta(text: string, choice: number, detail: DeltaDetail | undefined, json?: string): string {
    if (detail === undefined && choice === 0) {
      if (!this.chat) this.offsets[0]! += text.length;
      const literal = json ?? JSON.stringify(text);
      return `${this.contentHead}${literal}${this.contentTail}`;
    }
    return `${this.head}${JSON.stringify(this.chat ? this.chatChoice(text, choice, detail) : this.textChoice(text, choice, detail))}]${this.usageSuffix}}\n\n`;
  }

  /**
   * The plain frame as bytes. A legacy completion's text_offset is not advanced by frames spliced
   * this way: offsets are only sent with logprobs, and a request with logprobs never has plain frames.
   */
  plainFrame(): PlainFrame {
    return {
      prefix: Buffer.from(this.contentHead),
      suffix: Buffer.from(this.contentTail),
    };
  }

  private chatChoice(text: string, index: number, detail: DeltaDetail | undefined) {
    const delta: Record<string, unknown> = {};
    if (text !== "" || detail?.toolCall === undefined) delta.content = text;
    const piece = detail?.toolCall;
    if (piece !== undefined) {
      const call: Record<string, unknown> = { index: piece.index };
      if (piece.id !== undefined) {
        call.id = piece.id;
        call.type = "function";
      }
      call.function =
        piece.name === undefined
          ? { arguments: piece.arguments }
          : { name: piece.name, arguments: piece.arguments };
      delta.tool_calls = [call];
    }
    return { index, delta, logprobs: chatLogprobs(detail?.logprobs), finish_reason: null };
  }

  private textChoice(text: string, index: number, detail: DeltaDetail | undefined) {
    const offset = this.offsets[index] ?? 0;
    this.offsets[index] = offset + text.length;
    return { text, index, logprobs: completionLogprobs(detail?.logprobs, offset), finish_reason: null };
  }

  finish(result: GenerationResult): string {
    let out = "";
    for (const [index, choice] of choicesOf(result).entries()) {
      const body = this.chat
        ? `{"index":${index},"delta":{},"logprobs":null,"finish_reason":"${choice.finishReason}"}`
        : `{"text":"","index":${index},"logprobs":null,"finish_reason":"${choice.finishReason}"}`;
      out += `${this.head}${body}]${this.usageSuffix}}\n\n`;
    }
    if (this.includeUsage) out += `${this.head}],"usage":${JSON.stringify(usageBody(result.usage))}}\n\n`;
    return `${out}data: [DONE]\n\n`;
  }

  error(message: string, type: string, code: string | null): string {
    return `data: ${JSON.stringify({ error: { message, type, param: null, code } })}\n\n`;
  }
}
