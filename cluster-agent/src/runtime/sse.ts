/**
 * Incremental Server-Sent Events parser (WHATWG "event stream" interpretation) for upstream token
 * streams. It works on raw bytes and decodes only complete lines: a line terminator byte never occurs
 * inside a multi-byte UTF-8 sequence, so a character split across network chunks is reassembled before
 * it is ever decoded, and no streaming TextDecoder state is needed.
 */

/** Receives one dispatched event: its data (data lines joined by "\n") and its type ("message" if unset). */
export type SseEventSink = (data: string, event: string) => void;

/**
 * Receives an event of one data line and no type as bytes, before anything is decoded: its data is
 * `buf[start, end)`, valid only during the call. True when it took the event; false to have it
 * decoded and passed to the SseEventSink as usual.
 */
export type SseRawSink = (buf: Buffer, start: number, end: number) => boolean;

/**
 * Takes whole events straight from the bytes, where the parser finds one at the start of a line with
 * no event begun: `data: `, one data line, and the blank line after it, all in the chunk. Such an
 * event's lines need no search for their ends, which in a token stream is most of the parsing.
 */
export interface SseRawRun {
  /**
   * Where the data of an event beginning at `buf[start]` (after `data: `) ends, when the sink would
   * take that event; -1 otherwise. It reads no further than `limit`, changes nothing, and must never
   * claim a CR or LF as data (the parser does not search the bytes it claims for line ends).
   */
  match(buf: Buffer, start: number, limit: number): number;
  /** Takes the event just matched: its data is `buf[start, end)`, valid only during the call. */
  take(buf: Buffer, start: number, end: number): void;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

/** Whether `buf` holds "data:" at `at` (the caller has checked that five bytes fit). */
function isDataField(buf: Buffer, at: number): boolean {
  return (
    buf[at] === 0x64 &&
    buf[at + 1] === 0x61 &&
    buf[at + 2] === 0x74 &&
    buf[at + 3] === 0x61 &&
    buf[at + 4] === COLON
  );
}

/** Guards memory against an upstream that never ends a line or an event. */
const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

export class SseParser {
  readonly #onEvent: SseEventSink;
  readonly #onRaw: SseRawSink | null;
  readonly #run: SseRawRun | null;
  readonly #maxEventBytes: number;
  /** Bytes of an unterminated line carried over from the previous chunk. */
  #rest: Buffer | null = null;
  #data = "";
  #hasData = false;
  /** The event's one data line, not yet decoded (the raw sink may take it as it is): in #rawBuf. */
  #rawBuf: Buffer | null = null;
  #rawStart = 0;
  #rawEnd = 0;
  #event = "";
  #eventBytes = 0;
  /** A chunk ended in CR: an LF opening the next chunk belongs to that CRLF, not a new empty line. */
  #skipLf = false;
  #first = true;
  #lastEventId = "";

  constructor(
    onEvent: SseEventSink,
    options: { maxEventBytes?: number; onRaw?: SseRawSink; run?: SseRawRun } = {},
  ) {
    this.#onEvent = onEvent;
    this.#onRaw = options.onRaw ?? null;
    this.#run = options.run ?? null;
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  /** The last `id:` field seen, for reconnecting clients; upstream token streams do not use it. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let buf = chunk;
    let lineStart = 0;
    let scanFrom = 0;
    if (this.#rest !== null) {
      // The carried-over line is unterminated, so it holds no CR or LF: scanning resumes after it.
      scanFrom = this.#rest.length;
      buf = Buffer.concat([this.#rest, chunk]);
      this.#rest = null;
    } else if (this.#skipLf) {
      this.#skipLf = false;
      if (buf.length > 0 && buf[0] === LF) lineStart = scanFrom = 1;
    }
    const n = buf.length;
    // Line ends are found with the native indexOf (a byte loop in JS was the relay's largest cost);
    // each search result is reused until the scan passes it, so a chunk costs one pass per byte value.
    let cr = buf.indexOf(CR, scanFrom);
    let lf = buf.indexOf(LF, scanFrom);
    let i = scanFrom;
    const run = this.#run;
    while (i < n) {
      if (run !== null && lineStart === i && !this.#hasData && this.#event === "" && !this.#first) {
        // Whole events the run sink recognises, back to back: "data: ", its data, "\n\n".
        while (i + 6 < n && isDataField(buf, i) && buf[i + 5] === SPACE) {
          const end = run.match(buf, i + 6, n);
          if (end < 0 || end + 1 >= n || buf[end] !== LF || buf[end + 1] !== LF) break;
          this.#eventBytes = 0;
          run.take(buf, i + 6, end);
          i = lineStart = end + 2;
        }
        if (i >= n) break;
      }
      if (cr !== -1 && cr < i) cr = buf.indexOf(CR, i);
      if (lf !== -1 && lf < i) lf = buf.indexOf(LF, i);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      this.#line(buf, lineStart, end);
      i = end + 1;
      if (buf[end] === CR) {
        if (i < n) {
          if (buf[i] === LF) i++;
        } else {
          this.#skipLf = true;
        }
      }
      lineStart = i;
    }
    // The chunk is the caller's and the joined buffer is gone after this call: decode what waits.
    if (this.#rawBuf !== null) this.#decodeRaw();
    if (lineStart < n) {
      const pending = n - lineStart;
      if (this.#eventBytes + pending > this.#maxEventBytes) {
        throw new Error(`event stream line exceeds ${this.#maxEventBytes} bytes`);
      }
      // Copy: the caller may reuse its buffer, and a subarray would pin the whole chunk.
      this.#rest = Buffer.from(buf.subarray(lineStart, n));
    }
  }

  /** Call at end of stream. Per the spec an event not closed by a blank line is discarded. */
  end(): void {
    this.#rest = null;
    this.#reset();
  }

  #decodeRaw(): void {
    this.#data = this.#rawBuf!.toString("utf8", this.#rawStart, this.#rawEnd);
    this.#rawBuf = null;
  }

  #reset(): void {
    this.#data = "";
    this.#hasData = false;
    this.#rawBuf = null;
    this.#event = "";
    this.#eventBytes = 0;
  }

  #line(buf: Buffer, lineStart: number, end: number): void {
    let start = lineStart;
    if (this.#first) {
      this.#first = false;
      // A UTF-8 byte-order mark may open the stream; it is not part of the first field name.
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) {
        start += 3;
      }
    }
    if (start === end) {
      if (this.#hasData) {
        const rawBuf = this.#rawBuf;
        if (rawBuf !== null && this.#event === "") {
          const rawStart = this.#rawStart;
          const rawEnd = this.#rawEnd;
          this.#reset();
          if (!this.#onRaw!(rawBuf, rawStart, rawEnd)) {
            this.#onEvent(rawBuf.toString("utf8", rawStart, rawEnd), "message");
          }
          return;
        }
        if (rawBuf !== null) this.#decodeRaw();
        const data = this.#data;
        const event = this.#event === "" ? "message" : this.#event;
        this.#reset();
        this.#onEvent(data, event);
      } else {
        this.#reset();
      }
      return;
    }
    this.#eventBytes += end - start;
    if (this.#eventBytes > this.#maxEventBytes) {
      throw new Error(`event stream event exceeds ${this.#maxEventBytes} bytes`);
    }
    if (buf[start] === COLON) return;
    // Fast path: "data:" is by far the most common field in token streams.
    if (end - start >= 5 && isDataField(buf, start)) {
      this.#field("data", buf, start + 5, end);
      return;
    }
    let colon = start;
    while (colon < end && buf[colon] !== COLON) colon++;
    const name = buf.toString("utf8", start, colon);
    this.#field(name, buf, colon < end ? colon + 1 : end, end);
  }

  #field(name: string, buf: Buffer, valueStart: number, end: number): void {
    const from = valueStart < end && buf[valueStart] === SPACE ? valueStart + 1 : valueStart;
    if (name === "data" && !this.#hasData && this.#onRaw !== null) {
      this.#rawBuf = buf;
      this.#rawStart = from;
      this.#rawEnd = end;
      this.#hasData = true;
      return;
    }
    // A second data line joins the first: from here on the event is a string.
    if (name === "data" && this.#rawBuf !== null) this.#decodeRaw();
    const value = buf.toString("utf8", from, end);
    switch (name) {
      case "data":
        if (this.#hasData) this.#data += `\n${value}`;
        else {
          this.#data = value;
          this.#hasData = true;
        }
        break;
      case "event":
        this.#event = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#lastEventId = value;
        break;
      default:
        // "retry" and unknown fields do not concern a one-shot token stream.
        break;
    }
  }
}
