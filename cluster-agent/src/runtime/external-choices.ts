/**
 * What each choice of an external engine's answer has produced so far, and how streamed tool-call
 * pieces fold into whole calls. Engines differ in how they cut a call into pieces; the customer always
 * gets OpenAI's: id and name once, then argument text.
 */
import { randomUUID } from "node:crypto";
import type { ToolCallPiece } from "./external-shapes.js";
import type { ChoiceResult, DeltaDetail, FinishReason, TokenLogprob, ToolCall } from "./types.js";

/** What one choice has produced so far. */
export class ChoiceState {
  text = "";
  finish: FinishReason | null = null;
  calls: ToolCall[] | null = null;
  logprobs: TokenLogprob[] | null = null;

  result(): ChoiceResult {
    const calls = this.calls;
    // Some engines say "stop" after a forced (named or required) call; the calls are what counts, and
    // "tool_calls" without any would send clients looking for calls that are not there.
    const finish = this.finish;
    const finishReason: FinishReason =
      finish === "length" ? "length" : calls !== null ? "tool_calls" : "stop";
    const out: ChoiceResult = { text: this.text, finishReason };
    if (calls !== null) out.toolCalls = calls;
    if (this.logprobs !== null) out.logprobs = this.logprobs;
    return out;
  }
}

export function finishReason(raw: unknown): FinishReason {
  return raw === "length" ? "length" : raw === "tool_calls" ? "tool_calls" : "stop";
}

/**
 * Folds one streamed piece into its choice's calls and says what to relay: id and name once, with the
 * first piece of a call (engines that repeat them later, or leave the id out, are accepted), then
 * argument text. Null when the piece adds nothing.
 */
export function toolCallDelta(state: ChoiceState, piece: ToolCallPiece): DeltaDetail["toolCall"] | null {
  const calls = state.calls ?? [];
  state.calls = calls;
  const known = calls[piece.index];
  if (known === undefined) {
    // Calls open in order; a gap would leave a call with no name.
    if (piece.index !== calls.length) throw new Error("tool call piece skips an index");
    if (piece.name === undefined) throw new Error("tool call starts without a name");
    const id = piece.id ?? `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    calls.push({ id, name: piece.name, arguments: piece.arguments });
    return { index: piece.index, id, name: piece.name, arguments: piece.arguments };
  }
  // A later id is ignored, even a different one (some parsers draw a new one per piece): the first is
  // the one the client has. A different name would be a different call.
  if (piece.name !== undefined && piece.name !== known.name) {
    throw new Error("tool call name changed mid-call");
  }
  if (piece.arguments.length === 0) return null;
  known.arguments += piece.arguments;
  return { index: piece.index, arguments: piece.arguments };
}
