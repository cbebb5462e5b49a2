import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { getLlama } from "node-llama-cpp";
import { encodeTinyModel, writeTinyModel } from "./tiny-model.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-tiny-model-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the same seed writes a byte-identical file and another seed other weights", async () => {
  const a = await writeTinyModel({ out: join(dir, "a.gguf"), seed: 7 });
  const b = await writeTinyModel({ out: join(dir, "b.gguf"), seed: 7 });
  const c = await writeTinyModel({ out: join(dir, "c.gguf"), seed: 8 });
  assert.equal(a.sha256, b.sha256);
  assert.deepEqual(readFileSync(a.path), readFileSync(b.path));
  assert.notEqual(a.sha256, c.sha256);
  assert.equal(a.bytes, c.bytes, "only weights and the name differ, not the layout");
  assert.ok(a.bytes < 1024 * 1024, `tiny model is ${a.bytes} bytes`);
  assert.equal(readFileSync(a.path).subarray(0, 4).toString("latin1"), "GGUF");
});

test("rejects seeds that cannot seed the generator", () => {
  assert.throws(() => encodeTinyModel(-1), RangeError);
  assert.throws(() => encodeTinyModel(1.5), RangeError);
});

test("node-llama-cpp loads it with a llama tokenizer, ChatML and byte fallback", async () => {
  const file = await writeTinyModel({ out: join(dir, "load.gguf"), seed: 1 });
  const llama = await getLlama({ gpu: false, build: "never" });
  const model = await llama.loadModel({ modelPath: file.path, gpuLayers: 0 });
  try {
    assert.equal(model.trainContextSize, 2048);
    assert.equal(model.fileInfo.metadata.general.architecture, "llama");

    const english = "Hello world, the people of the cluster want to know what time it is.";
    const tokens = model.tokenize(english);
    assert.ok(tokens.length < Buffer.byteLength(english) / 2, `${tokens.length} tokens for English text`);
    assert.equal(model.detokenize(tokens), english, "add_space_prefix is off: exact round trip");

    const unicode = "Grüße ✓ 日本";
    assert.equal(model.detokenize(model.tokenize(unicode)), unicode, "byte fallback covers any UTF-8");

    const [imEnd] = model.tokenize("<|im_end|>", true);
    assert.equal(model.tokenize("<|im_end|>", true).length, 1);
    assert.ok(model.isEogToken(imEnd), "<|im_end|> ends a ChatML turn");
    assert.equal(model.fileInfo.metadata.tokenizer.chat_template?.includes("<|im_start|>"), true);
  } finally {
    await model.dispose();
  }
});
