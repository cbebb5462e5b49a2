import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { RateLimiter } from "../admission/rate-limits.js";
import { ApiError } from "../common/errors.js";
import { createLogger } from "../common/log.js";
import { ExternalRuntime } from "../runtime/external.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { InFlightRequests } from "../serving/in-flight.js";
import { ModelRegistry } from "../serving/models.js";
import type { LimitValues } from "../store/limits.js";
import { until } from "../test-support/until.js";
import { startUpstream, type Upstream } from "../test-support/upstream.js";
import { createApiServer } from "./server.js";

let upstream: Upstream;
let models: ModelRegistry;
const inFlight = new InFlightRequests();
let app: ReturnType<typeof createApiServer>;
/** The same engine without delay, behind a tokens/minute limit. */
let limited: ReturnType<typeof createApiServer>;
let quick: Upstream;
let quickModels: ModelRegistry;
const TPM = 100;

before(async () => {
  // An engine slower than any test: only a cut ends its requests.
  upstream = await startUpstream({ delayMs: 600_000 });
  models = new ModelRegistry();
  const runtime = new ExternalRuntime({
    modelId: "slow-embed",
    upstreamUrl: upstream.url,
    contextLength: 512,
    embeddings: { matryoshka: false, generation: false },
  });
  models.add({
    runtime,
    scheduler: new Scheduler({ name: "slow-embed", slots: 2, queueLimit: 4, queueTimeoutMs: 60_000 }),
  });
  await models.loadAll();
  app = createApiServer({
    models,
    authenticator: {
      authenticate: () => ({ ok: true, keyId: "key_cut000000001", accountId: "acct_cut00000001" }),
    },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutMs: 30_000,
    inFlight,
  });
});

before(async () => {
  quick = await startUpstream();
  quickModels = new ModelRegistry();
  const runtime = new ExternalRuntime({
    modelId: "quick-embed",
    upstreamUrl: quick.url,
    contextLength: 512,
    embeddings: { matryoshka: false, generation: false },
  });
  quickModels.add({
    runtime,
    scheduler: new Scheduler({ name: "quick-embed", slots: 2, queueLimit: 4, queueTimeoutMs: 60_000 }),
  });
  await quickModels.loadAll();
  const none: LimitValues = { rpm: null, tpm: null, concurrency: null, spendCapEur: null };
  limited = createApiServer({
    models: quickModels,
    authenticator: { authenticate: () => ({ ok: true, keyId: "key_tpm000000001", accountId: "acct_tpm" }) },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutMs: 30_000,
    gates: [new RateLimiter({ limits: { account: () => ({ ...none, tpm: TPM }), key: () => undefined } })],
  });
});

after(async () => {
  await app?.close();
  await limited?.close();
  await models?.unloadAll();
  await quickModels?.unloadAll();
  await upstream?.close();
  await quick?.close();
});

const embedLimited = (input: string | string[]) =>
  limited.inject({
    method: "POST",
    url: "/v1/embeddings",
    headers: { authorization: "Bearer any", "content-type": "application/json" },
    payload: { model: "quick-embed", input },
  });

test("rate limits: over the tokens/minute limit by the byte bound is a 429; an admitted request counts its exact tokens", async () => {
  const refused = await embedLimited("many words ".repeat(20)); // 220 bytes: over 100 on the bound alone
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.json().error.code, "rate_limit_exceeded");
  const answered = await embedLimited("three small words");
  assert.equal(answered.statusCode, 200);
  assert.equal(answered.json().usage.prompt_tokens, 3);
  assert.equal(
    answered.headers["x-ratelimit-remaining-tokens"],
    String(TPM - 3),
    "the exact count, not the bound",
  );
});

test("an embeddings request in flight is cut like a generation: the client gets the suspension's error", async () => {
  const answer = app.inject({
    method: "POST",
    url: "/v1/embeddings",
    headers: { authorization: "Bearer any", "content-type": "application/json" },
    payload: { model: "slow-embed", input: "never answered" },
  });
  await until("the request is in flight", () => inFlight.size === 1);
  const suspended = new ApiError(
    403,
    "permission_error",
    "This account is suspended.",
    null,
    "account_suspended",
  );
  assert.equal(
    inFlight.cutWhere((entry) => entry.principal.accountId === "acct_cut00000001", suspended),
    1,
  );
  const response = await answer;
  assert.equal(response.statusCode, 403);
  assert.equal(response.json().error.code, "account_suspended");
  assert.equal(inFlight.size, 0, "unregistered once ended");
});
