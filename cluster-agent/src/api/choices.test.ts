import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createLogger } from "../common/log.js";
import { EmbeddedRuntime } from "../runtime/embedded.js";
import { writeTinyModel } from "../runtime/tiny-model.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { ModelRegistry } from "../serving/models.js";
import { createApiServer } from "./server.js";

interface Choice {
  index: number;
  finish_reason: string;
  message?: { content: string };
  text?: string;
}

describe("n choices and endpoint terms on the embedded runtime", () => {
  const dir = mkdtempSync(join(tmpdir(), "entrim-choices-"));
  let runtime: EmbeddedRuntime;
  let scheduler: Scheduler;
  let app: ReturnType<typeof createApiServer>;

  before(async () => {
    const { path } = await writeTinyModel({ out: join(dir, "tiny.gguf"), seed: 1 });
    runtime = new EmbeddedRuntime({
      modelPath: path,
      modelId: "tiny",
      parallel: 2,
      threads: 1,
      gpuLayers: 0,
    });
    scheduler = new Scheduler({ name: "tiny", slots: 2, queueLimit: 8, queueTimeoutMs: 60_000 });
    const models = new ModelRegistry();
    models.add({ runtime, scheduler });
    await models.loadAll();
    app = createApiServer({
      models,
      authenticator: { authenticate: () => ({ ok: true, keyId: "abcdefghijkl", accountId: "acct_n" }) },
      logger: createLogger({ level: "silent" }),
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 30_000,
      gates: [],
    });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await runtime?.unload();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (url: string, payload: Record<string, unknown>) =>
    app.inject({
      method: "POST",
      url,
      headers: { authorization: "Bearer any", "content-type": "application/json" },
      payload,
    });

  test("n=2 answers two choices; usage bills the prompt once and both completions", async () => {
    const single = await post("/v1/chat/completions", {
      model: "tiny",
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 4,
      seed: 7,
      temperature: 1,
    });
    const answer = await post("/v1/chat/completions", {
      model: "tiny",
      messages: [{ role: "user", content: "hello" }],
      max_tokens: 4,
      seed: 7,
      temperature: 1,
      n: 2,
    });
    assert.equal(answer.statusCode, 200);
    const body = answer.json() as {
      choices: Choice[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const one = single.json() as typeof body;
    assert.deepEqual(
      body.choices.map((c) => c.index),
      [0, 1],
    );
    assert.equal(body.usage.prompt_tokens, one.usage.prompt_tokens, "the prompt is billed once");
    // Choice 0 keeps the request's seed: the same text as the same request with n = 1.
    assert.equal(body.choices[0]!.message!.content, one.choices[0]!.message!.content);
    const lengths = body.choices.filter((c) => c.finish_reason === "length").length;
    assert.ok(body.usage.completion_tokens >= 2 && body.usage.completion_tokens <= 8);
    if (lengths === 2) assert.equal(body.usage.completion_tokens, 8);
    assert.equal(scheduler.stats().active, 0, "both slots were released");
  });

  test("streamed n=2 completions carry each choice's index and finish", async () => {
    const answer = await post("/v1/completions", {
      model: "tiny",
      prompt: "once upon",
      max_tokens: 3,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(answer.statusCode, 200);
    const events = answer.body
      .split("\n\n")
      .filter((e) => e.startsWith("data: ") && e !== "data: [DONE]")
      .map(
        (e) => JSON.parse(e.slice(6)) as { choices: Choice[]; usage: { completion_tokens: number } | null },
      );
    const finishes = events.flatMap((e) => e.choices.filter((c) => c.finish_reason !== null));
    assert.deepEqual(finishes.map((c) => c.index).sort(), [0, 1]);
    const indices = new Set(events.flatMap((e) => e.choices.map((c) => c.index)));
    assert.deepEqual([...indices].sort(), [0, 1]);
    const usage = events.at(-1)!.usage!;
    assert.ok(usage.completion_tokens >= 2 && usage.completion_tokens <= 6);
  });

  test("more choices than the model has slots is a 400 naming n", async () => {
    const answer = await post("/v1/chat/completions", {
      model: "tiny",
      messages: [{ role: "user", content: "hello" }],
      n: 3,
    });
    assert.equal(answer.statusCode, 400);
    const { error } = answer.json() as { error: { param: string; message: string } };
    assert.equal(error.param, "n");
    assert.match(error.message, /at most 2 choices/);
  });

  test("an error the pipeline raises names the parameter as each endpoint spells it", async () => {
    const long = "word ".repeat(3000);
    const cases = [
      ["/v1/chat/completions", { model: "tiny", messages: [{ role: "user", content: long }] }, "messages"],
      ["/v1/completions", { model: "tiny", prompt: long }, "prompt"],
      ["/v1/responses", { model: "tiny", input: long }, "input"],
    ] as const;
    for (const [url, payload, param] of cases) {
      const answer = await post(url, payload);
      assert.equal(answer.statusCode, 400, url);
      const { error } = answer.json() as { error: { param: string; code: string } };
      assert.deepEqual([error.code, error.param], ["context_length_exceeded", param], url);
    }
  });
});
