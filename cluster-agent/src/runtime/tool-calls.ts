/**
 * Tool calls on the embedded runtime. A call is spelled in the chat wrapper's own syntax
 * (`settings.functions.call`: prefix, name, params prefix, JSON arguments, suffix), so each model family
 * sees the format it was trained on. Generation is staged inside the one token loop: the wrapper's fixed
 * text is evaluated as forced tokens (billed as completion tokens), the name is sampled under a grammar
 * of the offered names, and the arguments under the function's JSON-Schema grammar, so a finished call
 * always names an offered function and its arguments validate.
 */
import { randomInt } from "node:crypto";
import type { ChatWrapper, Llama, LlamaGrammar, LlamaModel, Token } from "node-llama-cpp";
import { LlamaGrammarEvaluationState, LlamaText } from "node-llama-cpp";
import { ApiError } from "../common/errors.js";
import { eogTest } from "./eog-tokens.js";
import { jsonSchemaGrammar } from "./json-grammar.js";
import { argumentsSchema } from "./prompt.js";
import { grammarSchema } from "./tool-schema.js";
import type { ChatGenerationRequest, DeltaDetail, GenerationRequest, ToolCall } from "./types.js";

export interface ToolPlan {
  /** "forced": the turn is a call ("required" or a named function); "auto": the model may start one. */
  mode: "forced" | "auto";
  names: string[];
  nameGrammar: LlamaGrammar;
  argumentGrammars: Map<string, LlamaGrammar>;
  /** More than one call in the turn. */
  parallel: boolean;
  syntax: CallSyntax;
}

interface CallSyntax {
  /** Text that opens the first call of a turn (a parallel section's prefix, then the call prefix). */
  opening: LlamaText;
  /** Text the model writes between calls of one turn; seeing it means another call follows. */
  between: string;
  /** Auto mode: text that begins a call, and what is forced right after it to reach the name. */
  triggers: Map<string, LlamaText>;
  optionalPrefixSpace: boolean;
  paramsPrefix(name: string): LlamaText;
  suffix(name: string): LlamaText;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function toolCallId(): string {
  let id = "call_";
  for (let i = 0; i < 24; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** Fills the wrapper's `{{functionName}}` template parameter. */
function withName(text: string | LlamaText, name: string): LlamaText {
  const json = JSON.stringify(LlamaText(text).toJSON()).replaceAll("{{functionName}}", name);
  return LlamaText.fromJSON(JSON.parse(json));
}

function callSyntax(wrapper: ChatWrapper): CallSyntax {
  const { call, parallelism } = wrapper.settings.functions;
  const prefix = LlamaText(call.prefix);
  const section = LlamaText(parallelism?.call.sectionPrefix ?? "");
  const triggers = new Map<string, LlamaText>();
  for (const alt of call.prefixAlternateMatches ?? []) triggers.set(LlamaText(alt).toString(), LlamaText(""));
  for (const alt of parallelism?.call.sectionPrefixAlternateMatches ?? [])
    triggers.set(LlamaText(alt).toString(), prefix);
  if (section.toString() !== "") triggers.set(section.toString(), prefix);
  triggers.set(prefix.toString(), LlamaText(""));
  triggers.delete("");
  return {
    opening: LlamaText([section, prefix]),
    between: LlamaText([parallelism?.call.betweenCalls ?? "", prefix]).toString(),
    triggers,
    optionalPrefixSpace: call.optionalPrefixSpace,
    paramsPrefix: (name) => withName(call.paramsPrefix, name),
    suffix: (name) => withName(call.suffix, name),
  };
}

/**
 * What a request's tools mean for generation; undefined when it offers none (or tool choice "none").
 * Every schema is turned into a grammar here, before a slot is taken: one node-llama-cpp cannot express
 * is the customer's 400, never a failure mid-generation.
 */
/**
 * The schemas a request brings (its offered tools, its json_schema output), judged before anything
 * costly: before the prompt, which documents the tools, is tokenized, and before a grammar is built.
 * Throws the 400 a schema the grammar cannot hold, or one past the bounds, deserves.
 */
export function checkSchemas(request: GenerationRequest): void {
  if (request.kind === "chat" && request.tools !== undefined && request.toolChoice !== "none") {
    for (const tool of request.tools) {
      try {
        grammarSchema(argumentsSchema(tool), tool.strict === true);
      } catch (error) {
        throw schemaRefusal(error, tool.strict === true, "tools");
      }
    }
  }
  const format = request.responseFormat;
  if (format?.type === "json_schema") {
    try {
      grammarSchema(format.schema, format.strict === true);
    } catch (error) {
      throw schemaRefusal(error, format.strict === true, "response_format");
    }
  }
}

function schemaRefusal(error: unknown, strict: boolean, param: string): ApiError {
  const what = param === "tools" ? "The parameters schema of a tool" : "The response_format schema";
  // The messages name schema constructs, never customer content.
  return new ApiError(
    400,
    "invalid_request_error",
    `${what} is not supported${strict ? " in strict mode" : ""}: ${(error as Error).message}`,
    param,
  );
}

export async function planTools(
  llama: Llama,
  wrapper: ChatWrapper,
  request: ChatGenerationRequest,
): Promise<ToolPlan | undefined> {
  const tools = request.tools ?? [];
  const choice = request.toolChoice ?? "auto";
  if (tools.length === 0 || choice === "none") return undefined;
  const chosen = typeof choice === "object" ? tools.filter((t) => t.name === choice.name) : tools;
  if (chosen.length === 0)
    throw new ApiError(
      400,
      "invalid_request_error",
      "tool_choice names a function that is not in tools",
      "tool_choice",
    );
  const argumentGrammars = new Map<string, LlamaGrammar>();
  for (const tool of chosen) {
    try {
      const schema = grammarSchema(argumentsSchema(tool), tool.strict === true);
      argumentGrammars.set(tool.name, await jsonSchemaGrammar(llama, schema));
    } catch (error) {
      // The messages name schema constructs, never customer content.
      throw new ApiError(
        400,
        "invalid_request_error",
        `The parameters schema of a tool is not supported${tool.strict === true ? " in strict mode" : ""}: ${(error as Error).message}`,
        "tools",
      );
    }
  }
  const syntax = callSyntax(wrapper);
  const names = chosen.map((t) => t.name);
  const alternatives = names.map((n) => JSON.stringify(n)).join(" | ");
  const nameGrammar = await llama.createGrammar({
    grammar: `root ::= ${syntax.optionalPrefixSpace ? '" "? ' : ""}(${alternatives})`,
  });
  return {
    mode: choice === "auto" ? "auto" : "forced",
    names,
    nameGrammar,
    argumentGrammars,
    // A named choice is one call to that function; otherwise OpenAI's parallel_tool_calls decides.
    parallel: typeof choice !== "object" && request.parallelToolCalls !== false,
    syntax,
  };
}

/** Index just past the JSON object or array that `text` opens, or -1 while it is still open. */
function jsonEnd(text: string): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** What the token loop does after a sampled token: evaluate `next` instead of it, and/or end. */
export interface Step {
  /** Tokens to evaluate next in place of the sampled one (which may lead them); absent: just it. */
  next?: Token[];
  /** Tokens in `next` that were not sampled: billed as completion tokens. */
  forced: number;
  done: boolean;
}

/** The calls of one turn, driven token by token once the turn is inside a call. */
export class ToolCallRun {
  readonly calls: ToolCall[] = [];
  private stage: "name" | "arguments" | "between" = "name";
  private stageTokens: Token[] = [];
  private sent = 0;
  private state: LlamaGrammarEvaluationState | undefined;
  /** model.isEogToken, remembered (eog-tokens.ts). */
  private readonly isEog: (token: Token) => boolean;

  constructor(
    private readonly plan: ToolPlan,
    private readonly model: LlamaModel,
    private readonly emit: (detail: DeltaDetail) => void,
  ) {
    this.isEog = eogTest(model);
    this.enter("name");
  }

  /** Tokens that open the turn's first call in forced mode. */
  static opening(plan: ToolPlan, model: LlamaModel): Token[] {
    return plan.syntax.opening.tokenize(model.tokenizer);
  }

  /** The grammar the next token is sampled under (none between calls). */
  readonly grammarState = (): LlamaGrammarEvaluationState | undefined => this.state;

  push(token: Token): Step {
    const eog = this.isEog(token);
    if (this.stage === "name") {
      // The grammar admits end-of-generation only once the text is a complete name.
      if (!eog) this.stageTokens.push(token);
      const name = this.text().slice(this.plan.syntax.optionalPrefixSpace && this.text()[0] === " " ? 1 : 0);
      const complete = this.plan.names.includes(name);
      if (eog || (complete && !this.plan.names.some((n) => n !== name && n.startsWith(name)))) {
        if (!complete) return { forced: 0, done: true };
        this.calls.push({ id: toolCallId(), name, arguments: "" });
        this.emit({ toolCall: { index: this.calls.length - 1, id: this.last.id, name, arguments: "" } });
        const forced = this.plan.syntax.paramsPrefix(name).tokenize(this.model.tokenizer);
        this.enter("arguments");
        return { next: eog ? forced : [token, ...forced], forced: forced.length, done: false };
      }
      return { forced: 0, done: false };
    }
    if (this.stage === "arguments") {
      if (eog) return { forced: 0, done: true };
      this.stageTokens.push(token);
      const text = this.text();
      // Wait for a multi-byte character to complete before sending its piece.
      if (text.endsWith("\uFFFD")) return { forced: 0, done: false };
      const end = jsonEnd(text);
      const upTo = end === -1 ? text.length : end;
      if (upTo > this.sent) {
        const piece = text.slice(this.sent, upTo);
        this.last.arguments += piece;
        this.emit({ toolCall: { index: this.calls.length - 1, arguments: piece } });
        this.sent = upTo;
      }
      if (end === -1) return { forced: 0, done: false };
      if (!this.plan.parallel) return { forced: 0, done: true };
      // The suffix closes the call in the model's context, so it can decide whether another follows.
      const forced = this.plan.syntax.suffix(this.last.name).tokenize(this.model.tokenizer);
      this.enter("between");
      return { next: [token, ...forced], forced: forced.length, done: false };
    }
    // Between calls the model writes freely: the wrapper's call opening means another call, anything
    // else (a tool result marker, the end of the turn) ends the turn.
    if (eog) return { forced: 0, done: true };
    this.stageTokens.push(token);
    const text = this.text();
    const between = this.plan.syntax.between;
    if (text.startsWith(between)) {
      this.enter("name");
      return { forced: 0, done: false };
    }
    return { forced: 0, done: !between.startsWith(text) };
  }

  private get last(): ToolCall {
    return this.calls[this.calls.length - 1] as ToolCall;
  }

  private text(): string {
    return this.model.detokenize(this.stageTokens, false);
  }

  private enter(stage: ToolCallRun["stage"]): void {
    this.stage = stage;
    this.stageTokens = [];
    this.sent = 0;
    const grammar =
      stage === "name"
        ? this.plan.nameGrammar
        : stage === "arguments"
          ? this.plan.argumentGrammars.get(this.last.name)
          : undefined;
    this.state = grammar ? new LlamaGrammarEvaluationState({ model: this.model, grammar }) : undefined;
  }
}
