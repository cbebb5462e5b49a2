import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { RateLimiter } from "../admission/rate-limits.js";
import { createLogger } from "../common/log.js";
import { EmbeddedRuntime } from "../runtime/embedded.js";
import { writeTinyModel } from "../runtime/tiny-model.js";
import type { DeltaSink, GenerationRequest, Runtime } from "../runtime/types.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { ModelRegistry } from "../serving/models.js";
import type { LimitValues } from "../store/limits.js";
import { heldApiServer } from "../test-support/held-runtime.js";
import { createApiServer } from "./server.js";

/** The real embedded runtime, counting the prompts admission asks it to tokenize. */
class CountingRuntime implements Runtime {
  tokenized = 0;
  readonly kind = "embedded" as const;
  constructor(private readonly inner: EmbeddedRuntime) {}
  get model() {
    return this.inner.model;
  }
  get slots() {
    return this.inner.slots;
  }
  load() {
    return this.inner.load();
  }
  unload() {
    return this.inner.unload();
  }
  generate(request: GenerationRequest, onDelta?: DeltaSink) {
    return this.inner.generate(request, onDelta);
  }
  countPromptTokens(request: GenerationRequest) {
    this.tokenized++;
    return this.inner.countPromptTokens(request);
  }
  stats() {
    return this.inner.stats();
  }
  health() {
    return this.inner.health();
  }
}

describe("admission before tokenizing, on the embedded runtime", () => {
  const dir = mkdtempSync(join(tmpdir(), "entrim-admission-"));
  const TPM = 200;
  const none: LimitValues = { rpm: null, tpm: null, concurrency: null, spendCapEur: null };
  let runtime: CountingRuntime;
  let app: ReturnType<typeof createApiServer>;

  before(async () => {
    const { path } = await writeTinyModel({ out: join(dir, "tiny.gguf"), seed: 1 });
    runtime = new CountingRuntime(
      new EmbeddedRuntime({ modelPath: path, modelId: "tiny", parallel: 1, threads: 1, gpuLayers: 0 }),
    );
    const models = new ModelRegistry();
    models.add({
      runtime,
      scheduler: new Scheduler({ name: "tiny", slots: 1, queueLimit: 4, queueTimeoutMs: 60_000 }),
    });
    await models.loadAll();
    // The real limiter, with the limits the LimitsCache would hold for this account.
    const limiter = new RateLimiter({
      limits: {
        account: (id) => (id === "acct_small" ? { ...none, tpm: TPM } : undefined),
        key: () => undefined,
      },
    });
    app = createApiServer({
      models,
      authenticator: { authenticate: () => ({ ok: true, keyId: "abcdefghijkl", accountId: "acct_small" }) },
      logger: createLogger({ level: "silent" }),
      bodyLimitBytes: 1024 * 1024,
      requestTimeoutMs: 30_000,
      gates: [limiter],
    });
    await app.ready();
  });

  after(async () => {
    await app?.close();
    await runtime?.unload();
    rmSync(dir, { recursive: true, force: true });
  });

  const chat = (content: string, maxTokens: number) =>
    app.inject({
      method: "POST",
      url: "/v1/chat/completions",
      headers: { authorization: "Bearer any", "content-type": "application/json" },
      payload: {
        model: "tiny",
        messages: [{ role: "user", content }],
        max_tokens: maxTokens,
        temperature: 0,
      },
    });

  test("a request over the tokens/minute limit by its byte bound is refused without tokenizing it", async () => {
    const before = runtime.tokenized;
    const refused = await chat("many words ".repeat(40), 5); // 440 bytes: over 200 on the bound alone
    assert.equal(refused.statusCode, 429);
    const { error } = refused.json() as { error: { type: string; code: string; message: string } };
    assert.deepEqual([error.type, error.code], ["tokens", "rate_limit_exceeded"]);
    assert.equal(refused.headers["x-ratelimit-limit-tokens"], String(TPM));
    assert.equal(refused.headers["x-ratelimit-remaining-tokens"], String(TPM));
    assert.match(String(refused.headers["x-ratelimit-reset-tokens"]), /^\d/);
    assert.match(String(refused.headers["retry-after"]), /^[1-9]\d*$/);
    assert.equal(runtime.tokenized, before, "the runtime's tokenizer was not called");
  });

  test("an admitted request is reconciled to its exact prompt count once tokenized", async () => {
    const before = runtime.tokenized;
    const answer = await chat("hi", 5);
    assert.equal(answer.statusCode, 200);
    assert.equal(runtime.tokenized, before + 1);
    const { usage } = answer.json() as { usage: { prompt_tokens: number } };
    // The bound for "hi" (its bytes plus the template allowance, 26) is more than the prompt's
    // tokens: the headers count the exact prompt plus max_tokens, not the bound.
    assert.ok(usage.prompt_tokens < 26, `prompt of ${usage.prompt_tokens} tokens`);
    assert.equal(answer.headers["x-ratelimit-remaining-tokens"], String(TPM - (usage.prompt_tokens + 5)));
  });
});

describe("each account's share of a model's queue", () => {
  /** Waits, a turn of the event loop at a time, until the scheduler shows `queued` waiters. */
  async function queued(scheduler: Scheduler, count: number): Promise<void> {
    while (scheduler.stats().queued !== count) await new Promise((resolve) => setImmediate(resolve));
  }

  test("account A fills its share and is refused with 429; B still queues and is served", {
    timeout: 30_000,
  }, async () => {
    const api = await heldApiServer({
      gates: [],
      isAcceptingTraffic: () => true,
      slots: 1,
      queueLimit: 4,
      accountQueueShare: 0.5,
    });
    try {
      const finished: string[] = [];
      const send = (key: string) =>
        api.generate(false, key).then((response) => {
          finished.push(key);
          return response;
        });
      const a = [send("a")];
      await api.runtime.whenRunning(1);
      a.push(send("a"), send("a"));
      await queued(api.scheduler, 2);

      const refused = await api.generate(false, "a");
      assert.equal(refused.statusCode, 429);
      const { error } = refused.json() as { error: { type: string; code: string; message: string } };
      assert.deepEqual([error.type, error.code], ["requests", "queue_share_exceeded"]);
      assert.match(error.message, /Wait for some to finish, then retry/);
      assert.match(String(refused.headers["retry-after"]), /^[1-9]\d*$/);

      const b = send("b");
      await queued(api.scheduler, 3);
      for (let served = 0; served < 4; served++) {
        await api.runtime.whenRunning(1);
        api.runtime.releaseAll();
      }
      const answers = await Promise.all([...a, b]);
      assert.deepEqual(
        answers.map((r) => r.statusCode),
        [200, 200, 200, 200],
      );
      // Round robin across accounts is kept: B is served before A's last waiter.
      assert.deepEqual(finished, ["a", "a", "b", "a"]);
    } finally {
      await api.app.close();
    }
  });
});
