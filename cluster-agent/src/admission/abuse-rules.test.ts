import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AbuseRules, type AbuseRulesConfig, SlidingCounter, SpikeDetector } from "./abuse-rules.js";

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const MIN = 60_000;

describe("SlidingCounter", () => {
  it("trips on the threshold-th event inside the window, then starts counting again", () => {
    const counter = new SlidingCounter({ threshold: 3, windowSeconds: 60 });
    assert.equal(counter.hit("a", T0), undefined);
    assert.equal(counter.hit("a", T0 + 1_000), undefined);
    assert.equal(counter.hit("b", T0 + 1_500), undefined, "subjects are counted apart");
    assert.equal(counter.hit("a", T0 + 2_000), 3);
    assert.equal(counter.hit("a", T0 + 3_000), undefined, "a trip resets the subject");
    assert.equal(counter.hit("a", T0 + 4_000), undefined);
    assert.equal(counter.hit("a", T0 + 5_000), 3);
  });

  it("does not add up events spread wider than the window", () => {
    const counter = new SlidingCounter({ threshold: 3, windowSeconds: 60 });
    for (let i = 0; i < 10; i++) assert.equal(counter.hit("a", T0 + i * 2 * MIN), undefined);
  });

  it("trips on a burst that straddles the clock's minute, at its threshold-th event", () => {
    // 20 failures 100 ms apart from 59 s: what IP blocking blocks at 20/60 s must be flagged at 20/60 s.
    const counter = new SlidingCounter({ threshold: 20, windowSeconds: 60 });
    const trips = Array.from({ length: 20 }, (_, i) => counter.hit("a", T0 + 59_000 + i * 100));
    assert.deepEqual(trips.slice(0, 19), new Array(19).fill(undefined));
    assert.equal(trips[19], 20);
  });

  it("never misses threshold events within the window and never counts one older than its last step", () => {
    // Random arrivals against a plain log of the events since the last trip.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const [threshold, windowSeconds] of [
      [5, 60],
      [20, 60],
      [3, 7],
      [10, 300],
      [4, 61],
    ] as const) {
      const windowMs = windowSeconds * 1000;
      const stepMs = Math.ceil(windowSeconds / 12) * 1000;
      // An event stays counted for at most this long: one step past the window, two where the step
      // does not divide it (61 s in steps of 6 s: 72 s).
      const longestMs = (Math.ceil(windowMs / stepMs) + 1) * stepMs;
      const counter = new SlidingCounter({ threshold, windowSeconds });
      let log: number[] = [];
      let now = T0 + random() * windowMs;
      let trips = 0;
      for (let i = 0; i < 5_000; i++) {
        // Gaps averaging two thirds of window / threshold: bursts above the threshold and lulls below.
        now += Math.floor(random() ** 2 * ((2 * windowMs) / threshold));
        log.push(now);
        const exact = log.filter((t) => t > now - windowMs).length;
        const loose = log.filter((t) => t > now - longestMs).length;
        const trip = counter.hit("a", now);
        if (exact >= threshold)
          assert.notEqual(trip, undefined, `${threshold}/${windowSeconds} s missed at event ${i}`);
        if (trip !== undefined) {
          assert.ok(loose >= threshold, `${threshold}/${windowSeconds} s tripped on ${loose} at event ${i}`);
          trips++;
          log = [];
        }
      }
      assert.ok(trips > 50, `${threshold}/${windowSeconds} s tripped ${trips} times`);
    }
  });

  it("is off with threshold 0 and forgets idle subjects on sweep", () => {
    const off = new SlidingCounter({ threshold: 0, windowSeconds: 60 });
    for (let i = 0; i < 100; i++) assert.equal(off.hit("a", T0), undefined);
    const counter = new SlidingCounter({ threshold: 5, windowSeconds: 60 });
    counter.hit("a", T0);
    counter.hit("b", T0 + 90_000);
    counter.sweep(T0 + 120_000);
    assert.equal(counter.size, 1);
  });

  it("stays within its subject bound", () => {
    const counter = new SlidingCounter({ threshold: 5, windowSeconds: 60 }, 100);
    for (let i = 0; i < 1000; i++) counter.hit(`10.0.${i >> 8}.${i & 255}`, T0);
    assert.equal(counter.size, 100);
  });
});

describe("SpikeDetector", () => {
  const rule = { factor: 5, minTokens: 1_000, warmupMinutes: 3, alpha: 0.5 };
  /** Feeds `tokens` in each of the given minutes after T0. */
  const feed = (detector: SpikeDetector, minutes: number[], tokens: number) =>
    minutes.map((m) => detector.add("acct", tokens, T0 + m * MIN));

  it("judges nothing until the baseline has warmed up", () => {
    const detector = new SpikeDetector(rule);
    assert.deepEqual(feed(detector, [0, 1, 2], 500), [undefined, undefined, undefined]);
    // Minute 3 is the first judged; 500 per minute so far, so 2,500+ is over the line.
    assert.equal(detector.add("acct", 2_000, T0 + 3 * MIN), undefined);
    assert.deepEqual(detector.add("acct", 600, T0 + 3 * MIN + 1), { tokens: 2_600, baseline: 500 });
    assert.equal(detector.add("acct", 9_000, T0 + 3 * MIN + 2), undefined, "reported once per minute");
  });

  it("needs the minimum volume, so a small account's doubling is no spike", () => {
    const detector = new SpikeDetector(rule);
    feed(detector, [0, 1, 2], 10);
    assert.equal(detector.add("acct", 999, T0 + 3 * MIN), undefined);
  });

  it("leaves idle minutes out of the baseline and counts a spike only up to the line", () => {
    const detector = new SpikeDetector(rule);
    feed(detector, [0, 1, 2], 1_000);
    // A quiet night, then the usual rate again: no spike.
    assert.equal(detector.add("acct", 1_000, T0 + 600 * MIN), undefined);
    assert.equal(detector.baseline("acct"), 1_000);
    assert.ok(detector.add("acct", 100_000, T0 + 601 * MIN));
    detector.add("acct", 1, T0 + 602 * MIN);
    // 0.5 × min(100,000, 5 × 1,000) + 0.5 × 1,000
    assert.equal(detector.baseline("acct"), 3_000);
  });

  it("is off with factor 0", () => {
    const detector = new SpikeDetector({ ...rule, factor: 0, warmupMinutes: 0 });
    assert.equal(detector.add("acct", 1e9, T0), undefined);
  });
});

describe("AbuseRules", () => {
  const config: AbuseRulesConfig = {
    authFailures: { threshold: 2, windowSeconds: 60 },
    rateLimited: { threshold: 2, windowSeconds: 60 },
    suspendedAccess: { threshold: 2, windowSeconds: 60 },
    usageSpike: { factor: 2, minTokens: 10, warmupMinutes: 0, alpha: 0.5 },
  };
  const event = { ip: "203.0.113.9", accountId: "acct_a", keyId: "key_a" };

  it("flags IPs for auth failures (revoked keys included), accounts for rate limits, keys for suspended use", () => {
    const rules = new AbuseRules(config);
    assert.equal(rules.observe({ ...event, kind: "auth_failure" }, T0), undefined);
    const auth = rules.observe({ ...event, kind: "revoked_key" }, T0);
    assert.deepEqual(auth, {
      rule: "auth_failures",
      subjectType: "ip",
      subject: "203.0.113.9",
      at: T0,
      observed: 2,
      limits: { threshold: 2, windowSeconds: 60 },
    });
    rules.observe({ ...event, kind: "rate_limited" }, T0);
    assert.equal(rules.observe({ ...event, kind: "rate_limited" }, T0)?.subject, "acct_a");
    rules.observe({ ...event, kind: "suspended_access" }, T0);
    assert.equal(rules.observe({ ...event, kind: "suspended_access" }, T0)?.subjectType, "key");
    rules.observe({ kind: "suspended_access", ip: "198.51.100.1", accountId: null, keyId: null }, T0);
    const byIp = rules.observe(
      { kind: "suspended_access", ip: "198.51.100.1", accountId: null, keyId: null },
      T0,
    );
    assert.equal(byIp?.subjectType, "ip");
    assert.equal(rules.observe({ ...event, kind: "malformed_request" }, T0), undefined);
  });

  it("flags an IPv6 client as its /64, however many of its addresses it uses", () => {
    const rules = new AbuseRules(config);
    const v6 = { accountId: null, keyId: null, kind: "auth_failure" as const };
    assert.equal(rules.observe({ ...v6, ip: "2001:db8:5:6::1" }, T0), undefined);
    const trip = rules.observe({ ...v6, ip: "2001:db8:5:6:ffff::2" }, T0);
    assert.equal(trip?.subject, "2001:db8:5:6::/64");
    assert.equal(trip?.observed, 2);
  });

  it("turns a usage spike into a trip of the account", () => {
    const rules = new AbuseRules(config);
    rules.observeUsage("acct_a", 10, T0);
    const seen = rules.observeUsage("acct_a", 100, T0 + MIN);
    assert.equal(seen?.trip.rule, "usage_spike");
    assert.equal(seen?.trip.subject, "acct_a");
    assert.deepEqual(seen?.spike, { tokens: 100, baseline: 10 });
  });
});
