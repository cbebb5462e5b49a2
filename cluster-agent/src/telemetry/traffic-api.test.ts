import assert from "node:assert/strict";
import { after, test } from "node:test";
import { pino } from "pino";
import { ModelRegistry } from "../api/models.js";
import { createApiServer } from "../api/server.js";
import type { GenerationRequest, Runtime } from "../runtime/types.js";
import { Scheduler } from "../scheduler/scheduler.js";
import type { TrafficRecorder } from "./traffic.js";

// A runtime that answers at once: what is under test is where the API reports to telemetry.
const runtime: Runtime = {
  kind: "embedded",
  model: { id: "stub", contextLength: 4096, ownedBy: "entrim", created: 0 },
  slots: 2,
  load: async () => {},
  unload: async () => {},
  countPromptTokens: async () => 7,
  generate: async (_request: GenerationRequest, onDelta) => {
    onDelta?.("Hello");
    return {
      text: "Hello",
      finishReason: "stop",
      usage: { promptTokens: 7, cachedTokens: 3, completionTokens: 2 },
      aborted: false,
    };
  },
  stats: () => ({ active: 0, slots: 2, requestsTotal: 0, promptTokensTotal: 0, completionTokensTotal: 0 }),
  health: async () => ({ ok: true, detail: "loaded" }),
};

const records: Parameters<TrafficRecorder["record"]>[] = [];
const models = new ModelRegistry();
models.add({
  runtime,
  scheduler: new Scheduler({ name: "stub", slots: 2, queueLimit: 4, queueTimeoutMs: 1000 }),
});
const app = createApiServer({
  models,
  authenticator: {
    authenticate: (header) =>
      header === "Bearer good"
        ? { ok: true, keyId: "key_1", accountId: "acct_1" }
        : { ok: false, reason: "unknown" },
  },
  logger: pino({ level: "silent" }),
  bodyLimitBytes: 1 << 20,
  requestTimeoutMs: 10_000,
  traffic: { record: (...args) => void records.push(args) },
});
after(() => app.close());

const chat = (stream: boolean, authorization = "Bearer good") =>
  app.inject({
    method: "POST",
    url: "/v1/chat/completions",
    headers: { authorization, "content-type": "application/json" },
    payload: { model: "stub", messages: [{ role: "user", content: "hi" }], max_tokens: 8, stream },
  });

test("finished generations reach the recorder with status, latency, TTFT and tokens", async () => {
  records.length = 0;
  assert.equal((await chat(false)).statusCode, 200);
  assert.equal((await chat(true)).statusCode, 200);
  assert.equal((await chat(false, "Bearer bad")).statusCode, 401);
  await app.inject({ method: "GET", url: "/v1/models", headers: { authorization: "Bearer good" } });
  assert.equal(records.length, 3, "models lookups are not counted");
  const [plain, streamed, refused] = records;
  assert.deepEqual([plain![0], plain![2], plain![3], plain![4], plain![5]], [200, -1, 7, 3, 2]);
  assert.ok(plain![1] >= 0);
  assert.equal(streamed![0], 200);
  assert.ok(streamed![2] >= 0, "a stream's first token time is measured");
  assert.deepEqual(streamed!.slice(3), [7, 3, 2]);
  assert.deepEqual([refused![0], refused![2], refused![3], refused![5]], [401, -1, 0, 0]);
});
