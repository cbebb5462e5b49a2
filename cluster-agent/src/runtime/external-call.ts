/**
 * One generation request to an external engine, as an undici dispatch handler. Bytes arrive in
 * onResponseData and are parsed in place (SSE when streaming, one JSON document otherwise), so the hot
 * path has no Readable stream, no async iteration and exactly one JSON.parse per upstream message.
 */
import { isUtf8 } from "node:buffer";
import type { Dispatcher } from "undici";
import type { CancelSignal } from "../common/cancellation.js";
import type { Logger } from "../common/log.js";
import type { TokenUsage } from "../domain/token-usage.js";
import { ChoiceState, finishReason, toolCallDelta } from "./external-choices.js";
import { errorCode, transportError, upstreamFailed, upstreamHttpError } from "./external-errors.js";
import {
  needsFullParse,
  readChatLogprobs,
  readCompletionLogprobs,
  readToolCallPieces,
  readToolCalls,
} from "./external-shapes.js";
import { SseParser, type SseRawRun } from "./sse.js";
import type {
  DeltaDetail,
  DeltaSink,
  GenerationRequest,
  GenerationResult,
  RuntimeStats,
  TokenLogprob,
} from "./types.js";

export interface CallContext {
  readonly modelId: string;
  readonly logger: Logger | undefined;
  /** Mutated in place by every call; the runtime hands out copies. */
  readonly stats: RuntimeStats;
}

/** Bounds memory for a non-streamed answer or an error body; a real answer is far smaller. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface UpstreamChoice {
  index?: unknown;
  delta?: { content?: unknown; tool_calls?: unknown } | null;
  message?: { content?: unknown; tool_calls?: unknown } | null;
  text?: unknown;
  logprobs?: unknown;
  finish_reason?: unknown;
}
interface UpstreamMessage {
  choices?: UpstreamChoice[] | null;
  usage?: unknown;
  error?: unknown;
}

function readUsage(u: unknown): TokenUsage | null {
  if (u === null || typeof u !== "object") return null;
  const { prompt_tokens: p, completion_tokens: c, prompt_tokens_details: d } = u as Record<string, unknown>;
  if (typeof p !== "number" || typeof c !== "number" || !(p >= 0) || !(c >= 0)) return null;
  const cached = (d as { cached_tokens?: unknown } | null | undefined)?.cached_tokens;
  return {
    promptTokens: p,
    completionTokens: c,
    cachedTokens: typeof cached === "number" && cached >= 0 ? cached : 0,
  };
}

class CancelledByClient extends Error {
  constructor() {
    super("generation cancelled by the client");
    this.name = "CancelledByClient";
  }
}

export class UpstreamCall implements Dispatcher.DispatchHandler {
  settled = false;
  readonly #ctx: CallContext;
  readonly #chat: boolean;
  /** False for plain text requests: their ordinary stream events take the quick read (PlainDeltas). */
  readonly #full: boolean;
  /** Choices asked for (OpenAI's n). */
  readonly #n: number;
  /** Alternatives per token when logprobs were asked for; -1 when they were not. */
  readonly #top: number;
  readonly #signal: CancelSignal;
  readonly #onDelta: DeltaSink | undefined;
  /** The consumer's byte sink for plain tokens (DeltaSink.raw), when it has one and the request is plain. */
  readonly #onRaw: ((bytes: Buffer, start: number, end: number) => void) | null;
  readonly #resolve: (result: GenerationResult) => void;
  readonly #reject: (err: unknown) => void;
  #controller: Dispatcher.DispatchController | null = null;
  #cancelled = false;
  #status = 0;
  #retryAfter: string | null = null;
  #chunks: Buffer[] | null = null;
  #bytes = 0;
  #parser: SseParser | null = null;
  /** The quick read of plain text events (null when the request needs every event parsed). */
  readonly #quick: PlainDeltas | null;
  readonly #first = new ChoiceState();
  /** Choices 1..n-1, created when n > 1. */
  #others: ChoiceState[] | null = null;
  #deltas = 0;
  /**
   * Text relayed as bytes and not yet decoded into the first choice's text: the contents of the
   * tokens' JSON string literals, joined (valid JSON string contents joined are one), decoded once
   * when the text is needed. `#textEscaped`: some of it has escapes (JSON.parse decodes them).
   */
  #textBytes: Buffer | null = null;
  #textLength = 0;
  #textEscaped = false;
  #usage: TokenUsage | null = null;
  #done = false;

  constructor(
    ctx: CallContext,
    request: GenerationRequest,
    onDelta: DeltaSink | undefined,
    resolve: (result: GenerationResult) => void,
    reject: (err: unknown) => void,
  ) {
    this.#ctx = ctx;
    const signal = request.signal;
    this.#chat = request.kind === "chat";
    this.#full = needsFullParse(request);
    this.#quick = this.#full ? null : new PlainDeltas(this.#chat);
    this.#n = request.n !== undefined && request.n > 1 ? request.n : 1;
    this.#top = request.logprobs === undefined ? -1 : request.logprobs.top;
    if (this.#n > 1) this.#others = Array.from({ length: this.#n - 1 }, () => new ChoiceState());
    this.#signal = signal;
    this.#onDelta = onDelta;
    this.#onRaw = this.#quick !== null && onDelta?.raw !== undefined ? onDelta.raw : null;
    this.#resolve = resolve;
    this.#reject = reject;
    ctx.stats.active++;
    ctx.stats.requestsTotal++;
    if (signal.aborted) this.handleEvent();
    // The call object itself is the listener (handleEvent): no closure per request.
    else signal.addEventListener("abort", this);
  }

  /** The request's signal fired: answer at once with what arrived, and drop the upstream request. */
  handleEvent(): void {
    if (this.settled) return;
    this.#cancelled = true;
    this.#settle();
    // Before the first chunk, or without continuous usage stats, the upstream has not told us its counts;
    // what is known is reported: the text pieces received (each engine chunk carries one token's text).
    const u = this.#usage;
    const usage: TokenUsage =
      u === null
        ? { promptTokens: 0, completionTokens: this.#deltas, cachedTokens: 0 }
        : { ...u, completionTokens: Math.max(u.completionTokens, this.#deltas) };
    this.#account(usage);
    this.#resolve(this.#result(usage, true));
    // Destroys the connection: for HTTP/1.1 that is the only way to tell the engine to stop generating.
    this.#controller?.abort(new CancelledByClient());
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.#settle();
    this.#controller?.abort(err instanceof Error ? err : new Error(String(err)));
    this.#reject(err);
  }

  #settle(): void {
    this.settled = true;
    this.#ctx.stats.active--;
    this.#signal.removeEventListener("abort", this);
  }

  #result(usage: TokenUsage, aborted: boolean): GenerationResult {
    this.#decodeText();
    const first = this.#first;
    if (!this.#full) {
      return {
        text: first.text,
        finishReason: first.finish === "length" ? "length" : "stop",
        usage,
        aborted,
      };
    }
    const result: GenerationResult = { ...first.result(), usage, aborted };
    if (this.#others !== null) result.others = this.#others.map((c) => c.result());
    return result;
  }

  /** The state of choice `index`; throws on an index the request did not ask for. */
  #choice(index: unknown): ChoiceState {
    if (index === undefined || index === 0) return this.#first;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= this.#n) {
      throw new Error("choice index out of range");
    }
    return this.#others![index - 1]!;
  }

  #allFinished(): boolean {
    if (this.#first.finish === null) return false;
    return this.#others === null || this.#others.every((c) => c.finish !== null);
  }

  #account(usage: TokenUsage): void {
    this.#ctx.stats.promptTokensTotal += usage.promptTokens;
    this.#ctx.stats.completionTokensTotal += usage.completionTokens;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Cancelled while queued for a connection: never send it.
    if (this.settled) controller.abort(this.#cancelled ? new CancelledByClient() : new Error("settled"));
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, unknown>,
  ): void {
    this.#status = statusCode;
    if (statusCode >= 400) {
      const retryAfter = headers["retry-after"];
      this.#retryAfter = typeof retryAfter === "string" ? retryAfter : null;
      this.#chunks = [];
    } else if (this.#onDelta !== undefined) {
      this.#parser = new SseParser(
        this.#onEvent,
        this.#onRaw === null ? undefined : { onRaw: this.#onRawEvent, run: this.#rawRun },
      );
    } else {
      this.#chunks = [];
    }
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const parser = this.#parser;
    if (parser !== null) {
      try {
        parser.push(chunk);
      } catch (err) {
        this.#failInternal(err);
      }
      return;
    }
    this.#bytes += chunk.length;
    const limit = this.#status >= 400 ? MAX_ERROR_BODY_BYTES : MAX_BODY_BYTES;
    if (this.#bytes <= limit) this.#chunks?.push(chunk);
    else if (this.#status < 400) this.fail(upstreamFailed("response body too large"));
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const chunks = this.#chunks;
    const body = chunks === null ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (this.#status >= 400) {
      const err = upstreamHttpError(this.#status, body, this.#retryAfter);
      this.#ctx.logger?.debug(
        { model: this.#ctx.modelId, status: this.#status },
        "upstream answered an error",
      );
      this.fail(err);
      return;
    }
    if (this.#parser !== null) {
      this.#parser.end();
      if (this.settled) return;
      if (!this.#allFinished()) {
        this.fail(upstreamFailed("stream ended before a finish_reason"));
        return;
      }
    } else {
      let message: UpstreamMessage;
      try {
        message = JSON.parse(body === null ? "" : body.toString()) as UpstreamMessage;
      } catch {
        this.fail(upstreamFailed("response is not JSON"));
        return;
      }
      try {
        this.#readAnswer(message);
      } catch (err) {
        this.#failInternal(err);
        return;
      }
      this.#usage = readUsage(message.usage);
    }
    const usage = this.#usage;
    // Billing takes these numbers as they are; an estimate here would be an invoice error.
    if (usage === null) {
      this.fail(upstreamFailed("upstream reported no token usage"));
      return;
    }
    this.#settle();
    this.#account(usage);
    this.#resolve(this.#result(usage, false));
  }

  /** A whole (non-streamed) answer: every choice asked for, each validated. */
  #readAnswer(message: UpstreamMessage): void {
    const choices = message.choices;
    if (!Array.isArray(choices) || choices.length === 0) throw new Error("response has no text");
    for (const choice of choices) {
      const state = this.#choice(choice?.index);
      const text = this.#chat ? choice?.message?.content : choice?.text;
      if (typeof text === "string") state.text = text;
      else if (text !== null && text !== undefined) throw new Error("response text is not a string");
      else if (text === undefined && !this.#full) throw new Error("response has no text");
      if (this.#chat) state.calls = readToolCalls(choice?.message?.tool_calls);
      if (this.#top >= 0) state.logprobs = this.#readLogprobs(choice?.logprobs) ?? [];
      state.finish = finishReason(choice?.finish_reason);
    }
    if (!this.#allFinished()) throw new Error("response has fewer choices than asked");
  }

  #readLogprobs(raw: unknown): TokenLogprob[] | null {
    return this.#chat ? readChatLogprobs(raw, this.#top) : readCompletionLogprobs(raw, this.#top);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.settled) return;
    const mapped = transportError(err);
    this.#ctx.logger?.debug({ model: this.#ctx.modelId, code: errorCode(err) }, "upstream request failed");
    this.fail(mapped);
  }

  #failInternal(err: unknown): void {
    this.fail(upstreamFailed(err instanceof Error ? err.message : "stream parse error"));
  }

  /** Passes one piece of text on; false when the consumer failed and the call was ended. */
  #delta(text: string, json?: string): boolean {
    this.#decodeText();
    this.#first.text += text;
    this.#deltas++;
    try {
      this.#onDelta!(text, 0, undefined, json);
      return true;
    } catch (err) {
      // The consumer (usually the client's socket) failed: stop generating for nobody.
      this.fail(err);
      return false;
    }
  }

  /**
   * An event as bytes (see SseParser): a plain text token of a stream seen before is relayed as the
   * engine encoded it, without decoding; anything else is declined and comes back as a string.
   */
  readonly #onRawEvent = (buf: Buffer, start: number, end: number): boolean => {
    if (this.settled || this.#done) return true;
    if (!this.#quick!.readBytes(buf, start, end)) return false;
    this.#relayRead(buf);
    return true;
  };

  /** The same, for whole events the parser finds back to back (SseRawRun): no line search for them. */
  readonly #rawRun: SseRawRun = {
    match: (buf, start, limit) => this.#quick!.matchBytes(buf, start, limit),
    take: (buf) => {
      if (!this.settled && !this.#done) this.#relayRead(buf);
    },
  };

  /** Relays the literal the quick reader just found in `buf`. */
  #relayRead(buf: Buffer): void {
    const quick = this.#quick!;
    const open = quick.open;
    const close = quick.close;
    // An empty text (a token that completes no character) has nothing to relay.
    if (close === open + 1) return;
    this.#keepText(buf, open + 1, close, quick.escaped);
    this.#deltas++;
    try {
      this.#onRaw!(buf, open, close + 1);
    } catch (err) {
      // The consumer (usually the client's socket) failed: stop generating for nobody.
      this.fail(err);
    }
  }

  #keepText(buf: Buffer, from: number, to: number, escaped: boolean): void {
    const length = this.#textLength;
    const needed = length + (to - from);
    let kept = this.#textBytes;
    if (kept === null || kept.length < needed) {
      const grown = Buffer.allocUnsafe(Math.max(1024, needed * 2));
      if (kept !== null) kept.copy(grown, 0, 0, length);
      this.#textBytes = kept = grown;
    }
    for (let i = from, at = length; i < to; i++, at++) kept[at] = buf[i]!;
    this.#textLength = needed;
    if (escaped) this.#textEscaped = true;
  }

  /** Appends the text kept as bytes to the first choice's text, in order with what came as strings. */
  #decodeText(): void {
    if (this.#textLength === 0) return;
    const contents = this.#textBytes!.toString("utf8", 0, this.#textLength);
    this.#first.text += this.#textEscaped ? (JSON.parse(`"${contents}"`) as string) : contents;
    this.#textLength = 0;
    this.#textEscaped = false;
  }

  readonly #onEvent = (data: string): void => {
    if (this.settled) return;
    if (this.#done) return;
    if (data === "[DONE]") {
      this.#done = true;
      return;
    }
    const quick = this.#quick;
    if (quick?.read(data)) {
      // The opening event announces the role with empty content: nothing to relay.
      if (quick.text.length > 0) this.#delta(quick.text, quick.json);
      return;
    }
    let message: UpstreamMessage;
    try {
      message = JSON.parse(data) as UpstreamMessage;
    } catch {
      this.fail(upstreamFailed("stream event is not JSON"));
      return;
    }
    if (message.error !== undefined && message.error !== null) {
      this.fail(upstreamFailed("upstream reported an error mid-stream"));
      return;
    }
    if (this.#full) {
      try {
        if (!this.#readEvent(message)) return;
      } catch (err) {
        this.#failInternal(err);
        return;
      }
    } else {
      const choice = message.choices?.[0];
      if (choice !== undefined) {
        const text = this.#chat ? choice.delta?.content : choice.text;
        if (typeof text === "string" && text.length > 0 && !this.#delta(text)) return;
        const finish = choice.finish_reason;
        if (typeof finish === "string") this.#first.finish = finishReason(finish);
      }
    }
    if (message.usage !== undefined && message.usage !== null) this.#usage = readUsage(message.usage);
  };

  /**
   * One stream event of a request that asked for tools, logprobs or several choices: every choice in
   * it, validated. False when the consumer failed and the call was ended.
   */
  #readEvent(message: UpstreamMessage): boolean {
    const choices = message.choices;
    if (choices === undefined || choices === null) return true;
    if (!Array.isArray(choices)) throw new Error("choices is not an array");
    for (const choice of choices) {
      const index = (choice?.index ?? 0) as number;
      const state = this.#choice(index);
      const delta = this.#chat ? choice.delta : null;
      const text = this.#chat ? delta?.content : choice.text;
      const logprobs = this.#top >= 0 ? this.#readLogprobs(choice.logprobs) : null;
      const hasText = typeof text === "string" && text.length > 0;
      if (hasText || (logprobs !== null && logprobs.length > 0)) {
        const piece = hasText ? (text as string) : "";
        state.text += piece;
        let detail: DeltaDetail | undefined;
        if (logprobs !== null && logprobs.length > 0) {
          if (state.logprobs === null) state.logprobs = logprobs;
          else for (const lp of logprobs) state.logprobs.push(lp);
          detail = { logprobs };
        }
        if (!this.#emit(piece, index, detail)) return false;
      } else if (this.#top >= 0 && state.logprobs === null) {
        state.logprobs = [];
      }
      const pieces = this.#chat ? readToolCallPieces(delta?.tool_calls) : null;
      if (pieces !== null) {
        for (const piece of pieces) {
          const toolCall = toolCallDelta(state, piece);
          if (toolCall !== null && !this.#emit("", index, { toolCall })) return false;
        }
      }
      if (typeof choice.finish_reason === "string") state.finish = finishReason(choice.finish_reason);
    }
    return true;
  }

  #emit(text: string, index: number, detail: DeltaDetail | undefined): boolean {
    this.#deltas++;
    try {
      this.#onDelta!(text, index, detail);
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }
}

const CHAT_TEXT = '"content":"';
const COMPLETION_TEXT = '"text":"';
const EMPTY = Buffer.alloc(0);
const LINE_BREAK = /[\r\n]/;

/**
 * Whether `buf[from, to)` is valid UTF-8 (no overlong form, surrogate or code point past U+10FFFF), as
 * node:buffer's isUtf8 decides; for a token's few bytes, without the subarray and native call it needs.
 */
export function shortUtf8(buf: Buffer, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const c = buf[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let size: number;
    let low = 0x80;
    let high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) size = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      size = 3;
      if (c === 0xe0) low = 0xa0;
      else if (c === 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      size = 4;
      if (c === 0xf0) low = 0x90;
      else if (c === 0xf4) high = 0x8f;
    } else return false;
    if (i + size > to) return false;
    const second = buf[i + 1]!;
    if (second < low || second > high) return false;
    for (let k = 2; k < size; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return false;
    i += size;
  }
  return true;
}

/**
 * A run of bytes to find at a known place, compared four at a time through a DataView of the buffer
 * read: for a head of ~140 bytes about half of a native Buffer.compare's call and a third of a byte
 * loop. The words are little-endian 32-bit (signed, as DataView.getInt32 reads them): each whole word,
 * and last the four bytes that end the run, overlapping the word before when the length is not a
 * multiple of four. A plain array of small integers: a typed array of a head's size gets its own
 * backing store, which cost more per stream than all its compares.
 */
class BytePattern {
  readonly length: number;
  readonly #bytes: Buffer;
  readonly #words: number[] = [];

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
    this.length = bytes.length;
    const word = (i: number) =>
      bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    for (let i = 0; i + 4 <= bytes.length; i += 4) this.#words.push(word(i));
    if (bytes.length >= 4 && bytes.length % 4 !== 0) this.#words.push(word(bytes.length - 4));
  }

  /** Whether `buf` (`view` is a DataView of it) holds the pattern at `at`; the caller has checked that it fits. */
  at(view: DataView, buf: Buffer, at: number): boolean {
    const length = this.length;
    if (length < 4) {
      for (let k = 0; k < length; k++) if (buf[at + k] !== this.#bytes[k]) return false;
      return true;
    }
    const words = this.#words;
    const last = words.length - 1;
    for (let k = 0; k < last; k++) if (view.getInt32(at + k * 4, true) !== words[k]) return false;
    return view.getInt32(at + length - 4, true) === words[last];
  }
}

const NO_PATTERN = new BytePattern(EMPTY);

/** True for the bytes 0-9, a-f, A-F. */
function isHex(c: number | undefined): boolean {
  return (
    c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))
  );
}

/**
 * The length of the JSON escape whose letter is at `buf[i]` (after its backslash), within `end`: 1
 * for \" \\ \/ \b \f \n \r \t, 5 for \uXXXX; 0 when it is not a valid escape.
 */
function escapeLength(buf: Buffer, i: number, end: number): number {
  if (i >= end) return 0;
  switch (buf[i]) {
    case 0x22:
    case 0x5c:
    case 0x2f:
    case 0x62:
    case 0x66:
    case 0x6e:
    case 0x72:
    case 0x74:
      return 1;
    case 0x75:
      return i + 4 < end && isHex(buf[i + 1]) && isHex(buf[i + 2]) && isHex(buf[i + 3]) && isHex(buf[i + 4])
        ? 5
        : 0;
    default:
      return 0;
  }
}
const NOT_FINISHED = '"finish_reason":null';

/** textEnd's flags: the text has an escape (decoded by JSON.parse) / a raw control character. */
const ESCAPED = 1;
const RAW_CONTROL = 2;

/**
 * Where the JSON string opened at `open` ends: its closing quote's index times 4, plus ESCAPED and
 * RAW_CONTROL as found in the text (a control character JSON does not allow, from a lenient engine:
 * the text keeps it, the relay re-encodes it); -1 when the event ends first. A quote inside a JSON
 * string is always escaped.
 */
function textEnd(data: string, open: number): number {
  let flags = 0;
  for (let i = open + 1; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 0x5c) {
      flags |= ESCAPED;
      i++;
    } else if (c === 0x22) {
      return i * 4 + flags;
    } else if (c < 0x20) {
      flags |= RAW_CONTROL;
    }
  }
  return -1;
}

/** The text between `open` and `close` (its quotes), decoded exactly by JSON.parse when escaped. */
function textBetween(data: string, open: number, close: number, flags: number): string {
  return (flags & ESCAPED) === 0
    ? data.slice(open + 1, close)
    : (JSON.parse(data.slice(open, close + 1)) as string);
}

/** What a quick read found: the text's position in the event. */
interface PlainText {
  at: number;
  open: number;
  close: number;
  flags: number;
}

function findPlainText(data: string, chat: boolean): PlainText | undefined {
  const marker = chat ? CHAT_TEXT : COMPLETION_TEXT;
  const at = data.indexOf(marker);
  if (at < 0) return undefined;
  const open = at + marker.length - 1;
  const end = textEnd(data, open);
  if (end < 0) return undefined;
  const close = end >> 2;
  // Searched in place, not on slices, and each only where it belongs: forwards through the short tail
  // after the text (finish_reason, usage, a second choice), backwards through the head before it.
  if (
    data.indexOf(NOT_FINISHED, close) < 0 ||
    data.indexOf(marker, close) >= 0 ||
    data.indexOf('"usage":{', close) >= 0 ||
    data.indexOf('"index":1', close) >= 0 ||
    data.indexOf('"error":', close) >= 0 ||
    data.lastIndexOf('"error":', at) >= 0 ||
    data.lastIndexOf('"usage":{', at) >= 0
  ) {
    return undefined;
  }
  return { at, open, close, flags: end & 3 };
}

/**
 * The text of an ordinary mid-stream event, read without parsing the whole event: nearly every event
 * of a stream is one token of text, and JSON.parse of each was the largest cost of relaying. Only
 * events whose shape is unambiguous qualify: one text field, finish_reason null, no usage object, no
 * error. A quote inside a JSON string is always escaped, so these markers cannot occur inside the
 * text itself. Anything else (the finish event, the usage event, errors, several choices) returns
 * undefined and takes the full parse. The text itself is decoded by JSON.parse, exactly.
 */
export function plainDelta(data: string, chat: boolean): string | undefined {
  const found = findPlainText(data, chat);
  return found && textBetween(data, found.open, found.close, found.flags);
}

/**
 * plainDelta for one stream, with memory: an engine frames every token of a stream alike (the same
 * id, model and field order around a different text), so once an event has passed the checks, a
 * later one whose head and tail around the text are the same strings has passed them too; comparing
 * two strings costs a fraction of the searches. `json` is the text as the event had it, a JSON string
 * literal, when it needs no re-encoding (the relay writes it as it is instead of stringifying it).
 */
export class PlainDeltas {
  text = "";
  json: string | undefined = undefined;
  /** What readBytes found: the text's JSON string literal is bytes[open, close], quotes included. */
  open = 0;
  close = 0;
  /** The literal readBytes found has escapes. */
  escaped = false;
  #head = "";
  #tail = "";
  /**
   * #head with the text's marker after it, and #tail, as UTF-8 for matchBytes; empty until read has
   * passed an event, and when either has a line break.
   */
  #front = NO_PATTERN;
  #tailPattern = NO_PATTERN;
  /**
   * A view of the last buffer read (#viewed), for the patterns: one per upstream read, not per event. It
   * keeps that one read's buffer alive until the next read or the end of the call.
   */
  #view: DataView | null = null;
  #viewed: Buffer | null = null;
  readonly #chat: boolean;
  readonly #marker: string;

  constructor(chat: boolean) {
    this.#chat = chat;
    this.#marker = chat ? CHAT_TEXT : COMPLETION_TEXT;
  }

  /**
   * read, on the event's bytes `buf[start, end)` and without decoding them: true when the event has
   * the head and tail of the plain events read before, around a JSON string literal that is valid
   * JSON (escapes checked) and valid UTF-8, with no raw control character; its place is then in
   * `open`, `close` and `escaped`. False for anything else, which read (on the decoded string) decides.
   */
  readBytes(buf: Buffer, start: number, end: number): boolean {
    return this.matchBytes(buf, start, end) === end;
  }

  /**
   * readBytes for an event whose end is not known yet: where its data would end (after the tail),
   * reading no further than `limit`, or -1. What it claims holds no CR or LF: the literal has no
   * control character, and the head and tail are kept for this only when they have none.
   */
  matchBytes(buf: Buffer, start: number, limit: number): number {
    const front = this.#front;
    const tail = this.#tailPattern;
    if (front.length === 0 || limit - start < front.length + tail.length) return -1;
    const view = this.#viewOf(buf);
    if (!front.at(view, buf, start)) return -1;
    const open = start + front.length - 1;
    let escaped = false;
    let high = false;
    let i = open + 1;
    for (;;) {
      if (i >= limit) return -1;
      const c = buf[i]!;
      if (c === 0x22) break;
      if (c < 0x20) return -1;
      if (c === 0x5c) {
        const step = escapeLength(buf, i + 1, limit);
        if (step === 0) return -1;
        escaped = true;
        i += step + 1;
      } else {
        if (c >= 0x80) high = true;
        i++;
      }
    }
    const close = i;
    const end = close + tail.length;
    if (end > limit) return -1;
    if (!tail.at(view, buf, close)) return -1;
    if (
      high &&
      !(close - open <= 64 ? shortUtf8(buf, open + 1, close) : isUtf8(buf.subarray(open + 1, close)))
    )
      return -1;
    this.open = open;
    this.close = close;
    this.escaped = escaped;
    return end;
  }

  #viewOf(buf: Buffer): DataView {
    if (buf === this.#viewed) return this.#view!;
    this.#viewed = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    return this.#view;
  }

  /** True when `data` is a plain text event; its text is then in `text` (and maybe `json`). */
  read(data: string): boolean {
    const head = this.#head;
    if (head !== "" && data.startsWith(this.#marker, head.length) && data.slice(0, head.length) === head) {
      const open = head.length + this.#marker.length - 1;
      const end = textEnd(data, open);
      if (end >= 0 && data.slice(end >> 2) === this.#tail) {
        this.#found(data, open, end >> 2, end & 3);
        return true;
      }
    }
    const found = findPlainText(data, this.#chat);
    if (found === undefined) return false;
    this.#head = data.slice(0, found.at);
    this.#tail = data.slice(found.close);
    // Data of several lines, joined by LF: no one line can match it, and matchBytes must not try.
    const oneLine = !LINE_BREAK.test(this.#head) && !LINE_BREAK.test(this.#tail);
    this.#front = oneLine ? new BytePattern(Buffer.from(this.#head + this.#marker)) : NO_PATTERN;
    this.#tailPattern = oneLine ? new BytePattern(Buffer.from(this.#tail)) : NO_PATTERN;
    this.#found(data, found.open, found.close, found.flags);
    return true;
  }

  #found(data: string, open: number, close: number, flags: number): void {
    this.text = textBetween(data, open, close, flags);
    // Escapes as the engine wrote them are valid JSON (JSON.parse just read them); raw controls are not.
    this.json = (flags & RAW_CONTROL) === 0 ? data.slice(open, close + 1) : undefined;
  }
}
