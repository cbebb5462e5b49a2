import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { SlidingWindow } from "./sliding-window.js";

const T0 = 1_700_000_000_000; // a whole second, so bucket edges are easy to read

describe("sliding window", () => {
  it("counts an amount for more than 60 s and less than 61 s", () => {
    const w = new SlidingWindow();
    w.add(T0 + 999, 5);
    assert.equal(w.used(T0 + 60_999), 5, "still counted 60 s later");
    assert.equal(w.used(T0 + 60_999 + 1), 0, "gone once its bucket is 61 buckets old");
    const v = new SlidingWindow();
    v.add(T0, 5);
    assert.equal(v.used(T0 + 60_999), 5);
    assert.equal(v.used(T0 + 61_000), 0);
  });

  it("gives back part of a reservation, but never into an expired bucket", () => {
    const w = new SlidingWindow();
    const bucket = w.add(T0, 100);
    w.add(T0 + 30_000, 10);
    w.adjust(bucket, -60, T0 + 40_000);
    assert.equal(w.used(T0 + 40_000), 50);
    w.adjust(bucket, -40, T0 + 61_000); // the first bucket has expired: nothing changes
    assert.equal(w.used(T0 + 61_000), 10);
    w.adjust(w.add(T0 + 61_000, 3), +2, T0 + 61_500);
    assert.equal(w.used(T0 + 61_500), 15);
  });

  it("says when enough will have expired, and when all of it will", () => {
    const w = new SlidingWindow();
    w.add(T0, 6);
    w.add(T0 + 10_400, 4);
    const now = T0 + 20_000;
    assert.equal(w.msUntilAtMost(10, now), 0);
    assert.equal(w.msUntilAtMost(4, now), T0 + 61_000 - now, "the first bucket frees 6");
    assert.equal(w.msUntilAtMost(3, now), T0 + 71_000 - now, "both must go");
    assert.equal(w.msUntilEmpty(now), T0 + 71_000 - now);
    assert.equal(new SlidingWindow().msUntilEmpty(now), 0);
  });

  it("forgets everything after a long idle gap", () => {
    const w = new SlidingWindow();
    w.add(T0, 7);
    assert.equal(w.used(T0 + 3_600_000), 0);
    w.add(T0 + 3_600_000, 1);
    assert.equal(w.used(T0 + 3_600_001), 1);
  });

  it("never admits more than the limit in any 60-s window (randomised)", () => {
    // The documented bound, checked against a plain log of what was admitted and when.
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 4_000 }), amount: fc.integer({ min: 1, max: 40 }) }),
          {
            maxLength: 300,
          },
        ),
        fc.integer({ min: 1, max: 200 }),
        (arrivals, limit) => {
          const w = new SlidingWindow();
          const log: { at: number; amount: number }[] = [];
          let now = T0;
          for (const { gap, amount } of arrivals) {
            now += gap;
            if (w.used(now) + amount > limit) continue;
            w.add(now, amount);
            log.push({ at: now, amount });
          }
          for (const first of log) {
            let sum = 0;
            for (const e of log) if (e.at >= first.at && e.at < first.at + 60_000) sum += e.amount;
            assert.ok(sum <= limit, `admitted ${sum} > ${limit} in the minute from ${first.at}`);
          }
        },
      ),
    );
  });
});
