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

  it("sees a burst that straddles a window boundary", () => {
    const counter = new SlidingCounter({ threshold: 4, windowSeconds: 60 });
    counter.hit("a", T0 + 58_000);
    counter.hit("a", T0 + 59_000);
    counter.hit("a", T0 + 59_500);
    // 1 s into the next window: 1 + 3 × 59/60 ≥ 4 is not reached, 2 + 2.95 is.
    assert.equal(counter.hit("a", T0 + 61_000), undefined);
    assert.equal(counter.hit("a", T0 + 61_500), 5);
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
