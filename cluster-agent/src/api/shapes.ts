import type { TokenUsage } from "../domain/token-usage.js";
import type { FinishReason } from "../runtime/types.js";

/**
 * Response bodies and stream chunks in exactly OpenAI's shapes, so the official SDKs and every tool
 * built on them work unchanged.
 */

export type Kind = "chat" | "completion";

const SYSTEM_FINGERPRINT = "fp_entrim";

/** Derived from the request id, so a customer's completion id leads support straight to the request. */
export function completionId(kind: Kind, requestId: string): string {
  return `${kind === "chat" ? "chatcmpl" : "cmpl"}-${requestId.slice(4)}`;
}

export function usageBody(usage: TokenUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

export function completionBody(
  kind: Kind,
  id: string,
  created: number,
  model: string,
  text: string,
  finishReason: FinishReason,
  usage: TokenUsage,
) {
  if (kind === "chat") {
    return {
      id,
      object: "chat.completion",
      created,
      model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: text, refusal: null },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: usageBody(usage),
    };
  }
  return {
    id,
    object: "text_completion",
    created,
    model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
    usage: usageBody(usage),
  };
}

/**
 * Frames server-sent events for one streamed response. Every content chunk is the same JSON around a
 * different string, so the invariant parts are rendered once and each token costs one JSON.stringify of
 * its text: relaying tokens is the hot path of streaming.
 */
export class StreamFramer {
  private readonly head: string;
  private readonly contentTail: string;
  private readonly usageSuffix: string;

  constructor(
    private readonly kind: Kind,
    id: string,
    created: number,
    model: string,
    private readonly includeUsage: boolean,
  ) {
    const object = kind === "chat" ? "chat.completion.chunk" : "text_completion";
    this.head = `data: {"id":${JSON.stringify(id)},"object":"${object}","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":[`;
    this.usageSuffix = includeUsage ? ',"usage":null' : "";
    this.contentTail =
      kind === "chat"
        ? `},"logprobs":null,"finish_reason":null}]${this.usageSuffix}}\n\n`
        : `,"index":0,"logprobs":null,"finish_reason":null}]${this.usageSuffix}}\n\n`;
  }

  /** The opening chunk: chat streams announce the assistant role first, as OpenAI does. */
  first(): string {
    if (this.kind !== "chat") return "";
    return `${this.head}{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]${this.usageSuffix}}\n\n`;
  }

  delta(text: string): string {
    return this.kind === "chat"
      ? `${this.head}{"index":0,"delta":{"content":${JSON.stringify(text)}${this.contentTail}`
      : `${this.head}{"text":${JSON.stringify(text)}${this.contentTail}`;
  }

  finish(reason: FinishReason, usage: TokenUsage): string {
    const choice =
      this.kind === "chat"
        ? `{"index":0,"delta":{},"logprobs":null,"finish_reason":"${reason}"}`
        : `{"text":"","index":0,"logprobs":null,"finish_reason":"${reason}"}`;
    let out = `${this.head}${choice}]${this.usageSuffix}}\n\n`;
    if (this.includeUsage) out += `${this.head}],"usage":${JSON.stringify(usageBody(usage))}}\n\n`;
    return `${out}data: [DONE]\n\n`;
  }

  /** An error after the stream began: the status line is gone, so the error travels as an event. */
  error(message: string, type: string, code: string | null): string {
    return `data: ${JSON.stringify({ error: { message, type, param: null, code } })}\n\n`;
  }
}
