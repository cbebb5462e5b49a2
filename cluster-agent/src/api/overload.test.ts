import assert from "node:assert/strict";
import { after, afterEach, describe, it } from "node:test";
import { Registry } from "prom-client";
import { Client } from "undici";
import { createLogger } from "../common/log.js";
import { Scheduler } from "../scheduler/scheduler.js";
import { ModelRegistry } from "../serving/models.js";
import { addSheddingMetrics } from "../telemetry/shedding-metrics.js";
import { HeldRuntime } from "../test-support/held-runtime.js";
import { until } from "../test-support/until.js";
import { InFlightLimit, type OverloadOptions } from "./overload.js";
import { type ApiServer, createApiServer } from "./server.js";

// Sampled every 20 ms; a loop blocked 150 ms at a time is far past 50 ms of mean delay and 90 % busy.
const OVERLOAD: OverloadOptions = {
  enabled: true,
  maxEventLoopDelayMs: 50,
  maxEventLoopUtilization: 0.9,
  sampleIntervalMs: 20,
  retryAfterSeconds: 2,
  minInFlight: 4,
  limitEventLoopDelayMs: 0,
  limitAboveInFlight: 64,
};

const servers: ApiServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function startServer(overload: OverloadOptions) {
  const runtime = new HeldRuntime();
  const models = new ModelRegistry();
  models.add({
    runtime,
    scheduler: new Scheduler({ name: "held", slots: 4, queueLimit: 16, queueTimeoutMs: 60_000 }),
  });
  await models.loadAll();
  let authentications = 0;
  /** Statuses of the finished generations, as the traffic telemetry got them. */
  const traffic: number[] = [];
  const app = createApiServer({
    models,
    authenticator: {
      authenticate: () => {
        authentications++;
        return { ok: true, keyId: "abcdefghijkl", accountId: "acct_test" };
      },
    },
    logger: createLogger({ level: "silent" }),
    bodyLimitBytes: 1 << 20,
    requestTimeoutMs: 30_000,
    overload,
    traffic: { record: (status) => traffic.push(status) },
  });
  servers.push(app);
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const auth = { authorization: "Bearer test" };
  return {
    app,
    url,
    runtime,
    traffic,
    authentications: () => authentications,
    generate: (signal?: AbortSignal) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        signal,
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ model: "held", messages: [{ role: "user", content: "x" }], max_tokens: 4 }),
      }),
    models: () => fetch(`${url}/v1/models`, { headers: auth }),
    get: (path: string) => fetch(`${url}${path}`),
  };
}

/**
 * Blocks the event loop `ms` at a time, with short gaps for I/O: 150 keeps it saturated (far past 50 ms
 * of mean delay and 90 % busy), 40 keeps it late but never stalled.
 */
function blockLoop(ms: number): () => void {
  const timer = setInterval(() => {
    const end = performance.now() + ms;
    while (performance.now() < end) {}
  }, 1);
  return () => clearInterval(timer);
}

describe("load shedding (api.overload)", () => {
  let free: (() => void) | undefined;
  afterEach(() => free?.());

  it("refuses new requests with 503 server_overloaded and Retry-After while the loop is saturated", async (t) => {
    const server = await startServer(OVERLOAD);
    // One keep-alive connection, opened before the loop is blocked: a refusal leaves it usable.
    const client = new Client(server.url, { pipelining: 1 });
    let connections = 0;
    let disconnections = 0;
    client.on("connect", () => connections++);
    client.on("disconnect", () => disconnections++);
    t.after(() => client.close());
    const modelsOnClient = () =>
      client.request({
        path: "/v1/models?limit=1",
        method: "GET",
        headers: { authorization: "Bearer test" },
      });
    const first = await modelsOnClient();
    assert.equal(first.statusCode, 200);
    await first.body.dump();
    const authenticated = server.authentications();
    free = blockLoop(150);
    // A generation sent before the samples say saturated would be admitted, and the held runtime would
    // keep it (and this test) waiting: wait for the verdict first, and never wait on one for long.
    await until("the loop counts as saturated", () => server.app.shedding.overloaded());
    const shed = await until("a generation is shed", async () => {
      const response = await server.generate(AbortSignal.timeout(10_000));
      return response.status === 503 && response;
    });
    assert.equal(shed.headers.get("retry-after"), "2");
    assert.match(shed.headers.get("content-type") ?? "", /^application\/json/);
    assert.ok(shed.headers.get("x-request-id")?.startsWith("req_"));
    const body = (await shed.json()) as { error: Record<string, unknown> };
    assert.deepEqual(body, {
      error: {
        message: "This node is overloaded right now; retry after 2 s (another node may serve sooner).",
        type: "server_error",
        param: null,
        code: "server_overloaded",
      },
    });
    // Refused before the key was looked at or anything was queued or started.
    assert.equal(server.authentications(), authenticated);
    assert.equal(server.runtime.stats().active, 0);
    assert.ok(
      server.traffic.length >= 1 && server.traffic.every((status) => status === 503),
      "in the traffic",
    );
    const onClient = await until("a request on the kept-alive connection is shed", async () => {
      const response = await modelsOnClient();
      await response.body.dump();
      return response.statusCode === 503 && response;
    });
    assert.equal(onClient.headers["retry-after"], "2");
    const shedSoFar = server.app.shedding.shed();
    assert.ok(shedSoFar >= 1);
    const registry = new Registry();
    addSheddingMetrics(registry, server.app.shedding);
    const counted = /^entrim_requests_shed_total (\d+)$/m.exec(await registry.metrics());
    assert.ok(Number(counted?.[1]) >= shedSoFar, "the shed requests reach /metrics");

    // Liveness answers throughout; readiness tells the balancer to send traffic elsewhere.
    await until("/healthz answers while requests are shed", async () => {
      if (!server.app.shedding.overloaded()) return false;
      const live = await server.get("/healthz?probe=liveness");
      return live.status === 200 && server.app.shedding.overloaded();
    });
    const ready = await until("/readyz says overloaded", async () => {
      const response = await server.get("/readyz");
      return response.status === 503 && response;
    });
    assert.ok(ready.headers.get("retry-after"));
    assert.deepEqual(await ready.json(), { status: "not_ready", reason: "overloaded" });

    free();
    free = undefined;
    await until("requests are served again once the loop is free", async () => {
      const response = await server.models();
      return response.status === 200;
    });
    assert.equal((await server.get("/readyz")).status, 200);
    assert.equal(server.app.shedding.overloaded(), false);
    const again = await modelsOnClient();
    assert.equal(again.statusCode, 200, "served again on the connection that got refusals");
    await again.body.dump();
    assert.deepEqual([connections, disconnections], [1, 0], "no refusal closed the connection");
  });

  it("serves every request under the same load when switched off", async () => {
    const server = await startServer({ ...OVERLOAD, enabled: false });
    free = blockLoop(150);
    for (let i = 0; i < 5; i++) {
      const response = await server.models();
      assert.equal(response.status, 200);
    }
    assert.equal((await server.get("/readyz")).status, 200);
    assert.equal(server.app.shedding.shed(), 0);
  });
});

describe("the adaptive in-flight limit", () => {
  it("is cut below what was in flight by a late and busy sample, never under its floor", () => {
    const limit = new InFlightLimit(4);
    for (let i = 0; i < 20; i++) assert.ok(limit.tryAcquire());
    assert.equal(limit.limit, Number.POSITIVE_INFINITY, "no limit until the loop is over");
    limit.sample("saturated");
    assert.equal(limit.limit, 16, "0.8 of the 20 in flight");
    assert.equal(limit.tryAcquire(), false, "over the limit: refused");
    assert.equal(limit.current, 20, "a refusal takes no place");
    limit.sample("saturated");
    assert.equal(limit.limit, 12, "cut again from the limit, not from the 20 still in flight");
    for (let i = 0; i < 10; i++) limit.sample("saturated");
    assert.equal(limit.limit, 4, "the floor");
  });

  it("grows where it binds while the loop keeps up, and is lifted when the loop has room", () => {
    const limit = new InFlightLimit(4);
    for (let i = 0; i < 10; i++) limit.tryAcquire();
    limit.sample("saturated");
    assert.equal(limit.limit, 8);
    for (let i = 0; i < 10; i++) limit.release();
    limit.sample("keepsUp");
    assert.equal(limit.limit, 8, "not reached in that sample: unchanged");
    for (let i = 0; i < 8; i++) assert.ok(limit.tryAcquire());
    assert.equal(limit.tryAcquire(), false);
    limit.sample("keepsUp");
    assert.equal(limit.limit, 10, "reached and the loop kept up: 1.25 times");
    assert.ok(limit.tryAcquire());
    limit.sample("roomy");
    assert.equal(limit.limit, Number.POSITIVE_INFINITY, "a loop with room lifts it");
  });

  it("is not cut by a loop saturated while fewer than its floor are in flight", () => {
    const limit = new InFlightLimit(4);
    for (let i = 0; i < 3; i++) limit.tryAcquire();
    limit.sample("saturated");
    assert.equal(limit.limit, Number.POSITIVE_INFINITY);
  });

  it("is started by a loop only somewhat late with more than cutAbove in flight, cut while reached, never raised by it", () => {
    const limit = new InFlightLimit(4, 100);
    for (let i = 0; i < 100; i++) assert.ok(limit.tryAcquire());
    limit.sample("late");
    assert.equal(
      limit.limit,
      Number.POSITIVE_INFINITY,
      "100 in flight, not more: a node at capacity keeps its clients",
    );
    for (let i = 0; i < 150; i++) assert.ok(limit.tryAcquire());
    limit.sample("late");
    assert.equal(limit.limit, 200, "0.8 of the 250 in flight");
    limit.sample("late");
    assert.equal(limit.limit, 160, "still over cutAbove in flight: cut again");
    for (let i = 0; i < 150; i++) limit.release();
    limit.sample("keepsUp");
    assert.equal(limit.limit, 160, "not reached: unchanged");
    limit.sample("late");
    assert.equal(limit.limit, 160, "100 in flight throughout: held, neither cut nor raised");
    for (let i = 0; i < 60; i++) assert.ok(limit.tryAcquire());
    assert.equal(limit.tryAcquire(), false, "160 reached");
    limit.sample("late");
    assert.equal(limit.limit, 128, "reached while late: cut, not raised");
    limit.sample("late");
    assert.equal(limit.limit, 102, "the 160 still in flight were over cutAbove");
    for (let i = 0; i < 60; i++) limit.release();
    limit.sample("keepsUp");
    for (let i = 0; i < 20; i++) limit.sample("late");
    assert.equal(limit.limit, 102, "not reached, and at or under cutAbove in flight: held");
    assert.ok(limit.tryAcquire() && limit.tryAcquire());
    limit.sample("late");
    assert.equal(limit.limit, 81, "a limit reached while late is cut, whatever the number in flight");
    limit.sample("saturated");
    assert.equal(limit.limit, 64, "a saturated loop cuts it too, towards the floor");
  });

  it("refuses the requests over it when a somewhat late loop has many in flight, and leaves a few alone", async (t) => {
    // Never saturated (the stall threshold out of reach), so every refusal here is the limit's; samples
    // long enough that each has measurements (one without any counts as a stall).
    const server = await startServer({
      ...OVERLOAD,
      sampleIntervalMs: 200,
      maxEventLoopDelayMs: 10_000,
      limitEventLoopDelayMs: 2,
      limitAboveInFlight: 8,
    });
    t.after(() => server.runtime.releaseAll());
    const held: Promise<number>[] = [];
    const hold = (n: number) => {
      for (let i = 0; i < n; i++) held.push(server.generate().then((response) => response.status));
    };
    const stopLate = blockLoop(40);
    t.after(stopLate);
    hold(6);
    await until("six generations in flight", () => server.app.shedding.inFlight() === 6);
    // Several late samples pass while the six wait on the held runtime.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(
      server.app.shedding.inFlightLimit(),
      Number.POSITIVE_INFINITY,
      "8 or fewer in flight: no limit",
    );
    assert.equal(server.app.shedding.shed(), 0);

    hold(6);
    await until("the limit is cut", () => Number.isFinite(server.app.shedding.inFlightLimit()));
    const refused = await until("a request over the limit is refused", async () => {
      const response = await server.models();
      return response.status === 503 && response;
    });
    assert.equal(refused.headers.get("retry-after"), "2");
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "server_overloaded");
    assert.equal(server.app.shedding.overloaded(), false, "only the excess is refused, not everything");

    stopLate();
    // Four run at once (the model's slots): those queued behind them are released as they start.
    const releasing = setInterval(() => server.runtime.releaseAll(), 5);
    t.after(() => clearInterval(releasing));
    // The six sent last may have met the limit too (it is cut once more than 8 are in flight).
    const statuses = await Promise.all(held);
    clearInterval(releasing);
    const admitted = statuses.filter((status) => status === 200).length;
    assert.ok(
      statuses.every((status) => status === 200 || status === 503),
      `admitted or refused: ${statuses}`,
    );
    assert.ok(admitted >= 9, `the first six and those that took it past 8 were admitted: ${statuses}`);
    assert.equal(server.authentications(), admitted, "a refused request's key was never looked at");
    await until("the limit is lifted once the loop has room", async () => {
      return (await server.models()).status === 200 && !Number.isFinite(server.app.shedding.inFlightLimit());
    });
  });

  it("counts API requests from arrival until their response closes, aborted ones too, and not health checks", async (t) => {
    const server = await startServer(OVERLOAD);
    t.after(() => server.runtime.releaseAll());
    const aborts = Array.from({ length: 3 }, () => new AbortController());
    const held = aborts.map((abort) =>
      server.generate(abort.signal).then(
        (response) => response.status,
        () => "aborted",
      ),
    );
    await until("three generations are running", () => server.runtime.stats().active === 3);
    assert.equal(server.app.shedding.inFlight(), 3);
    assert.equal((await server.get("/healthz")).status, 200);
    assert.equal(server.app.shedding.inFlight(), 3, "health checks are not counted");
    const registry = new Registry();
    addSheddingMetrics(registry, server.app.shedding);
    const metrics = await registry.metrics();
    assert.match(metrics, /^entrim_api_requests_in_flight 3$/m);
    assert.match(metrics, /^entrim_api_in_flight_limit \+Inf$/m, "no limit while the loop has room");
    aborts[0]!.abort();
    await until("the aborted request's place is free", () => server.app.shedding.inFlight() === 2);
    server.runtime.releaseAll();
    assert.deepEqual(await Promise.all(held), ["aborted", 200, 200]);
    await until("every place is free", () => server.app.shedding.inFlight() === 0);
  });
});
