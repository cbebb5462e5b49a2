/**
 * The Response object and its output items in exactly OpenAI's shapes (the SDK's Response type marks
 * what is required), shared by the whole answer and the stream's opening and closing events.
 */
import type { TokenUsage } from "../../domain/token-usage.js";
import type { GenerationResult, ToolCall } from "../../runtime/types.js";
import type { ResponseMeta } from "../endpoint.js";
import type { ResponsesRequest } from "./schema.js";

export type ItemStatus = "in_progress" | "completed" | "incomplete";
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** `resp_…` from `req_…`, so a customer's response id leads support straight to the request. */
export function responseId(requestId: string): string {
  return `resp_${requestId.slice(4)}`;
}

/** Item ids share the response's suffix: `msg_…` for the message, `fc_…_<n>` for the n-th call. */
export function messageId(meta: ResponseMeta): string {
  return `msg_${meta.id.slice(5)}`;
}

export function callItemId(meta: ResponseMeta, index: number): string {
  return `fc_${meta.id.slice(5)}_${index}`;
}

export function outputTextPart(text: string) {
  return { type: "output_text" as const, text, annotations: [] as never[] };
}

export function messageItem(id: string, status: ItemStatus, text: string | null) {
  return {
    id,
    type: "message" as const,
    status,
    role: "assistant" as const,
    content: text === null ? [] : [outputTextPart(text)],
  };
}

export function callItem(id: string, status: ItemStatus, call: ToolCall) {
  return {
    id,
    type: "function_call" as const,
    status,
    call_id: call.id,
    name: call.name,
    arguments: call.arguments,
  };
}

export type OutputItem = ReturnType<typeof messageItem> | ReturnType<typeof callItem>;

export function usageBody(usage: TokenUsage) {
  return {
    input_tokens: usage.promptTokens,
    // Writing to the prompt cache is neither separate nor charged here: no input counts as a cache write.
    input_tokens_details: { cached_tokens: usage.cachedTokens, cache_write_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** What the request asked for, echoed as OpenAI does, with defaults filled in. */
function settings(request: ResponsesRequest) {
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    // Unset: the model's own default, which we do not pretend to know as a number.
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: (request.tools ?? []).map((tool) => ({
      type: "function" as const,
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? true,
    })),
    top_p: request.top_p ?? null,
    truncation: "disabled" as const,
    // Absent, not null, when not sent: the SDK types it as an optional string.
    user: request.user,
    metadata: request.metadata ?? {},
  };
}

/** Codes a Response's `error` may carry that can happen here (the SDK's ResponseError lists more). */
export type ResponseErrorCode = "server_error" | "rate_limit_exceeded" | "invalid_prompt";

export interface ResponseState {
  status: ResponseStatus;
  output: OutputItem[];
  usage: TokenUsage | null;
  error?: { code: ResponseErrorCode; message: string } | null;
}

export function responseObject(meta: ResponseMeta, request: ResponsesRequest, state: ResponseState) {
  return {
    id: meta.id,
    object: "response" as const,
    created_at: meta.created,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.status === "incomplete" ? { reason: "max_output_tokens" as const } : null,
    model: meta.model,
    output: state.output,
    ...settings(request),
    usage: state.usage ? usageBody(state.usage) : null,
  };
}

/** How a finished generation ends: cut at max_output_tokens, or complete. */
export function finalStatus(result: GenerationResult): "completed" | "incomplete" {
  return result.finishReason === "length" ? "incomplete" : "completed";
}

/**
 * The output items of a finished generation: the message when there is text (or nothing else, so
 * `output_text` is always there to read), then one item per function call.
 */
export function outputItems(meta: ResponseMeta, result: GenerationResult): OutputItem[] {
  const status = finalStatus(result);
  const calls = result.toolCalls ?? [];
  const output: OutputItem[] = [];
  if (result.text !== "" || calls.length === 0)
    output.push(messageItem(messageId(meta), status, result.text));
  // Cut at max_output_tokens, the last call may be cut too: its arguments are then not whole.
  calls.forEach((call, i) => {
    const cut = status === "incomplete" && i === calls.length - 1;
    output.push(callItem(callItemId(meta, i), cut ? "incomplete" : "completed", call));
  });
  return output;
}

/** The whole answer, when not streamed. */
export function responseBody(result: GenerationResult, meta: ResponseMeta, request: ResponsesRequest) {
  const state = { status: finalStatus(result), output: outputItems(meta, result), usage: result.usage };
  // Typed as always there, as the SDK's Response has it; only stream openings carry `usage: null`.
  return { ...responseObject(meta, request, state), usage: usageBody(result.usage) };
}
