import assert from "node:assert/strict";
import { isUtf8 } from "node:buffer";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, test } from "node:test";
import fc from "fast-check";
import { ApiError } from "../common/errors.js";
import { ExternalRuntime } from "./external.js";
import { PlainDeltas, plainDelta, shortUtf8 } from "./external-call.js";
import type { ChatGenerationRequest, DeltaDetail, DeltaSink } from "./types.js";

const chatChunk = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    usage: null,
    ...extra,
  });

test("the quick read of a token event gives exactly what a full parse gives", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 40 }), (content) => {
      const data = chatChunk(content);
      const full = (JSON.parse(data) as { choices: { delta: { content: string } }[] }).choices[0]!.delta
        .content;
      const quick = plainDelta(data, true);
      assert.ok(
        quick === undefined || quick === full,
        `quick read ${JSON.stringify(quick)} != ${JSON.stringify(full)}`,
      );
      assert.equal(quick, full);
    }),
    { numRuns: 2000 },
  );
  const completion = JSON.stringify({
    choices: [{ text: 'a "quoted" \\ word', index: 0, finish_reason: null }],
  });
  assert.equal(plainDelta(completion, false), 'a "quoted" \\ word');
});

test("events that carry more than one token's text take the full parse", () => {
  assert.equal(
    plainDelta(chatChunk("x").replace('"finish_reason":null', '"finish_reason":"stop"'), true),
    undefined,
  );
  assert.equal(plainDelta(chatChunk("x", { usage: { prompt_tokens: 1 } }), true), undefined);
  assert.equal(plainDelta(JSON.stringify({ error: { message: "boom" }, choices: [] }), true), undefined);
  const twoChoices = JSON.stringify({
    choices: [
      { index: 0, delta: { content: "a" }, finish_reason: null },
      { index: 1, delta: { content: "b" }, finish_reason: null },
    ],
  });
  assert.equal(plainDelta(twoChoices, true), undefined);
  assert.equal(plainDelta(chatChunk('"content":"sneaky'), true), '"content":"sneaky');
});

test("a stream's quick reader remembers a checked frame and still refuses what differs from it", () => {
  const fullText = (data: string) =>
    (JSON.parse(data) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content;
  fc.assert(
    fc.property(fc.array(fc.string({ unit: "binary", maxLength: 12 }), { maxLength: 20 }), (pieces) => {
      const reader = new PlainDeltas(true);
      for (const piece of pieces) {
        const data = chatChunk(piece);
        assert.ok(reader.read(data));
        assert.equal(reader.text, piece);
        // The literal, where given, is one a JSON parser reads back as the same text.
        if (reader.json !== undefined) assert.equal(JSON.parse(reader.json), piece);
      }
    }),
    { numRuns: 300 },
  );
  const reader = new PlainDeltas(true);
  assert.ok(reader.read(chatChunk("a")));
  // Same head as the remembered frame, different tail: the checks run again, and refuse.
  assert.equal(reader.read(chatChunk("b").replace('"finish_reason":null', '"finish_reason":"stop"')), false);
  assert.equal(reader.read(chatChunk("b", { usage: { prompt_tokens: 1 } })), false);
  const second = JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [
      { index: 0, delta: { content: "c" }, logprobs: null, finish_reason: null },
      { index: 1, delta: { content: "d" }, logprobs: null, finish_reason: null },
    ],
    usage: null,
  });
  assert.equal(reader.read(second), false);
  // A different head (an error before the text) is checked, not assumed; so is an error after it.
  assert.equal(reader.read(`{"error":{"message":"boom"},${chatChunk("e").slice(1)}`), false);
  assert.equal(reader.read(chatChunk("e", { error: { message: "boom" } })), false);
  assert.ok(reader.read(chatChunk("f")));
  assert.equal(reader.text, "f");
  // Escapes stay as the engine wrote them; raw control characters (lenient engines) are not relayed as
  // written, since a client's JSON parser would refuse them.
  assert.ok(reader.read(chatChunk('say "hi"\n')));
  assert.equal(reader.text, 'say "hi"\n');
  assert.equal(reader.json, JSON.stringify('say "hi"\n'));
  const raw = chatChunk("tab").replace('"content":"tab"', '"content":"t\tb"');
  assert.ok(reader.read(raw));
  assert.equal(reader.text, "t\tb");
  assert.equal(reader.json, undefined);
  assert.equal(fullText(chatChunk("g")), "g");
});

/** A text literal's bytes as an engine might write them, valid or not. */
const literalBytes = fc.oneof(
  // What a JSON encoder writes for any text (escapes, non-ASCII, astral characters).
  fc.string({ unit: "binary", maxLength: 12 }).map((t) => Buffer.from(JSON.stringify(t).slice(1, -1))),
  // Arbitrary bytes with the quote escaped: invalid UTF-8, raw controls, bad escapes, a lone backslash.
  fc.uint8Array({ maxLength: 12 }).map((bytes) => {
    const out: number[] = [];
    for (const b of bytes) {
      if (b === 0x22) out.push(0x5c);
      out.push(b);
    }
    return Buffer.from(out);
  }),
  fc
    .constantFrom("\\q", "\\u12G4", "\\u00e9", "a\\", "\\ud83d\\ude00", "\xff", "\xe2\x82", "\xed\xa0\x80")
    .map((t) => Buffer.from(t, "latin1")),
);

test("the byte reader takes only literals it can relay as they are, and reads them as the string reader does", () => {
  const head = Buffer.from(chatChunk("")).subarray(0, chatChunk("").indexOf('"content":"'));
  const tail = Buffer.from(
    chatChunk("").slice(chatChunk("").indexOf('"content":"') + '"content":""'.length - 1),
  );
  const event = (literal: Buffer) =>
    Buffer.concat([Buffer.from("junk"), head, Buffer.from('"content":"'), literal, tail]);
  fc.assert(
    fc.property(fc.array(literalBytes, { maxLength: 12 }), (literals) => {
      const reader = new PlainDeltas(true);
      // Before any event has passed the string reader, nothing is taken as bytes.
      const first = event(Buffer.from("x"));
      assert.equal(reader.readBytes(first, 4, first.length), false);
      assert.ok(reader.read(first.toString("utf8", 4)));
      for (const literal of literals) {
        const buf = event(literal);
        const taken = reader.readBytes(buf, 4, buf.length);
        let parsed: string | undefined;
        try {
          parsed = JSON.parse(`"${literal.toString("utf8")}"`) as string;
        } catch {
          parsed = undefined;
        }
        if (!taken) {
          // Declined: invalid JSON, invalid UTF-8 or a raw control character, and nothing else.
          const raw = literal.some((b) => b < 0x20);
          assert.ok(parsed === undefined || !isUtf8(literal) || raw, `declined ${literal.toString("hex")}`);
          continue;
        }
        const found = buf.subarray(reader.open, reader.close + 1);
        assert.deepEqual(found.subarray(1, -1), literal);
        assert.ok(isUtf8(found));
        assert.ok(parsed !== undefined, `took invalid JSON ${literal.toString("hex")}`);
        assert.equal(reader.escaped, literal.includes(0x5c));
        // The string reader, on the decoded event, finds the same text.
        assert.ok(reader.read(buf.toString("utf8", 4)));
        assert.equal(reader.text, parsed);
      }
    }),
    { numRuns: 1000 },
  );
  // A different head or tail is declined, as the string reader would refuse or recheck it.
  const reader = new PlainDeltas(true);
  assert.ok(reader.read(chatChunk("a")));
  const ok = Buffer.from(chatChunk("b"));
  assert.ok(reader.readBytes(ok, 0, ok.length));
  const finished = Buffer.from(chatChunk("b").replace('"finish_reason":null', '"finish_reason":"stop"'));
  assert.equal(reader.readBytes(finished, 0, finished.length), false);
  const usage = Buffer.from(chatChunk("b", { usage: { prompt_tokens: 1 } }));
  assert.equal(reader.readBytes(usage, 0, usage.length), false);
  const errorHead = Buffer.from(`{"error":{"message":"boom"},${chatChunk("e").slice(1)}`);
  assert.equal(reader.readBytes(errorHead, 0, errorHead.length), false);
  // The event's bounds are respected: a tail beyond `end` is not read.
  assert.equal(reader.readBytes(ok, 0, ok.length - 1), false);
});

test("shortUtf8 decides as node:buffer's isUtf8 does", () => {
  const edges = ["\xc0\x80", "\xc2\x80", "\xe0\x9f\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xed\xa0\x80"]
    .concat(["\xef\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80"])
    .concat(["\xf5\x80\x80\x80", "\xe2\x82", "\x80", "a\xc3", "\xc3\xa9\xe4\xb8\x96"])
    .map((s) => Buffer.from(s, "latin1"));
  for (const bytes of edges)
    assert.equal(shortUtf8(bytes, 0, bytes.length), isUtf8(bytes), bytes.toString("hex"));
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 16 }),
    fc.string({ unit: "grapheme", maxLength: 8 }).map((t) => new Uint8Array(Buffer.from(t))),
    // Valid text with one byte changed: the near misses a validator gets wrong.
    fc
      .tuple(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
      )
      .map(([t, at, b]) => {
        const out = Buffer.from(t);
        out[at % out.length] = b;
        return new Uint8Array(out);
      }),
  );
  fc.assert(
    fc.property(bytes, fc.nat(4), (raw, pad) => {
      // Read in the middle of a larger buffer, as the relay does: nothing outside the bounds counts.
      const buf = Buffer.concat([Buffer.alloc(pad, 0xff), raw, Buffer.alloc(pad, 0xc3)]);
      assert.equal(shortUtf8(buf, pad, pad + raw.length), isUtf8(raw));
    }),
    { numRuns: 3000 },
  );
});

test("the byte reader finds an event's end in a run of events, as it reads one whose end is known", () => {
  const reader = new PlainDeltas(true);
  assert.ok(reader.read(chatChunk("a")));
  const events = ["b", "wörld", 'say "hi"', "🙂"].map((t) => Buffer.from(`data: ${chatChunk(t)}\n\n`));
  const run = Buffer.concat(events);
  let at = 0;
  for (const event of events) {
    const start = at + "data: ".length;
    const end = at + event.length - 2;
    assert.equal(reader.matchBytes(run, start, run.length), end);
    assert.equal(reader.readBytes(run, start, end), true);
    assert.equal(reader.matchBytes(run, start, end - 1), -1, "reads no further than its limit");
    at += event.length;
  }
  // Heads of every length modulo four (the compare's last word overlaps the one before); a head that
  // differs in one byte, and a tail that differs in its last byte only, are not matched.
  for (const id of ["c-1", "c-12", "c-123", "c-1234"]) {
    const withId = (text: string) => chatChunk(text).replace('"chatcmpl-1"', `"${id}"`);
    const own = new PlainDeltas(true);
    assert.ok(own.read(withId("a")));
    const event = Buffer.from(`data: ${withId("b")}\n\n`);
    assert.equal(own.matchBytes(event, 6, event.length), event.length - 2);
    const other = Buffer.from(`data: ${withId("b").replace(`"${id}"`, `"${id.slice(0, -1)}9"`)}\n\n`);
    assert.equal(own.matchBytes(other, 6, other.length), -1);
    const lastByte = Buffer.from(`data: ${withId("b").slice(0, -1)}]\n\n`);
    assert.equal(own.matchBytes(lastByte, 6, lastByte.length), -1);
  }
  // A literal that runs into a line break is no event's: its end is not claimed.
  const broken = Buffer.from(`data: ${chatChunk("x").replace('"x"', '"x\n')}\n\n`);
  assert.equal(reader.matchBytes(broken, "data: ".length, broken.length), -1);
  // A frame learnt from data of two lines (joined by LF) is never matched in bytes: no one line holds it.
  const split = new PlainDeltas(true);
  const twoLines = chatChunk("a").replace('"object"', '\n"object"');
  assert.ok(split.read(twoLines));
  const same = Buffer.from(twoLines);
  assert.equal(split.matchBytes(same, 0, same.length), -1);
  assert.equal(split.readBytes(same, 0, same.length), false);
});

test("a stream relayed as bytes gives the same text, in the same order, as one relayed as strings", async () => {
  const pieces: (string | Buffer)[] = [
    "Hello",
    " wörld 🙂",
    'say "hi"\n',
    Buffer.from("bad \xff byte", "latin1"),
    "",
    "t\tb (a raw tab from a lenient engine)",
    "\u2028 and \\",
    "end",
  ];
  const frame = (piece: string | Buffer) => {
    const literal =
      typeof piece === "string"
        ? piece.includes("\t")
          ? `"${piece}"` // written raw, as a lenient engine would
          : JSON.stringify(piece)
        : Buffer.concat([Buffer.from('"'), piece, Buffer.from('"')]);
    const [before, after] = chatChunk("\u0000SPLIT").split('"\\u0000SPLIT"');
    return Buffer.concat([Buffer.from(`data: ${before}`), Buffer.from(literal), Buffer.from(`${after}\n\n`)]);
  };
  const body = Buffer.concat([
    Buffer.from(
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })}\n\n`,
    ),
    ...pieces.map(frame),
    Buffer.from(sse({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })),
  ]);
  const engine = await scriptedEngine(() => body);
  try {
    const request = (): ChatGenerationRequest => ({
      kind: "chat",
      messages: [{ role: "user", content: "hi" }],
      maxTokens: 16,
      signal: new AbortController().signal,
    });
    const viaStrings: string[] = [];
    const plain = await engine.rt.generate(request(), (text) => {
      if (text !== "") viaStrings.push(text);
    });
    const viaBytes: string[] = [];
    let rawCalls = 0;
    const sink: DeltaSink = (text) => {
      if (text !== "") viaBytes.push(text);
    };
    sink.raw = (bytes, start, end) => {
      rawCalls++;
      const literal = bytes.subarray(start, end);
      assert.ok(isUtf8(literal));
      viaBytes.push(JSON.parse(literal.toString("utf8")) as string);
    };
    const spliced = await engine.rt.generate(request(), sink);
    assert.deepEqual(viaBytes, viaStrings);
    assert.equal(spliced.text, plain.text);
    assert.equal(spliced.text, viaStrings.join(""));
    assert.ok(plain.text.includes("bad \ufffd byte") && plain.text.includes("t\tb"));
    // The first plain event teaches the reader; the ASCII, non-ASCII and escaped ones after it go as bytes.
    assert.ok(rawCalls >= 3, `only ${rawCalls} tokens went as bytes`);
    assert.deepEqual(spliced.usage, plain.usage);
  } finally {
    await engine.close();
  }
});

/**
 * An engine whose answers the test writes byte for byte: how vLLM, SGLang or llama-server variants
 * (and broken builds of them) shape tool calls, which the stand-in's own answers do not cover.
 */
async function scriptedEngine(answer: (stream: boolean) => string | Buffer) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const stream = (JSON.parse(Buffer.concat(chunks).toString()) as { stream?: boolean }).stream === true;
      res.writeHead(200, { "content-type": stream ? "text/event-stream" : "application/json" });
      res.end(answer(stream));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const rt = new ExternalRuntime({
    modelId: "m",
    upstreamUrl: `http://127.0.0.1:${port}/v1`,
    contextLength: 4096,
  });
  return {
    rt,
    async close() {
      await rt.unload();
      server.closeAllConnections();
      server.close();
    },
  };
}

const USAGE = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
const SECRET_NAME = "transfer_funds_secret";
const SECRET_ARGS = '{"iban": "DE00-secret"}';

function sse(...events: unknown[]): string {
  return `${[...events, { choices: [], usage: USAGE }].map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`;
}

function toolDelta(toolCalls: unknown[], finish: string | null = null) {
  return { choices: [{ index: 0, delta: { tool_calls: toolCalls }, finish_reason: finish }] };
}

const toolRequest = (): ChatGenerationRequest => ({
  kind: "chat",
  messages: [{ role: "user", content: "hi" }],
  tools: [{ name: SECRET_NAME, parameters: {} }],
  maxTokens: 16,
  signal: new AbortController().signal,
});

describe("tool calls as different engines stream them", () => {
  it("accepts a whole call in one piece, later pieces without (or with another) id, and a missing id", async () => {
    const engine = await scriptedEngine(() =>
      sse(
        toolDelta([
          { index: 0, id: "call_1", type: "function", function: { name: "a", arguments: '{"x": 1}' } },
        ]),
        toolDelta([{ index: 1, type: "function", function: { name: "b", arguments: '{"y":' } }]),
        toolDelta([{ index: 1, function: { arguments: " 2}" } }]),
        toolDelta([{ index: 1, id: "call_redrawn", function: { name: "b", arguments: "" } }], "tool_calls"),
      ),
    );
    try {
      const details: DeltaDetail[] = [];
      const result = await engine.rt.generate(toolRequest(), (_t, _c, d) => {
        if (d !== undefined) details.push(d);
      });
      assert.equal(result.finishReason, "tool_calls");
      assert.deepEqual(result.toolCalls![0], { id: "call_1", name: "a", arguments: '{"x": 1}' });
      const second = result.toolCalls![1]!;
      assert.equal(second.name, "b");
      assert.equal(second.arguments, '{"y": 2}');
      assert.match(second.id, /^call_\w+$/);
      assert.deepEqual(
        details.map((d) => d.toolCall),
        [
          { index: 0, id: "call_1", name: "a", arguments: '{"x": 1}' },
          { index: 1, id: second.id, name: "b", arguments: '{"y":' },
          { index: 1, arguments: " 2}" },
        ],
      );
    } finally {
      await engine.close();
    }
  });

  const malformed: [string, (stream: boolean) => string][] = [
    [
      "arguments as an object",
      (stream) =>
        stream
          ? sse(
              toolDelta(
                [{ index: 0, id: "c", function: { name: SECRET_NAME, arguments: { iban: 1 } } }],
                "tool_calls",
              ),
            )
          : JSON.stringify({
              choices: [
                {
                  index: 0,
                  message: {
                    role: "assistant",
                    content: null,
                    tool_calls: [
                      { id: "c", type: "function", function: { name: SECRET_NAME, arguments: { iban: 1 } } },
                    ],
                  },
                  finish_reason: "tool_calls",
                },
              ],
              usage: USAGE,
            }),
    ],
    [
      "an id that is not a string",
      (stream) =>
        stream
          ? sse(
              toolDelta(
                [{ index: 0, id: 7, function: { name: SECRET_NAME, arguments: SECRET_ARGS } }],
                "tool_calls",
              ),
            )
          : JSON.stringify({
              choices: [
                {
                  index: 0,
                  message: {
                    content: null,
                    tool_calls: [{ id: 7, function: { name: SECRET_NAME, arguments: SECRET_ARGS } }],
                  },
                  finish_reason: "tool_calls",
                },
              ],
              usage: USAGE,
            }),
    ],
    [
      "a call that starts without a name, or a name far too long",
      (stream) =>
        stream
          ? sse(toolDelta([{ index: 0, id: "c", function: { arguments: SECRET_ARGS } }], "tool_calls"))
          : JSON.stringify({
              choices: [
                {
                  index: 0,
                  message: {
                    content: null,
                    tool_calls: [{ id: "c", function: { name: "n".repeat(1000), arguments: "{}" } }],
                  },
                  finish_reason: "tool_calls",
                },
              ],
              usage: USAGE,
            }),
    ],
    [
      "a choice index that was not asked for",
      (stream) =>
        stream
          ? sse({ choices: [{ index: 1, delta: { content: "x" }, finish_reason: "stop" }] })
          : JSON.stringify({
              choices: [{ index: 3, message: { content: "x" }, finish_reason: "stop" }],
              usage: USAGE,
            }),
    ],
  ];
  for (const [what, answer] of malformed) {
    it(`fails with an upstream error, naming no content, on ${what}`, async () => {
      const engine = await scriptedEngine(answer);
      try {
        for (const sink of [undefined, () => {}]) {
          const err = await engine.rt.generate(toolRequest(), sink).then(
            () => assert.fail("expected a rejection"),
            (e: unknown) => e,
          );
          assert.ok(err instanceof ApiError);
          assert.equal(err.status, 502);
          assert.equal(err.code, "upstream_error");
          for (const text of [err.message, String(err.cause)]) {
            assert.ok(!text.includes(SECRET_NAME) && !text.includes("secret"), text);
          }
        }
        assert.equal(engine.rt.stats().active, 0);
      } finally {
        await engine.close();
      }
    });
  }
});
