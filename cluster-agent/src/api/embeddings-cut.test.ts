import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ApiError } from "../common/errors.js";
import { createLogger } from "../common/log.js";
import { ExternalRuntime } from "../runtime/external.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { InFlightRequests } from "../serving/in-flight.js";
import { ModelRegistry } from "../serving/models.js";
import { until } from "../test-support/until.js";
import { startUpstream, type Upstream } from "../test-support/upstream.js";
import { createApiServer } from "./server.js";

let upstream: Upstream;
let models: ModelRegistry;
const inFlight = new InFlightRequests();
let app: ReturnType<typeof createApiServer>;

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

after(async () => {
  await app?.close();
  await models?.unloadAll();
  await upstream?.close();
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
