import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Meter } from "../metering/meter.js";
import { heldApiServer } from "../test-support/held-runtime.js";
import { startTestMeter } from "../test-support/meter.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";

let t: TestStore;
let meter: Meter;
let api: Awaited<ReturnType<typeof heldApiServer>>;

before(async () => {
  t = await openTestStore();
  meter = await startTestMeter(t);
  api = await heldApiServer({
    gates: [],
    isAcceptingTraffic: () => true,
    meter,
    slots: 1,
    queueLimit: 0,
    overload: {
      enabled: true,
      maxEventLoopDelayMs: 50,
      maxEventLoopUtilization: 0.9,
      sampleIntervalMs: 20,
      retryAfterSeconds: 2,
      minInFlight: 4,
      limitEventLoopDelayMs: 0,
      limitAboveInFlight: 64,
    },
  });
});

after(async () => {
  await api?.app.close();
  await t.close();
});

test("a shed request leaves no usage row; the scheduler's 503 after authentication is a rejected row", async () => {
  const held = api.generate();
  await api.runtime.whenRunning(1);
  const queueFull = await api.generate();
  assert.equal(queueFull.statusCode, 503);
  assert.equal(queueFull.json().error.code, "model_overloaded");

  // A timer that keeps the event loop blocked 150 ms at a time, with short gaps for I/O.
  const busy = setInterval(() => {
    const end = performance.now() + 150;
    while (performance.now() < end) {}
  }, 1);
  let shed: Awaited<ReturnType<typeof api.generate>>;
  try {
    shed = await until("a generation is shed", async () => {
      const response = await api.generate();
      return response.statusCode === 503 && response.json().error.code === "server_overloaded" && response;
    });
  } finally {
    clearInterval(busy);
  }
  api.runtime.releaseAll();
  assert.equal((await held).statusCode, 200);
  await meter.stop();

  const ids = [queueFull, shed].map((r) => r.headers["x-request-id"] as string);
  const rows = await t.store.pool.query<{
    request_id: string;
    model: string;
    status: string;
    http_status: number;
  }>("SELECT request_id, model, status, http_status FROM usage_events WHERE request_id = ANY($1)", [ids]);
  assert.deepEqual(
    rows.rows.map(({ request_id, model, status, http_status }) => ({
      request_id,
      model,
      status,
      http_status,
    })),
    [{ request_id: ids[0], model: "held", status: "rejected", http_status: 503 }],
  );
});
