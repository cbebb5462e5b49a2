/**
 * Builds the exact token sequence a request evaluates. generate() and countPromptTokens() both use this
 * one function, so the prompt tokens billed are the prompt tokens evaluated, by construction.
 */
import type { ChatHistoryItem, ChatWrapper, LlamaModel, Token } from "node-llama-cpp";
import { LlamaText } from "node-llama-cpp";
import type { ChatMessage, GenerationRequest } from "./types.js";

function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history = messages.map((m): ChatHistoryItem => {
    // Plain strings: message text never becomes special tokens, so no one can inject a turn.
    if (m.role === "system") return { type: "system", text: m.content };
    if (m.role === "user") return { type: "user", text: m.content };
    return { type: "model", response: [m.content] };
  });
  // An empty model turn at the end makes the wrapper open the assistant's turn for generation.
  history.push({ type: "model", response: [] });
  return history;
}

export interface PromptBuilder {
  tokens(request: GenerationRequest): Token[];
  /** Text stop strings the chat format implies (a model may spell an end marker as plain text). */
  chatStopStrings: readonly string[];
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

  return {
    chatStopStrings: [...chatStopStrings],
    tokens(request) {
      if (request.kind === "chat") {
        const { contextText } = chatWrapper.generateContextState({
          chatHistory: toChatHistory(request.messages),
        });
        return LlamaText(contextText).tokenize(model.tokenizer);
      }
      // Completion prompts are plain text too: llama.cpp would otherwise parse "<|im_start|>" in a
      // customer's text as a control token.
      const text = model.tokenize(request.prompt, false);
      return bos === null ? text : [bos, ...text];
    },
  };
}
