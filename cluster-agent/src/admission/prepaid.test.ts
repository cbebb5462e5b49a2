import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Price } from "../domain/pricing.js";
import type { Meter } from "../metering/meter.js";
import { UnshippedSpend } from "../metering/unshipped-spend.js";
import { createAccount } from "../store/accounts.js";
import { addCredit, PICO_PER_CENT, setBillingMode } from "../store/credit.js";
import { startTestMeter } from "../test-support/meter.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import { PrepaidGate } from "./prepaid.js";

/**
 * A prepaid balance on one agent counts that agent's own spend at once, from the moment its usage is
 * spooled, not a re-read after the spool has shipped it, and never counts it twice once shipped.
 */
let t: TestStore;
let meter: Meter;
let gate: PrepaidGate;
let unshipped: UnshippedSpend;

// 10 EUR per million output tokens: 1,000 output tokens cost exactly one cent.
const PRICE: Price = {
  version: 1,
  model: "m",
  inputMicroEurPerM: 0n,
  cachedMicroEurPerM: 0n,
  outputMicroEurPerM: 10_000_000n,
  effectiveFrom: 0,
} as Price;

before(async () => {
  t = await openTestStore();
  unshipped = new UnshippedSpend((accountId) => gate.isPrepaid(accountId));
  // Re-reads only when asked: the test decides when the store's figures arrive.
  gate = new PrepaidGate({ store: t.store, refreshMs: 3_600_000, unshipped });
  await gate.start();
  meter = await startTestMeter(t, { priceBook: { priceAt: () => PRICE }, unshipped });
});

after(async () => {
  await meter?.stop();
  await gate?.stop();
  await t?.close();
});

let sequence = 0;
function spend(accountId: string, cents: number) {
  sequence++;
  return meter.record({
    requestId: `req_${sequence.toString(36).padStart(16, "0")}`,
    receivedAt: Date.now(),
    firstTokenAt: null,
    accountId,
    keyId: "keykeykeykey",
    model: "m",
    status: "completed",
    httpStatus: 200,
    usage: { promptTokens: 1, cachedTokens: 0, completionTokens: cents * 1000 },
    userAgent: undefined,
    clientIp: "192.0.2.1",
  });
}

const refused = (accountId: string) =>
  assert.throws(() => gate.checkPrincipal({ accountId, keyId: "k" }), /prepaid credit is used up/);

test("a prepaid account is refused as soon as this agent's spend uses up its credit", async () => {
  const account = await createAccount(t.store.pool, { name: "Prepaid", email: "pp@example.eu" });
  const postpaid = await createAccount(t.store.pool, { name: "Postpaid", email: "post@example.eu" });
  await setBillingMode(t.store.pool, account.id, "prepaid");
  await addCredit(t.store.pool, {
    accountId: account.id,
    kind: "top_up",
    amountPicoEur: 3n * PICO_PER_CENT,
    by: "t",
  });
  await gate.refresh();
  assert.equal(gate.balanceOf(account.id), 3n * PICO_PER_CENT);

  await spend(account.id, 2);
  assert.equal(gate.balanceOf(account.id), 1n * PICO_PER_CENT, "counted before any re-read");
  gate.checkPrincipal({ accountId: account.id, keyId: "k" });
  await spend(account.id, 1);
  refused(account.id);
  await spend(postpaid.id, 50);
  gate.checkPrincipal({ accountId: postpaid.id, keyId: "k" });

  // Shipped, then re-read: the store's figure now holds the spend, and it is not taken off twice.
  await until("the usage is in the store", async () => {
    const { rows } = await t.store.pool.query(
      "SELECT count(*)::int AS n FROM usage_events WHERE account_id = $1",
      [account.id],
    );
    return rows[0].n === 2;
  });
  await gate.refresh();
  assert.equal(gate.balanceOf(account.id), 0n);
  assert.equal(unshipped.of(account.id), 0n);
  refused(account.id);

  await addCredit(t.store.pool, {
    accountId: account.id,
    kind: "top_up",
    amountPicoEur: PICO_PER_CENT,
    by: "t",
  });
  await gate.refresh();
  assert.equal(gate.balanceOf(account.id), PICO_PER_CENT);
  gate.checkPrincipal({ accountId: account.id, keyId: "k" });
});
