import assert from "node:assert/strict";
import { test } from "node:test";
import { PERCENTILE_RELATIVE_ERROR, TrafficWindow } from "./traffic.js";

const T0 = 1_800_000_000_000;

function near(actual: number, expected: number): void {
  const error = Math.abs(actual - expected) / expected;
  assert.ok(error <= PERCENTILE_RELATIVE_ERROR, `${actual} is not within 2.2% of ${expected}`);
}

test("rates, percentiles, errors and cache hits over a full window", () => {
  let now = T0;
  const window = new TrafficWindow({ now: () => now });
  // 60 seconds with 10 requests each: latencies 1..600 ms, TTFT a tenth of that.
  for (let second = 0; second < 60; second++) {
    now = T0 + second * 1000 + 500;
    for (let k = 1; k <= 10; k++) {
      const n = second * 10 + k;
      const status = n % 100 === 0 ? 503 : n % 50 === 0 ? 429 : 200;
      window.record(status, n, n / 10, 100, 25, 20);
    }
  }
  // The current second (59) is covered up to now: 59.5 s in all.
  now = T0 + 59_500;
  const s = window.stats();
  assert.equal(s.requestsPerSecond, 600 / 59.5);
  assert.equal(s.promptTokensPerSecond, 60_000 / 59.5);
  assert.equal(s.completionTokensPerSecond, 12_000 / 59.5);
  assert.equal(s.cacheHitRate, 0.25);
  // Multiples of 100 are 5xx (6), other multiples of 50 are 4xx (6).
  assert.equal(s.serverErrors, 6);
  assert.equal(s.clientErrors, 6);
  assert.equal(s.errorRate, 6 / 600);
  near(s.latencyP50Ms, 300);
  near(s.latencyP95Ms, 570);
  near(s.latencyP99Ms, 594);
  near(s.ttftP50Ms, 30);
  near(s.ttftP99Ms, 59.4);
  assert.equal(s.requestsTotal, 600);
  assert.equal(s.promptTokensTotal, 60_000);
  assert.equal(s.completionTokensTotal, 12_000);
  assert.equal(s.serverErrorsTotal, 6);
});

test("old seconds leave the window; totals stay", () => {
  let now = T0;
  const window = new TrafficWindow({ now: () => now });
  window.record(200, 5000, -1, 10, 0, 1);
  now = T0 + 30_000;
  window.record(500, 10, -1, 10, 10, 1);
  // Seconds 11..70 are live, and second 70 has just begun: 59 s covered.
  now = T0 + 70_000;
  const s = window.stats();
  assert.equal(s.requestsPerSecond, 1 / 59);
  assert.equal(s.serverErrors, 1);
  assert.equal(s.errorRate, 1);
  assert.equal(s.cacheHitRate, 1);
  near(s.latencyP99Ms, 10);
  // No TTFT was measured (negative), so none is reported.
  assert.equal(s.ttftP50Ms, 0);
  assert.equal(s.requestsTotal, 2);
  // A slot reused a minute later starts empty.
  now = T0 + 90_500;
  window.record(200, 1, -1, 0, 0, 0);
  assert.equal(window.stats().requestsPerSecond, 1 / 59.5);
  now = T0 + 1_000_000;
  assert.equal(window.stats().requestsPerSecond, 0);
  assert.equal(window.stats().latencyP50Ms, 0);
});

test("a young agent's rates divide by its uptime, not the whole window", () => {
  let now = T0;
  const window = new TrafficWindow({ now: () => now });
  for (let i = 0; i < 20; i++) window.record(200, 1, 1, 3, 0, 2);
  now = T0 + 4000;
  assert.equal(window.stats().requestsPerSecond, 5);
  assert.equal(window.stats().completionTokensPerSecond, 10);
});
