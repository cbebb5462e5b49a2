import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { LimitsCache } from "../admission/limits-cache.js";
import { RateLimiter } from "../admission/rate-limits.js";
import { ApiError } from "../common/errors.js";
import { createAccount } from "../store/accounts.js";
import { setLimits } from "../store/limits.js";
import type { Store } from "../store/store.js";
import { openTestStore } from "../test-support/postgres.js";
import { MonthlySpend } from "./spend.js";

let store: Store;
let closeStore: () => Promise<void>;

before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

let counter = 0;
async function usage(accountId: string, keyId: string, at: string, pico: bigint) {
  counter++;
  await store.pool.query(
    `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
       http_status, cost_pico_eur) VALUES ($1, $2, $2, $3, $4, 'm', 'n', 'completed', 200, $5)`,
    [`req_${counter.toString().padStart(16, "0")}`, at, accountId, keyId, pico.toString()],
  );
}

test("month-to-date spend counts this month only, per account and per key, and feeds the spend cap", async () => {
  const account = await createAccount(store.pool, { name: "Spender", email: "spend@example.com" });
  await usage(account.id, "keyaaaaaaaaa", "2026-10-31T23:59:59.999Z", 9_000_000_000_000n); // last month: 9 EUR
  await usage(account.id, "keyaaaaaaaaa", "2026-11-01T00:00:00.000Z", 1_500_000_000_000n); // 1.50 EUR
  await usage(account.id, "keybbbbbbbbb", "2026-11-20T12:00:00.000Z", 2_000_000_000_000n); // 2.00 EUR
  const spend = new MonthlySpend({ db: store.pool, now: () => new Date("2026-11-23T10:00:00Z") });
  await spend.refresh();
  assert.equal(spend.ofAccount(account.id), 3.5);
  assert.equal(spend.ofKey("keyaaaaaaaaa"), 1.5);
  assert.equal(spend.ofAccount("acct_unknown"), 0);

  await setLimits(store.pool, { accountId: account.id, set: { spendCapEur: 3 }, updatedBy: "test" });
  const limits = new LimitsCache({ store });
  await limits.start();
  try {
    const limiter = new RateLimiter({ limits, spendSource: spend.ofAccount });
    const request = {
      principal: { accountId: account.id, keyId: "keybbbbbbbbb" },
      ip: "127.0.0.1",
      model: "m",
      promptTokens: 1,
      maxTokens: 1,
    };
    assert.throws(
      () => limiter.reserve(request),
      (error: unknown) =>
        error instanceof ApiError && error.status === 429 && error.code === "insufficient_quota",
    );
  } finally {
    await limits.stop();
  }
});
