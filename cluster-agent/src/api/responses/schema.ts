import { z } from "zod";
import { ApiError } from "../../common/errors.js";
import { parseBody, REQUEST_LIMITS } from "../schemas.js";
import { parametersSchema, TOOL_LIMITS, toolArguments, toolName } from "../tool-schemas.js";

/**
 * The request body of POST /v1/responses: the stateless part of OpenAI's Responses API. Nothing is
 * stored here (prompts and outputs never are), so everything that needs a stored response or
 * conversation is refused by name with what to do instead, and the client keeps the conversation,
 * sending the prior items back in `input`.
 */

const L = REQUEST_LIMITS;
/** `call_id`s and item ids, as the chat schema bounds tool call ids. */
const ID_LENGTH = TOOL_LIMITS.idLength;

const inputText = z.object({ type: z.literal("input_text"), text: z.string() }).strict();
/** Output text as our responses carry it, sent back by clients that keep the conversation. */
const outputText = z
  .object({
    type: z.literal("output_text"),
    text: z.string(),
    annotations: z.array(z.unknown()).max(L.contentParts).optional(),
    logprobs: z.array(z.unknown()).optional(),
  })
  .strict();
const textPart = z.discriminatedUnion("type", [inputText, outputText]);
const content = z.union([z.string(), z.array(textPart).max(L.contentParts)]);
const itemStatus = z.enum(["in_progress", "completed", "incomplete"]).nullable().optional();

const message = z
  .object({
    type: z.literal("message"),
    role: z.enum(["user", "assistant", "system", "developer"]),
    content,
    id: z.string().max(ID_LENGTH).optional(),
    status: itemStatus,
    phase: z.enum(["commentary", "final_answer"]).nullable().optional(),
  })
  .strict();

const functionCall = z
  .object({
    type: z.literal("function_call"),
    call_id: z.string().min(1).max(ID_LENGTH),
    name: toolName,
    arguments: toolArguments,
    id: z.string().max(ID_LENGTH).optional(),
    status: itemStatus,
  })
  .strict();

const functionCallOutput = z
  .object({
    type: z.literal("function_call_output"),
    call_id: z.string().min(1).max(ID_LENGTH),
    output: z.union([z.string(), z.array(inputText).max(L.contentParts)]),
    id: z.string().max(ID_LENGTH).nullable().optional(),
    status: itemStatus,
  })
  .strict();

const item = z.discriminatedUnion("type", [message, functionCall, functionCallOutput]);

const functionTool = z
  .object({
    type: z.literal("function"),
    name: toolName,
    description: z.string().nullable().optional(),
    parameters: parametersSchema.nullable().optional(),
    strict: z.boolean().nullable().optional(),
  })
  .strict();

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), name: toolName }).strict(),
]);

const format = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }).strict(),
  z.object({ type: z.literal("json_object") }).strict(),
  z
    .object({
      type: z.literal("json_schema"),
      name: toolName,
      schema: z.record(z.string(), z.unknown()),
      description: z.string().optional(),
      strict: z.boolean().nullable().optional(),
    })
    .strict(),
]);

const metadata = z
  .record(z.string().max(L.metadataKeyLength), z.string().max(L.metadataValueLength))
  .refine((value) => Object.keys(value).length <= L.metadataEntries, {
    message: `at most ${L.metadataEntries} key-value pairs are allowed`,
  });

export const responsesRequest = z
  .object({
    model: z.string().min(1).max(L.modelLength),
    input: z.union([z.string(), z.array(item).min(1).max(L.messages)]),
    instructions: z.string().nullable().optional(),
    max_output_tokens: z.number().int().min(1).nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().gt(0).max(1).nullable().optional(),
    text: z
      .object({ format: format.optional(), verbosity: z.literal("medium").nullable().optional() })
      .strict()
      .optional(),
    tools: z.array(functionTool).max(TOOL_LIMITS.tools).optional(),
    tool_choice: toolChoice.optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_obfuscation: z.boolean().optional() }).strict().nullable().optional(),
    user: z.string().max(L.userLength).optional(),
    metadata: metadata.nullable().optional(),
    truncation: z.literal("disabled").nullable().optional(),
    // Accepted at their neutral values only; anything else is refused by REFUSED below.
    store: z.literal(false).nullable().optional(),
    previous_response_id: z.null().optional(),
    conversation: z.null().optional(),
    background: z.literal(false).nullable().optional(),
    include: z.array(z.never()).max(0).nullable().optional(),
    reasoning: z.object({}).passthrough().nullable().optional(),
    prompt: z.null().optional(),
    top_logprobs: z.literal(0).nullable().optional(),
  })
  .strict();

export type ResponsesRequest = z.infer<typeof responsesRequest>;
export type ResponsesItem = z.infer<typeof item>;
export type ResponsesTool = z.infer<typeof functionTool>;

const NEVER_STORED =
  "responses are never stored here (prompts and outputs are never stored), so send store: false (or leave it out) and keep the conversation on your side";

/**
 * Parameters we recognise but cannot serve, with the value that is accepted and what to do instead.
 * Checked before the schema so that the customer reads why, not only that the value is wrong.
 */
const REFUSED: Record<string, { accepts: (value: unknown) => boolean; hint: string }> = {
  store: { accepts: (v) => v == null || v === false, hint: NEVER_STORED },
  previous_response_id: {
    accepts: (v) => v == null,
    hint: `${NEVER_STORED}: send the prior items of the conversation in 'input' instead`,
  },
  conversation: {
    accepts: (v) => v == null,
    hint: `${NEVER_STORED}: send the prior items of the conversation in 'input' instead`,
  },
  background: {
    accepts: (v) => v == null || v === false,
    hint: "background responses need stored responses, and responses are never stored here; send the request without background and keep the connection open (stream: true shows progress)",
  },
  include: {
    accepts: (v) => v == null || (Array.isArray(v) && v.length === 0),
    hint: "no additional output data is available; send an empty list or leave it out",
  },
  reasoning: {
    accepts: (v) =>
      v == null ||
      (typeof v === "object" && !Array.isArray(v) && Object.values(v).every((value) => value == null)),
    hint: "reasoning options are not supported by the models served here",
  },
  prompt: {
    accepts: (v) => v == null,
    hint: "stored prompt templates are not offered; send 'instructions' and 'input'",
  },
  truncation: {
    accepts: (v) => v == null || v === "disabled",
    hint: "only 'disabled' is supported: a request over the model's context is refused, never silently cut",
  },
  top_logprobs: {
    accepts: (v) => v == null || v === 0,
    hint: "log probabilities are not offered on /v1/responses; use /v1/chat/completions with logprobs",
  },
};

const ITEM_TYPES = new Set(["message", "function_call", "function_call_output"]);
/** Content parts OpenAI takes that no model served here reads. */
const MEDIA_PARTS = new Set(["input_image", "input_file", "input_audio"]);

function invalid(message: string, param: string, code: string): ApiError {
  return new ApiError(400, "invalid_request_error", message, param, code);
}

/** Refusals the schema cannot word well: recognised parameters, other item and tool types. */
function refuseUnserved(body: Record<string, unknown>): void {
  for (const [key, rule] of Object.entries(REFUSED)) {
    if (key in body && !rule.accepts(body[key])) {
      throw invalid(`Unsupported parameter: '${key}': ${rule.hint}.`, key, "unsupported_parameter");
    }
  }
  const { input, tools } = body;
  if (Array.isArray(input)) {
    input.forEach((entry, i) => {
      const type = (entry as { type?: unknown } | null)?.type;
      if (typeof type === "string" && !ITEM_TYPES.has(type)) {
        throw invalid(
          `Unsupported value for 'input[${i}].type': only message, function_call and function_call_output items are supported.`,
          `input[${i}].type`,
          "unsupported_value",
        );
      }
      const content = (entry as { content?: unknown } | null)?.content;
      if (!Array.isArray(content)) return;
      content.forEach((part, j) => {
        const kind = (part as { type?: unknown } | null)?.type;
        if (typeof kind === "string" && MEDIA_PARTS.has(kind)) {
          throw invalid(
            `Unsupported value for 'input[${i}].content[${j}].type': only text input is served (input_text).`,
            `input[${i}].content[${j}].type`,
            "unsupported_value",
          );
        }
      });
    });
  }
  if (Array.isArray(tools)) {
    tools.forEach((tool, i) => {
      const type = (tool as { type?: unknown } | null)?.type;
      if (typeof type === "string" && type !== "function") {
        throw invalid(
          `Unsupported value for 'tools[${i}].type': only function tools are served here; describe the tool as {type: "function", name, parameters} and run it on your side.`,
          `tools[${i}].type`,
          "unsupported_value",
        );
      }
    });
  }
  const choice = body.tool_choice;
  if (typeof choice === "object" && choice !== null && (choice as { type?: unknown }).type !== "function") {
    throw invalid(
      "Unsupported value for 'tool_choice.type': only function tools are served here.",
      "tool_choice.type",
      "unsupported_value",
    );
  }
}

/** `type` is optional on message items: give it its default so items are told apart by type alone. */
function withItemTypes(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.input)) return body;
  const input = body.input.map((entry) =>
    typeof entry === "object" && entry !== null && !Array.isArray(entry) && !("type" in entry)
      ? { type: "message", ...entry }
      : entry,
  );
  return { ...body, input };
}

/** Cross-field rules: a forced function must be offered, "required" needs tools. */
function checkToolChoice(request: ResponsesRequest): void {
  const choice = request.tool_choice;
  const names = new Set((request.tools ?? []).map((tool) => tool.name));
  if (choice === "required" && names.size === 0) {
    throw invalid(
      "Invalid value for 'tool_choice': 'required' needs at least one function in 'tools'.",
      "tool_choice",
      "invalid_value",
    );
  }
  if (typeof choice === "object" && !names.has(choice.name)) {
    throw invalid(
      "Invalid value for 'tool_choice.name': the function must be one of those in 'tools'.",
      "tool_choice.name",
      "invalid_value",
    );
  }
  if (names.size !== (request.tools ?? []).length) {
    throw invalid("Invalid value for 'tools': function names must be unique.", "tools", "invalid_value");
  }
}

/** Validates a parsed JSON body of POST /v1/responses; throws an ApiError 400 naming the parameter. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return parseBody(responsesRequest, body);
  }
  const record = body as Record<string, unknown>;
  refuseUnserved(record);
  // A union zod cannot tell "missing" from "wrong" for; `input` is the one required union here.
  if (record.input === undefined && record.model !== undefined) {
    throw invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  }
  const request = parseBody(responsesRequest, withItemTypes(record));
  checkToolChoice(request);
  return request;
}
