/** POST /v1/chat/completions as a GenerationEndpoint. */
import type { ChatMessage, GenerationRequest, ResponseFormat, ToolChoice } from "../../runtime/types.js";
import type { GenerationEndpoint } from "../endpoint.js";
import { type ChatCompletionRequest, chatCompletionRequest, contentText, parseBody } from "../schemas.js";
import { ChoiceStream, chatBody } from "../shapes.js";
import { samplingOf, stopOf } from "./sampling.js";

function responseFormat(body: ChatCompletionRequest): ResponseFormat | undefined {
  const format = body.response_format;
  if (format?.type !== "json_schema") return format;
  const spec = format.json_schema;
  return { type: "json_schema", name: spec.name, schema: spec.schema ?? {}, strict: spec.strict ?? false };
}

function message(m: ChatCompletionRequest["messages"][number]): ChatMessage {
  switch (m.role) {
    case "tool":
      return { role: "tool", content: contentText(m.content), toolCallId: m.tool_call_id };
    case "assistant":
      return m.tool_calls === undefined
        ? { role: "assistant", content: contentText(m.content) }
        : {
            role: "assistant",
            content: contentText(m.content),
            toolCalls: m.tool_calls.map((c) => ({
              id: c.id,
              name: c.function.name,
              arguments: c.function.arguments,
            })),
          };
    case "developer":
      return { role: "system", content: contentText(m.content) };
    default:
      return { role: m.role, content: contentText(m.content) };
  }
}

function toolChoice(choice: ChatCompletionRequest["tool_choice"]): ToolChoice | undefined {
  return typeof choice === "object" ? { name: choice.function.name } : choice;
}

export const chatEndpoint: GenerationEndpoint<ChatCompletionRequest> = {
  name: "chat.completions",
  parse: (body) => parseBody(chatCompletionRequest, body),
  model: (body) => body.model,
  toGeneration(body, signal, cacheScope): GenerationRequest {
    const tools = body.tools?.map((t) => ({
      name: t.function.name,
      description: t.function.description,
      parameters: t.function.parameters ?? { type: "object", properties: {} },
      strict: t.function.strict ?? undefined,
    }));
    return {
      kind: "chat",
      messages: body.messages.map(message),
      tools: tools !== undefined && tools.length > 0 ? tools : undefined,
      toolChoice: toolChoice(body.tool_choice),
      parallelToolCalls: body.parallel_tool_calls ?? undefined,
      maxTokens: 0,
      ...samplingOf(body),
      stop: stopOf(body.stop),
      responseFormat: responseFormat(body),
      logprobs: body.logprobs === true ? { top: body.top_logprobs ?? 0 } : undefined,
      n: body.n ?? 1,
      cacheScope,
      signal,
    };
  },
  maxTokens: (body) => body.max_completion_tokens ?? body.max_tokens ?? undefined,
  stream: (body) => body.stream === true,
  id: (requestId) => `chatcmpl-${requestId.slice(4)}`,
  body: (result, meta) => chatBody(result, meta),
  streamer: (meta, body) =>
    new ChoiceStream(true, meta, body.n ?? 1, body.stream_options?.include_usage === true),
};
