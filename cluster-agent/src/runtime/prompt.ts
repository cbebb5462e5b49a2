/**
 * Builds the exact token sequence a request evaluates. generate() and countPromptTokens() both use this
 * one function, so the prompt tokens billed are the prompt tokens evaluated, by construction.
 */
import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelFunctions,
  ChatModelResponse,
  ChatWrapper,
  LlamaModel,
  Token,
} from "node-llama-cpp";
import { LlamaText } from "node-llama-cpp";
import type { ChatMessage, GenerationRequest, ToolDefinition } from "./types.js";

/** JSON text becomes a value (the wrapper renders it as JSON again); anything else stays a string. */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  // A tool result is rendered inside the model turn that made the call, as the wrappers expect.
  const results = new Map<string, string>();
  const answered = new Set<string>();
  for (const m of messages) if (m.role === "tool") results.set(m.toolCallId, m.content);
  for (const m of messages) {
    if (m.role === "assistant") for (const c of m.toolCalls ?? []) answered.add(c.id);
  }

  const history: ChatHistoryItem[] = [];
  for (const m of messages) {
    // Plain strings: message text never becomes special tokens, so no one can inject a turn.
    if (m.role === "system" || m.role === "user")
      history.push(
        m.role === "system" ? { type: "system", text: m.content } : { type: "user", text: m.content },
      );
    else if (m.role === "tool") {
      // A result answering no call in the history still reaches the model, as user-side text.
      if (!answered.has(m.toolCallId)) history.push({ type: "user", text: m.content });
    } else if (m.role === "assistant") {
      const response: ChatModelResponse["response"] = m.content === "" ? [] : [m.content];
      for (const call of m.toolCalls ?? [])
        response.push({
          type: "functionCall",
          name: call.name,
          params: jsonOrText(call.arguments),
          result: jsonOrText(results.get(call.id) ?? ""),
        } satisfies ChatModelFunctionCall);
      history.push({ type: "model", response });
    }
  }
  // An empty model turn at the end makes the wrapper open the assistant's turn for generation.
  history.push({ type: "model", response: [] });
  return history;
}

/** OpenAI's parameters are an object schema; `{}` (no parameters declared) is an empty object. */
export function argumentsSchema(tool: ToolDefinition): Record<string, unknown> {
  const schema = tool.parameters ?? {};
  if (Object.keys(schema).length === 0) return { type: "object", properties: {} };
  return schema.type === undefined ? { type: "object", ...schema } : schema;
}

/** The functions a request offers the model: none when tool choice is "none". */
export function offeredFunctions(request: GenerationRequest): ChatModelFunctions | undefined {
  if (request.kind !== "chat" || !request.tools?.length || request.toolChoice === "none") return undefined;
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const tool of request.tools)
    functions[tool.name] = {
      ...(tool.description === undefined ? {} : { description: tool.description }),
      // biome-ignore lint/suspicious/noExplicitAny: node-llama-cpp types schemas it can map statically
      params: argumentsSchema(tool) as any,
    };
  return functions;
}

export interface PromptBuilder {
  tokens(request: GenerationRequest): Token[];
  /** Text stop strings the chat format implies (a model may spell an end marker as plain text). */
  chatStopStrings: readonly string[];
  /** The chat format, whose `settings.functions` spell a function call. */
  chatWrapper: ChatWrapper;
}

export function createPromptBuilder(model: LlamaModel, chatWrapper: ChatWrapper): PromptBuilder {
  const chatStopStrings = new Set<string>();
  const probe = chatWrapper.generateContextState({ chatHistory: toChatHistory([]) });
  for (const trigger of probe.stopGenerationTriggers) {
    // Only plain-text triggers matter here: special-token triggers are end-of-generation tokens,
    // which the sequence itself stops on.
    const plain = trigger.values.every((v) => typeof v === "string");
    const text = trigger.toString();
    if (plain && text !== "") chatStopStrings.add(text);
  }

  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  // A request is counted (to settle max_tokens and the rate limits) and then generated: each request
  // object is rendered and tokenized once, not twice. That work grows with the prompt and blocks the
  // event loop (and so every other sequence's next token): on a 2-core machine about 30 µs for a
  // one-line chat, 1.1 ms for 9 KB of text, 17 ms for 90 KB. Callers read the array, never change it.
  const rendered = new WeakMap<GenerationRequest, Token[]>();

  return {
    chatStopStrings: [...chatStopStrings],
    chatWrapper,
    tokens(request) {
      let tokens = rendered.get(request);
      if (tokens === undefined) {
        tokens = render(request);
        rendered.set(request, tokens);
      }
      return tokens;
    },
  };

  function render(request: GenerationRequest): Token[] {
    if (request.kind === "chat") {
      const availableFunctions = offeredFunctions(request);
      const { contextText } = chatWrapper.generateContextState({
        chatHistory: toChatHistory(request.messages),
        ...(availableFunctions ? { availableFunctions, documentFunctionParams: true } : {}),
      });
      return LlamaText(contextText).tokenize(model.tokenizer);
    }
    // Completion prompts are plain text too: llama.cpp would otherwise parse "<|im_start|>" in a
    // customer's text as a control token.
    const text = model.tokenize(request.prompt, false);
    return bos === null ? text : [bos, ...text];
  }
}
