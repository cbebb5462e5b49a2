import assert from "node:assert/strict";
import { test } from "node:test";
import type { UsageDay } from "./types.js";
import { dailySeries, daysInMonth } from "./usage-series.js";

const row = (day: string, model: string, cost: string, input: number, output: number): UsageDay => ({
  day,
  model,
  requests: 1,
  inputTokens: input,
  cachedTokens: 0,
  outputTokens: output,
  cost,
});

test("a month has all its days, February of a leap year included", () => {
  assert.equal(daysInMonth("2026-12").length, 31);
  assert.equal(daysInMonth("2028-02").length, 29);
  assert.equal(daysInMonth("2026-02").at(-1), "2026-02-28");
  assert.deepEqual(daysInMonth("nonsense"), []);
});

test("rows of several models on one day add up; days without usage are zero", () => {
  const s = dailySeries(
    "2026-12",
    [
      row("2026-12-02", "a", "0.000100", 10, 5),
      row("2026-12-02", "b", "0.000050", 1, 1),
      row("2026-12-31", "a", "1.5", 100, 0),
      row("2026-11-30", "a", "9", 1, 1),
    ],
    new Date("2027-01-02T00:00:00Z"),
  );
  assert.equal(s.time.length, 31);
  assert.equal(s.time[0], Date.UTC(2026, 11, 1) / 1000);
  assert.equal(s.cost[0], 0);
  assert.ok(Math.abs(s.cost[1]! - 0.00015) < 1e-12);
  assert.equal(s.tokens[1], 17);
  assert.equal(s.requests[1], 2);
  assert.equal(s.cost[30], 1.5);
  assert.equal(
    s.cost.reduce<number>((a, b) => a + (b ?? 0), 0),
    0.00015 + 1.5,
    "another month's row is left out",
  );
});

test("days after today are gaps, not zeros; today and earlier are zero without usage", () => {
  const s = dailySeries("2026-12", [row("2026-12-02", "a", "1", 1, 1)], new Date("2026-12-04T10:00:00Z"));
  assert.deepEqual(s.cost.slice(0, 5), [0, 1, 0, 0, null]);
  assert.equal(s.tokens[30], null);
});
