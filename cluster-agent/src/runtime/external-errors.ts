/**
 * Turns upstream failures into the public API's errors. Upstream error messages are read only to
 * classify them and are never forwarded: engines quote prompts in their messages, and prompts must not
 * reach a customer-visible error of another kind, a log line or a metric.
 */
import { ApiError } from "../common/errors.js";

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
  "UND_ERR_DESTROYED",
]);
const TIMED_OUT = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** A parameter name is safe to echo: short and made only of identifier characters. */
const SAFE_PARAM = /^[A-Za-z_][A-Za-z0-9_.[\]]{0,63}$/;
const CONTEXT_LENGTH = /context length|context window|maximum context|too long|too many tokens/i;
/**
 * vLLM names the offending field only in its message ("presence_penalty must be in [-2, 2], got 3.0."),
 * with `param` null. Only these request fields, opening the message, are recognised: nothing else of the
 * message is kept.
 */
const NAMED_PARAM =
  /^(presence_penalty|frequency_penalty|repetition_penalty|top_k|min_p|top_p|temperature|top_logprobs|logprobs|n|seed|max_tokens) must /;

export function upstreamFailed(detail: string): ApiError {
  const err = new ApiError(502, "api_error", "upstream model server failed", null, "upstream_error");
  // Internal detail for logs and debugging, never shown to customers.
  err.cause = detail;
  return err;
}

export function upstreamUnavailable(): ApiError {
  return new ApiError(
    503,
    "api_error",
    "upstream model server is unavailable",
    null,
    "upstream_unavailable",
    {
      "retry-after": "1",
    },
  );
}

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "unknown";
}

/** Connection-level failures: nothing was said by the upstream. */
export function transportError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const code = errorCode(err);
  if (UNREACHABLE.has(code)) {
    const e = upstreamUnavailable();
    e.cause = code;
    return e;
  }
  if (TIMED_OUT.has(code)) {
    const e = new ApiError(504, "api_error", "upstream model server timed out", null, "upstream_timeout");
    e.cause = code;
    return e;
  }
  return upstreamFailed(`transport: ${code}`);
}

function parseErrorBody(body: Buffer | null): { message: string; param: string | null } {
  if (body === null || body.length === 0) return { message: "", param: null };
  try {
    const parsed = JSON.parse(body.toString()) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = (typeof parsed.error === "object" && parsed.error !== null ? parsed.error : parsed) as {
      message?: unknown;
      param?: unknown;
    };
    const message =
      typeof error.message === "string"
        ? error.message
        : typeof parsed.error === "string"
          ? parsed.error
          : "";
    const param =
      typeof error.param === "string" && SAFE_PARAM.test(error.param)
        ? error.param
        : (NAMED_PARAM.exec(message)?.[1] ?? null);
    return { message, param };
  } catch {
    return { message: "", param: null };
  }
}

/** An HTTP error status from the upstream, with the start of its body. */
export function upstreamHttpError(status: number, body: Buffer | null, retryAfter: string | null): ApiError {
  const { message, param } = parseErrorBody(body);
  if (status === 400 || status === 413 || status === 422) {
    if (CONTEXT_LENGTH.test(message)) {
      return new ApiError(
        400,
        "invalid_request_error",
        "the prompt plus max_tokens exceeds the model's context length",
        param ?? "messages",
        "context_length_exceeded",
      );
    }
    return new ApiError(
      400,
      "invalid_request_error",
      `the model server rejected the request (HTTP ${status})`,
      param,
      "upstream_rejected",
    );
  }
  if (status === 401 || status === 403 || status === 404) {
    // Our credentials or model name are wrong, not the customer's request: an operator must act.
    return upstreamFailed(`HTTP ${status}: upstream refused the agent's configuration`);
  }
  if (status === 408) return transportError({ code: "UND_ERR_HEADERS_TIMEOUT" });
  if (status === 429 || status === 503) {
    const e = new ApiError(
      503,
      "api_error",
      "model server is overloaded, retry shortly",
      null,
      "upstream_overloaded",
      {
        "retry-after": retryAfter !== null && /^\d{1,5}$/.test(retryAfter) ? retryAfter : "1",
      },
    );
    e.cause = `HTTP ${status}`;
    return e;
  }
  if (status < 500) {
    return new ApiError(
      400,
      "invalid_request_error",
      `the model server rejected the request (HTTP ${status})`,
      param,
    );
  }
  return upstreamFailed(`HTTP ${status}`);
}
