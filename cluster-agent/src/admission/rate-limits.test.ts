import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../common/errors.js";
import type { LimitValues } from "../store/limits.js";
import { composeGates, type Reservation } from "./gate.js";
import { formatDuration } from "./rate-limit-errors.js";
import { RateLimiter } from "./rate-limits.js";

const T0 = 1_700_000_000_000;
const none: LimitValues = { rpm: null, tpm: null, concurrency: null, spendCapEur: null };

function setup(
  account: Partial<LimitValues> | undefined,
  key: Partial<LimitValues> | undefined = undefined,
  extra: Partial<ConstructorParameters<typeof RateLimiter>[0]> = {},
) {
  const clock = { now: T0 };
  const limits = {
    account: account && { ...none, ...account },
    key: key && { ...none, ...key },
  };
  const limiter = new RateLimiter({
    limits: { account: () => limits.account, key: () => limits.key },
    now: () => clock.now,
    ...extra,
  });
  const reserve = (promptTokens = 10, maxTokens = 20, keyId = "key1") =>
    limiter.reserve({
      principal: { keyId, accountId: "acct1" },
      ip: "127.0.0.1",
      model: "m",
      promptTokens,
      maxTokens,
    });
  return { clock, limits, limiter, reserve };
}

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error;
  }
  assert.fail("expected a refusal");
}

describe("rate limiter", () => {
  it("lets everything through without headers when no limit applies", () => {
    const { reserve } = setup(undefined);
    assert.equal(reserve(), undefined);
  });

  it("counts requests per minute and refuses the next one with OpenAI's 429", () => {
    const { reserve, clock } = setup({ rpm: 3 });
    const remaining = [0, 1, 2].map(() => reserve()!.headers["x-ratelimit-remaining-requests"]);
    assert.deepEqual(remaining, ["2", "1", "0"]);
    clock.now += 10_000;
    const error = refusal(() => reserve());
    assert.equal(error.status, 429);
    assert.equal(error.type, "requests");
    assert.equal(error.code, "rate_limit_exceeded");
    assert.equal(error.headers["retry-after"], "51", "the first request's bucket expires 61 s after T0");
    assert.equal(error.headers["x-ratelimit-limit-requests"], "3");
    assert.equal(error.headers["x-ratelimit-remaining-requests"], "0");
    assert.equal(error.headers["x-ratelimit-reset-requests"], "51s");
    clock.now = T0 + 61_000;
    assert.ok(reserve());
  });

  it("reserves prompt + max tokens up front and gives back what was not used", () => {
    const { reserve, clock } = setup({ tpm: 100 });
    const first = reserve(10, 50)!;
    assert.equal(first.headers["x-ratelimit-remaining-tokens"], "40");
    const error = refusal(() => reserve(10, 50));
    assert.equal(error.type, "tokens");
    assert.match(error.message, /Limit 100 TPM, used 60, requested 60/);
    first.settle({ promptTokens: 10, completionTokens: 5, cachedTokens: 0 });
    clock.now += 1;
    const second = reserve(10, 50)!;
    assert.equal(second.headers["x-ratelimit-remaining-tokens"], "25");
    second.settle(null); // failed: all of it comes back
    second.settle({ promptTokens: 10, completionTokens: 50, cachedTokens: 0 }); // settled once only
    assert.equal(reserve(0, 1)!.headers["x-ratelimit-remaining-tokens"], "84");
  });

  it("reconciles a reservation made on a bound down to the exact count, and refuses growth that does not fit", () => {
    const { reserve } = setup({ tpm: 100 });
    const bound = reserve(60, 20)!; // the prompt's bytes: an upper bound on its tokens
    assert.equal(bound.headers["x-ratelimit-remaining-tokens"], "20");
    bound.reconcile!(12, 20); // tokenized: 12 tokens
    assert.equal(bound.headers["x-ratelimit-remaining-tokens"], "68", "the headers follow the exact count");
    const other = reserve(40, 20)!;
    assert.equal(other.headers["x-ratelimit-remaining-tokens"], "8");
    // A tokenizer that beats the bound may not push the window over the limit.
    const error = refusal(() => bound.reconcile!(30, 20));
    assert.equal(error.type, "tokens");
    assert.match(error.message, /Limit 100 TPM, used 60, requested 50/);
    assert.equal(error.headers["x-ratelimit-remaining-tokens"], "8");
    bound.reconcile!(20, 20); // growth that fits is charged
    assert.equal(bound.headers["x-ratelimit-remaining-tokens"], "0");
    bound.settle({ promptTokens: 20, completionTokens: 5, cachedTokens: 0 });
    other.settle(null);
    assert.equal(reserve(0, 1)!.headers["x-ratelimit-remaining-tokens"], "74");
  });

  it("refuses a request larger than the whole limit and says it can never fit", () => {
    const { reserve } = setup({ tpm: 100 });
    const error = refusal(() => reserve(60, 50));
    assert.match(error.message, /can never fit: lower max_tokens/);
    assert.equal(error.headers["retry-after"], "60");
  });

  it("holds 50 concurrent reservations to the limit exactly", () => {
    const { reserve } = setup({ tpm: 1000 });
    const held: Reservation[] = [];
    let refused = 0;
    for (let i = 0; i < 50; i++) {
      try {
        held.push(reserve(30, 40)!);
      } catch {
        refused++;
      }
    }
    assert.equal(held.length, Math.floor(1000 / 70));
    assert.equal(refused, 50 - held.length);
  });

  it("limits requests at once and frees a place when one settles", () => {
    const { reserve } = setup({ concurrency: 2 });
    const a = reserve()!;
    reserve();
    const error = refusal(() => reserve());
    assert.equal(error.code, "rate_limit_exceeded");
    assert.equal(error.headers["retry-after"], "1");
    a.settle(null);
    assert.ok(reserve());
  });

  it("applies a key's tighter override on top of the account's limit, and reports the tighter", () => {
    const { reserve } = setup({ rpm: 10, tpm: 1000 }, { rpm: 2 });
    const h = reserve(10, 10, "key1")!.headers;
    assert.equal(h["x-ratelimit-limit-requests"], "2");
    assert.equal(h["x-ratelimit-remaining-requests"], "1");
    assert.equal(h["x-ratelimit-limit-tokens"], "1000", "tokens come from the account");
    reserve(10, 10, "key1");
    assert.match(refusal(() => reserve(10, 10, "key1")).message, /on this API key/);
  });

  it("enforces only this node's share of a cluster limit", () => {
    const { reserve } = setup({ rpm: 10 }, undefined, { shares: { share: (l) => Math.floor(l / 3) } });
    for (let i = 0; i < 3; i++) reserve();
    const error = refusal(() => reserve());
    assert.match(error.message, /Limit 3 RPM on this server \(its share of 10 across the cluster\)/);
  });

  it("enforces a spend cap only when a spend source is given", () => {
    assert.ok(setup({ spendCapEur: 5 }).reserve());
    const spent = new Map([["acct1", 5]]);
    const { reserve } = setup({ spendCapEur: 5 }, undefined, { spendSource: (id) => spent.get(id) });
    const error = refusal(() => reserve());
    assert.equal(error.status, 429);
    assert.equal(error.code, "insufficient_quota");
    assert.equal(error.type, "insufficient_quota");
    spent.set("acct1", 4.99);
    assert.ok(reserve());
  });

  it("leaves no partial charge when one limit refuses, alone or behind another gate", () => {
    const { reserve, limiter } = setup({ rpm: 5, tpm: 100 });
    refusal(() => reserve(90, 20));
    assert.equal(reserve(0, 1)!.headers["x-ratelimit-remaining-requests"], "4");
    const refusing = {
      reserve: () => {
        throw new ApiError(429, "requests", "no", null, "x");
      },
    };
    const gate = composeGates([limiter, refusing]);
    const request = {
      principal: { keyId: "k", accountId: "acct1" },
      ip: "",
      model: "m",
      promptTokens: 1,
      maxTokens: 1,
    };
    refusal(() => gate.reserve(request));
    // Requests count when reserved, as OpenAI counts failed attempts; tokens come back.
    assert.equal(reserve(0, 1)!.headers["x-ratelimit-remaining-tokens"], "98");
  });

  it("forgets idle customers", () => {
    const { reserve, limiter, clock } = setup({ rpm: 5 });
    const held = reserve()!;
    limiter.sweep();
    assert.equal(limiter.tracked, 1);
    held.settle(null);
    clock.now += 61_000;
    limiter.sweep();
    assert.equal(limiter.tracked, 0);
  });

  it("formats durations as OpenAI does", () => {
    assert.deepEqual([0, 20, 999, 1000, 1500, 59_999, 60_000, 61_000, 360_000].map(formatDuration), [
      "0s",
      "20ms",
      "999ms",
      "1s",
      "1.5s",
      "59.999s",
      "1m0s",
      "1m1s",
      "6m0s",
    ]);
    // Fractions keep their leading zeros and lose their trailing ones; partial milliseconds round up.
    assert.deepEqual([1005, 1050, 1010, 1200, 10_090, 60_500, 61_230, 119_999.2, 0.2].map(formatDuration), [
      "1.005s",
      "1.05s",
      "1.01s",
      "1.2s",
      "10.09s",
      "1m0.5s",
      "1m1.23s",
      "2m0s",
      "1ms",
    ]);
  });
});
