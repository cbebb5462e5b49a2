import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getLlama, type LlamaModel, type Token } from "node-llama-cpp";
import { Detokenizer } from "./detokenizer.js";
import { writeTinyModel } from "./tiny-model.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-detokenizer-"));
/** The tiny model's tokenizer as `npm start` serves it, and with SentencePiece's space prefix. */
const models: { name: string; model: LlamaModel }[] = [];

before(async () => {
  const llama = await getLlama({ gpu: false, build: "never" });
  for (const addSpacePrefix of [false, true]) {
    const name = addSpacePrefix ? "space prefix" : "no space prefix";
    const file = await writeTinyModel({ out: join(dir, `${name}.gguf`), seed: 1, addSpacePrefix });
    models.push({
      name,
      model: await llama.loadModel({ modelPath: file.path, gpuLayers: 0, vocabOnly: true }),
    });
  }
});
after(async () => {
  for (const { model } of models) await model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The texts decode() emits for `tokens`, with `textOf` as its detokenizer: tokens wait while their text
 * ends in an incomplete character (at most 4), then are accepted as context for the next.
 */
function emitted(
  tokens: readonly Token[],
  textOf: (partial: Token[], accepted: Token[]) => string,
  accept: (partial: Token[]) => void = () => {},
): string[] {
  const out: string[] = [];
  const accepted: Token[] = [];
  const partial: Token[] = [];
  for (const token of tokens) {
    partial.push(token);
    const text = textOf(partial, accepted);
    if (!text.endsWith("\uFFFD") || partial.length >= 4) {
      out.push(text);
      accept(partial);
      accepted.push(...partial);
      partial.length = 0;
    }
  }
  return out;
}

/** A small deterministic generator, so a failure names a sequence that can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test("gives node-llama-cpp's text for every token, words, single bytes and specials mixed", () => {
  for (const { name, model } of models) compareWithNodeLlamaCpp(name, model);
});

function compareWithNodeLlamaCpp(name: string, model: LlamaModel): void {
  const vocabulary = [...model.iterateAllTokens()];
  const eog = new Set(vocabulary.filter((t) => model.isEogToken(t)));
  const usable = vocabulary.filter((t) => !eog.has(t));
  // Byte-fallback tokens (<0xE2> and the like) make characters of several tokens, valid or not.
  const bytes = usable.filter((t) => model.getTokenAttributes(t).byte);
  const words = model.tokenize(
    "Hello world, the people of the cluster want to know what time it is. €😀 ünïcödé",
  );
  assert.ok(bytes.length >= 256, `${bytes.length} byte tokens`);
  let compared = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const next = random(seed);
    const tokens: Token[] = [];
    const length = 1 + Math.floor(next() * 60);
    for (let i = 0; i < length; i++) {
      const pick = next();
      const pool = pick < 0.4 ? words : pick < 0.6 ? bytes : usable;
      tokens.push(pool[Math.floor(next() * pool.length)]!);
    }
    const reference = emitted(tokens, (partial, accepted) => model.detokenize(partial, false, accepted));
    const detokenizer = new Detokenizer(model);
    const ours = emitted(
      tokens,
      (partial) => detokenizer.text(partial),
      (partial) => detokenizer.accept(partial),
    );
    assert.deepEqual(ours, reference, `${name}, seed ${seed}: ${tokens.join(",")}`);
    compared += tokens.length;
  }
  assert.ok(compared > 5000, `${compared} tokens compared`);
}

test("the text of a long generation, token by token, adds up to the text of all its tokens", () => {
  for (const { name, model } of models) {
    const text = "The cluster agent answers every request. ".repeat(20);
    const tokens = model.tokenize(text);
    assert.ok(tokens.length > 40, "longer than the context kept, so the anchor moves several times");
    const detokenizer = new Detokenizer(model);
    const parts = emitted(
      tokens,
      (partial) => detokenizer.text(partial),
      (partial) => detokenizer.accept(partial),
    );
    assert.equal(parts.join(""), model.detokenize(tokens), name);
    assert.equal(parts.join(""), text, name);
  }
});

test("calls llama.cpp about once per token, not twice", () => {
  const { model } = models[1]!;
  let calls = 0;
  const counting = {
    detokenize: (tokens: readonly Token[], special?: boolean) => {
      calls++;
      return model.detokenize(tokens, special);
    },
  };
  const tokens = model.tokenize("the people of the cluster want to know what time it is ".repeat(4));
  const detokenizer = new Detokenizer(counting);
  emitted(
    tokens,
    (partial) => detokenizer.text(partial),
    (partial) => detokenizer.accept(partial),
  );
  // One per token, and one more each time the context starts again from the last few tokens.
  assert.ok(calls <= tokens.length * 1.25, `${calls} calls for ${tokens.length} tokens`);
});
