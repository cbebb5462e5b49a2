import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { FrameBuffer } from "./frame-buffer.js";
import { ChoiceStream } from "./shapes.js";

describe("FrameBuffer", () => {
  it("hands over exactly the frames appended, strings encoded and literals spliced, in order", () => {
    const piece = fc.oneof(
      fc.string({ unit: "binary", maxLength: 300 }).map((text) => ({ text })),
      fc.record({
        prefix: fc.string({ maxLength: 40 }),
        literal: fc.string({ unit: "binary", maxLength: 200 }),
        junk: fc.nat({ max: 100_000 }),
        suffix: fc.string({ maxLength: 40 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 30 }), { maxLength: 4 }), (ticks) => {
        const frames = new FrameBuffer();
        for (const tick of ticks) {
          let expected = "";
          for (const p of tick) {
            if ("text" in p) {
              frames.text(p.text);
              expected += p.text;
            } else {
              // The literal sits inside a larger read, with bytes after it that are not to be copied.
              const literal = Buffer.from(p.literal);
              const read = Buffer.concat([Buffer.from("xx"), literal, Buffer.alloc(p.junk, 0x7a)]);
              frames.splice(Buffer.from(p.prefix), read, 2, 2 + literal.length, Buffer.from(p.suffix));
              expected += p.prefix + p.literal + p.suffix;
            }
          }
          assert.equal(frames.length, Buffer.byteLength(expected));
          assert.equal(frames.take().toString(), expected);
          assert.equal(frames.length, 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("does not change bytes already handed over", () => {
    const frames = new FrameBuffer();
    frames.text("first");
    const first = frames.take();
    frames.text("second, longer than the first");
    assert.equal(first.toString(), "first");
    assert.equal(frames.take().toString(), "second, longer than the first");
  });
});

describe("ChoiceStream's plain frame", () => {
  it("is byte for byte the frame delta() writes for the same literal", () => {
    const meta = { id: "chatcmpl-x", created: 1_700_000_000, model: 'model "ü"' };
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.string({ unit: "binary", minLength: 1, maxLength: 20 }),
        (chat, usage, text) => {
          const stream = new ChoiceStream(chat, meta, 1, usage);
          const { prefix, suffix } = stream.plainFrame();
          const literal = JSON.stringify(text);
          const spliced = Buffer.concat([prefix, Buffer.from(literal), suffix]).toString();
          assert.equal(spliced, new ChoiceStream(chat, meta, 1, usage).delta(text, 0, undefined, literal));
          assert.equal(spliced, new ChoiceStream(chat, meta, 1, usage).delta(text, 0, undefined));
        },
      ),
      { numRuns: 200 },
    );
  });
});
