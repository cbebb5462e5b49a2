import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type ChatWrapper, getLlama, type LlamaModel, resolveChatWrapper } from "node-llama-cpp";
import { createPromptBuilder } from "./prompt.js";
import { writeTinyModel } from "./tiny-model.js";
import type { GenerationRequest } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "entrim-prompt-"));
let model: LlamaModel;

before(async () => {
  const { path } = await writeTinyModel({ out: join(dir, "tiny.gguf"), seed: 1 });
  const llama = await getLlama({ gpu: false, build: "never" });
  model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
});
after(async () => {
  await model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The model's chat format, counting how often a chat is rendered through it. */
function countingWrapper(): { wrapper: ChatWrapper; renders: () => number } {
  const wrapper = resolveChatWrapper(model);
  const render = wrapper.generateContextState.bind(wrapper);
  let count = 0;
  wrapper.generateContextState = (options) => {
    count++;
    return render(options);
  };
  return { wrapper, renders: () => count };
}

const signal = new AbortController().signal;

test("a request counted and then generated is rendered and tokenized once", () => {
  const { wrapper, renders } = countingWrapper();
  const builder = createPromptBuilder(model, wrapper);
  const atStart = renders();
  const request: GenerationRequest = {
    kind: "chat",
    messages: [
      { role: "system", content: "You are brief." },
      { role: "user", content: "Hello!" },
    ],
    maxTokens: 8,
    signal,
  };
  const counted = builder.tokens(request);
  // Settling max_tokens changes the request, not its prompt.
  request.maxTokens = 4;
  const generated = builder.tokens(request);
  assert.equal(generated, counted);
  assert.equal(renders() - atStart, 1);

  // Another request with the same messages is its own: rendered again, to the same tokens.
  const again = builder.tokens({ ...request, messages: request.messages.map((m) => ({ ...m })) });
  assert.deepEqual(again, counted);
  assert.equal(renders() - atStart, 2);
  // And the tokens are the chat template's, as rendered without the builder.
  const { contextText } = resolveChatWrapper(model).generateContextState({
    chatHistory: [
      { type: "system", text: "You are brief." },
      { type: "user", text: "Hello!" },
      { type: "model", response: [] },
    ],
  });
  assert.deepEqual(counted, contextText.tokenize(model.tokenizer));
});

test("a completion prompt is tokenized once per request, as plain text", () => {
  const builder = createPromptBuilder(model, resolveChatWrapper(model));
  const request: GenerationRequest = {
    kind: "completion",
    prompt: "Once upon <|im_end|>",
    maxTokens: 8,
    signal,
  };
  const first = builder.tokens(request);
  assert.equal(builder.tokens(request), first);
  const plain = model.tokenize("Once upon <|im_end|>", false);
  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  assert.deepEqual(first, bos === null ? plain : [bos, ...plain]);
});
