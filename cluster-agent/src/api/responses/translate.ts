/**
 * From a validated Responses body to the runtime's chat request. Responses items are a flat list where
 * a turn's text and its function calls are separate items; the runtime's history has one assistant
 * message per turn carrying its calls, and one tool message per result.
 */
import type { CancelSignal } from "../../common/cancellation.js";
import { ApiError } from "../../common/errors.js";
import type {
  ChatGenerationRequest,
  ChatMessage,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../../runtime/types.js";
import type { ResponsesItem, ResponsesRequest, ResponsesTool } from "./schema.js";

function text(content: string | { text: string }[]): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

/** The runtime history for `input`, after `instructions` as the first system message. */
export function toMessages(request: ResponsesRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (request.instructions) messages.push({ role: "system", content: request.instructions });
  if (typeof request.input === "string") {
    messages.push({ role: "user", content: request.input });
    return messages;
  }
  const calls = new Set<string>();
  request.input.forEach((item: ResponsesItem, i) => {
    switch (item.type) {
      case "message": {
        const role = item.role === "developer" ? "system" : item.role;
        messages.push({ role, content: text(item.content) });
        break;
      }
      case "function_call": {
        calls.add(item.call_id);
        const call = { id: item.call_id, name: item.name, arguments: item.arguments };
        // A turn's text and its calls arrive as separate items: they belong to one assistant message.
        const last = messages.at(-1);
        if (last?.role === "assistant") last.toolCalls = [...(last.toolCalls ?? []), call];
        else messages.push({ role: "assistant", content: "", toolCalls: [call] });
        break;
      }
      case "function_call_output": {
        // The id is the client's or ours, never quoted: the message says only which item is wrong.
        if (!calls.has(item.call_id)) {
          throw new ApiError(
            400,
            "invalid_request_error",
            `Invalid value for 'input[${i}].call_id': no earlier function_call item in 'input' has this call_id.`,
            `input[${i}].call_id`,
            "invalid_value",
          );
        }
        messages.push({ role: "tool", content: text(item.output), toolCallId: item.call_id });
        break;
      }
    }
  });
  return messages;
}

/** Function tools as the runtime takes them; Responses treats a tool as strict unless told otherwise. */
export function toTool(tool: ResponsesTool): ToolDefinition {
  const definition: ToolDefinition = {
    name: tool.name,
    // As for chat completions: a function without parameters takes an empty object.
    parameters: tool.parameters ?? { type: "object", properties: {} },
    strict: tool.strict ?? true,
  };
  if (tool.description != null) definition.description = tool.description;
  return definition;
}

function toolChoice(request: ResponsesRequest): ToolChoice | undefined {
  const choice = request.tool_choice;
  if (choice === undefined) return undefined;
  return typeof choice === "string" ? choice : { name: choice.name };
}

function responseFormat(request: ResponsesRequest): ResponseFormat | undefined {
  const format = request.text?.format;
  if (format?.type !== "json_schema") return format;
  return { type: "json_schema", name: format.name, schema: format.schema, strict: format.strict ?? false };
}

export function toGeneration(
  request: ResponsesRequest,
  signal: CancelSignal,
  cacheScope: string,
): ChatGenerationRequest {
  const tools = request.tools?.length ? request.tools.map(toTool) : undefined;
  return {
    kind: "chat",
    messages: toMessages(request),
    tools,
    toolChoice: tools ? toolChoice(request) : undefined,
    parallelToolCalls: tools ? (request.parallel_tool_calls ?? undefined) : undefined,
    maxTokens: 0,
    temperature: request.temperature ?? undefined,
    topP: request.top_p ?? undefined,
    responseFormat: responseFormat(request),
    cacheScope,
    signal,
  };
}
