import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SseParser } from "./sse.js";

interface Ev {
  data: string;
  event: string;
}

function parseAll(chunks: Buffer[]): Ev[] {
  const out: Ev[] = [];
  const parser = new SseParser((data, event) => out.push({ data, event }));
  for (const c of chunks) parser.push(c);
  parser.end();
  return out;
}

/**
 * Pushes each chunk as a copy that is overwritten right after, as a socket's buffer may be (what a
 * sink saw must have been read during the call), then ends the stream; returns `out`.
 */
function feedOverwriting<T>(parser: SseParser, chunks: Buffer[], out: T): T {
  for (const c of chunks) {
    const copy = Buffer.from(c);
    parser.push(copy);
    copy.fill(0x78);
  }
  parser.end();
  return out;
}

/**
 * parseAll with a raw sink that takes the events whose data has an even number of bytes; each event
 * is marked with the way it came. The chunks are overwritten after each push (feedOverwriting).
 */
function parseAllRaw(chunks: Buffer[]): (Ev & { raw: boolean })[] {
  const out: (Ev & { raw: boolean })[] = [];
  const parser = new SseParser((data, event) => out.push({ data, event, raw: false }), {
    onRaw: (buf, start, end) => {
      if ((end - start) % 2 !== 0) return false;
      out.push({ data: buf.toString("utf8", start, end), event: "message", raw: true });
      return true;
    },
  });
  return feedOverwriting(parser, chunks, out);
}

/**
 * parseAllRaw with a run sink too, which takes the one-line events whose data starts with "r" (the
 * others go the usual ways). It finds each event's end itself, as a real one does.
 */
function parseAllRun(chunks: Buffer[]): (Ev & { via: string })[] {
  const out: (Ev & { via: string })[] = [];
  const parser = new SseParser((data, event) => out.push({ data, event, via: "string" }), {
    onRaw: (buf, start, end) => {
      out.push({ data: buf.toString("utf8", start, end), event: "message", via: "raw" });
      return true;
    },
    run: {
      match: (buf, start, limit) => {
        if (buf[start] !== 0x72) return -1;
        let end = start;
        while (end < limit && buf[end] !== 0x0a && buf[end] !== 0x0d) end++;
        return end < limit ? end : -1;
      },
      take: (buf, start, end) => {
        out.push({ data: buf.toString("utf8", start, end), event: "message", via: "run" });
      },
    },
  });
  return feedOverwriting(parser, chunks, out);
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(buf.subarray(prev, p));
    prev = p;
  }
  chunks.push(buf.subarray(prev));
  return chunks;
}

describe("SseParser", () => {
  it("parses an OpenAI-style token stream", () => {
    const events = parseAll([Buffer.from('data: {"a":1}\n\ndata: [DONE]\n\n')]);
    assert.deepEqual(events, [
      { data: '{"a":1}', event: "message" },
      { data: "[DONE]", event: "message" },
    ]);
  });

  it("treats a CR that ends one chunk and an LF that opens the next as one line break", () => {
    const events = parseAll([Buffer.from("data: x\r"), Buffer.from("\ndata: y\r\n\r\n")]);
    assert.deepEqual(events, [{ data: "x\ny", event: "message" }]);
  });

  it("reassembles a multi-byte character split across chunks", () => {
    const bytes = Buffer.from("data: 世界🙂\n\n");
    const events = parseAll([bytes.subarray(0, 8), bytes.subarray(8, 9), bytes.subarray(9)]);
    assert.deepEqual(events, [{ data: "世界🙂", event: "message" }]);
  });

  it("ignores comments, strips one leading space and a BOM, and drops an unterminated event", () => {
    const events = parseAll([Buffer.from("\ufeff: keep-alive\ndata:  two\nevent: e\n\ndata: lost")]);
    assert.deepEqual(events, [{ data: " two", event: "e" }]);
  });

  it("hands a one-line event to the raw sink as bytes, and what it declines to the event sink", () => {
    const events = parseAllRaw([
      Buffer.from('data: {"a":1}\n\ndata: [DONE]\n\nevent: x\ndata: ab\n\ndata: a\ndata: b\n\n'),
    ]);
    assert.deepEqual(events, [
      { data: '{"a":1}', event: "message", raw: false },
      { data: "[DONE]", event: "message", raw: true },
      { data: "ab", event: "x", raw: false },
      { data: "a\nb", event: "message", raw: false },
    ]);
  });

  it("hands whole events to the run sink only where one begins with nothing pending, all in the chunk", () => {
    const text =
      "data: r1\n\ndata: r2\n\nevent: e\ndata: r3\n\ndata: r4\ndata: r5\n\n: c\ndata: r6\n\n" +
      "data:r7\n\ndata: r8\r\n\r\ndata: s9\n\ndata: r10\n\n";
    assert.deepEqual(parseAllRun([Buffer.from(text)]), [
      // The stream's first line is read as a line: a byte-order mark may open it.
      { data: "r1", event: "message", via: "raw" },
      { data: "r2", event: "message", via: "run" },
      { data: "r3", event: "e", via: "string" },
      { data: "r4\nr5", event: "message", via: "string" },
      // After a comment line the event begins at the data line: the run sink may take it.
      { data: "r6", event: "message", via: "run" },
      { data: "r7", event: "message", via: "raw" },
      { data: "r8", event: "message", via: "raw" },
      { data: "s9", event: "message", via: "raw" },
      { data: "r10", event: "message", via: "run" },
    ]);
    // An event whose blank line is in the next chunk is not the run sink's: the parser finishes it.
    assert.deepEqual(parseAllRun([Buffer.from("data: r1\n"), Buffer.from("\ndata: r2\n\n")]), [
      { data: "r1", event: "message", via: "string" },
      { data: "r2", event: "message", via: "run" },
    ]);
  });

  it("rejects a line larger than its limit instead of buffering without end", () => {
    const parser = new SseParser(() => {}, { maxEventBytes: 16 });
    assert.throws(() => parser.push(Buffer.from("data: 0123456789abcdefghij")));
  });

  it("yields the same events however the bytes are split (property)", () => {
    const line = fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
    const event = fc.record({
      lines: fc.array(line, { minLength: 1, maxLength: 3 }),
      type: fc.option(fc.stringMatching(/^[a-z]{1,6}$/), { nil: undefined }),
      typeAfter: fc.boolean(),
      comment: fc.boolean(),
    });
    const eol = fc.constantFrom("\n", "\r\n", "\r");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(event, eol), { maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (events, bom, cuts) => {
          let text = bom ? "\ufeff" : "";
          for (const [e, nl] of events) {
            if (e.comment) text += `: ping${nl}`;
            if (e.type !== undefined && !e.typeAfter) text += `event: ${e.type}${nl}`;
            for (const l of e.lines) text += `data: ${l}${nl}`;
            if (e.type !== undefined && e.typeAfter) text += `event: ${e.type}${nl}`;
            text += nl;
          }
          const expected = events.map(([e]) => ({ data: e.lines.join("\n"), event: e.type ?? "message" }));
          const chunks = splitAt(Buffer.from(text), cuts);
          assert.deepEqual(parseAll(chunks), expected);
          // With a raw sink: the same events in the same order, and only one-line untyped ones taken raw.
          const raw = parseAllRaw(chunks);
          assert.deepEqual(
            raw.map(({ data, event }) => ({ data, event })),
            expected,
          );
          // With a run sink as well: still the same events, and only one-line untyped ones taken whole.
          const run = parseAllRun(chunks);
          assert.deepEqual(
            run.map(({ data, event }) => ({ data, event })),
            expected,
          );
          run.forEach((got, i) => {
            const [e] = events[i]!;
            if (got.via === "run") assert.ok(e.lines.length === 1 && e.type === undefined);
          });
          raw.forEach((got, i) => {
            const [e] = events[i]!;
            if (got.raw) assert.ok(e.lines.length === 1 && e.type === undefined);
            else if (e.lines.length === 1 && e.type === undefined) {
              // Declined (odd length), or its blank line came in a later chunk than its data line.
              assert.ok(Buffer.byteLength(got.data) % 2 !== 0 || cuts.length > 0);
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});
