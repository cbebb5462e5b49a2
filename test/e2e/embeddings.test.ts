import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Embeddings as a customer uses them: the official OpenAI SDK (which asks for base64 and decodes it)
 * against a real agent whose configuration marks the generated tiny model for embeddings, priced by
 * the CLI with an embedding price of its own.
 */

let dataDir: string;
let agent: AgentProcess;
let client: OpenAI;
const MODEL = "tiny-embed";

before(async () => {
  dataDir = tempDir("embeddings");
  const path = join(dataDir, "tiny.gguf");
  cli(dataDir, "model", "make-tiny", "--out", path, "--seed", "3");
  cli(dataDir, "db", "migrate");
  cli(dataDir, "prices", "set", "--model", MODEL, "--input", "1", "--output", "2", "--embedding", "0.05");
  agent = await startAgent(dataDir, [], {
    models: [
      {
        id: MODEL,
        runtime: "embedded",
        path,
        parallel: 1,
        threads: 1,
        gpuLayers: 0,
        contextSize: 256,
        embeddings: { matryoshka: true },
      },
    ],
  });
  const { token } = createAccountWithKey(dataDir);
  client = new OpenAI({ baseURL: agent.baseURL, apiKey: token, maxRetries: 0 });
});

after(async () => {
  await agent?.stop();
  removeDir(dataDir);
});

test("the SDK's embeddings (base64 on the wire) equal the float answer, with exact usage", async () => {
  const input = ["Lisbon by the sea", "a tram up the hill"];
  const viaSdk = await client.embeddings.create({ model: MODEL, input });
  const floats = await client.embeddings.create({ model: MODEL, input, encoding_format: "float" });
  assert.equal(viaSdk.object, "list");
  assert.equal(viaSdk.model, MODEL);
  assert.deepEqual(
    viaSdk.data.map((d) => d.index),
    [0, 1],
  );
  for (const i of [0, 1]) {
    const a = viaSdk.data[i]!.embedding;
    const b = floats.data[i]!.embedding;
    assert.equal(a.length, b.length);
    assert.ok(
      a.every((v, j) => Math.abs(v - b[j]!) < 1e-6),
      "float32 on the wire, the same vector",
    );
    const norm = Math.sqrt(b.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-6, "unit length");
  }
  assert.ok(viaSdk.usage.prompt_tokens > 0);
  assert.equal(viaSdk.usage.total_tokens, viaSdk.usage.prompt_tokens);
  assert.deepEqual(viaSdk.usage, floats.usage);
  const short = await client.embeddings.create({ model: MODEL, input: input[0]!, dimensions: 8 });
  assert.equal(short.data[0]!.embedding.length, 8);
});

test("bad input is a 400 the SDK reports with its param", async () => {
  await assert.rejects(client.embeddings.create({ model: MODEL, input: "" }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal((error.error as { param?: string }).param, "input");
    return true;
  });
});

test("the model list says the model embeds and what an embedding token costs", async () => {
  const model = (await client.models.retrieve(MODEL)) as unknown as {
    capabilities: { embeddings: boolean; chat: boolean };
    context_length: number;
    pricing: { embedding: string; input: string } | null;
  };
  assert.equal(model.capabilities.embeddings, true);
  assert.equal(model.capabilities.chat, true, "the same GGUF still generates");
  assert.equal(model.context_length, 256);
  assert.equal(model.pricing?.embedding, "0.050000");
  assert.equal(model.pricing?.input, "1.000000");
});
