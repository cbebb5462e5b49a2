import assert from "node:assert/strict";
import { test } from "node:test";
import { testBilling } from "../test-support/billing.js";
import { billingSchema, scheduleEnabled, seriesFor, VIES_URL, viesConfig, viesEnabled } from "./billing.js";

test("billing defaults: 22 % domestic, {year}- numbering, 14 days, schedule off without a seller", () => {
  const billing = billingSchema.parse(undefined);
  assert.equal(billing.vat.domesticRate, "0.22");
  assert.equal(billing.vat.oss, true, "EU consumers pay their own country's rate unless turned off");
  assert.equal(billing.vat.rates, undefined);
  assert.equal(billing.series, "{year}-");
  assert.equal(billing.creditNoteSeries, "CN-{year}-");
  assert.equal(billing.paymentTermsDays, 14);
  assert.equal(scheduleEnabled(billing), false);
  assert.equal(scheduleEnabled(testBilling()), true);
  assert.equal(seriesFor("{year}-", new Date("2026-12-01T00:00:00Z")), "2026-");
});

test("billing refusals say what to do", () => {
  const seller = testBilling().seller;
  for (const [input, message] of [
    [{ schedule: { enabled: true } }, /need a seller/],
    [{ seller: { ...seller, country: "si" } }, /ISO alpha-2/],
    [{ seller: { ...seller, vatId: "12345" } }, /starts with the country code/],
    [{ seller, series: "X-", creditNoteSeries: "X-" }, /own series/],
    [{ vat: { domesticRate: 22 } }, /fraction/],
  ] as const) {
    const result = billingSchema.safeParse(input);
    assert.equal(result.success, false, JSON.stringify(input));
    assert.match(result.error!.issues.map((i) => i.message).join("; "), message);
  }
  assert.equal(billingSchema.parse({ seller, vat: { domesticRate: 0.2 } }).vat.domesticRate, "0.2");
});

test("vat.rates overrides EU member states' rates, written as numbers or text; refusals say what to write", () => {
  const seller = testBilling().seller;
  const vat = billingSchema.parse({
    seller,
    vat: { domesticRate: 0.22, oss: false, rates: { FI: 0.255, DE: "0.19" } },
  }).vat;
  assert.deepEqual(vat, { domesticRate: "0.22", oss: false, rates: { FI: "0.255", DE: "0.19" } });
  for (const [input, message] of [
    [{ vat: { rates: { UK: 0.2 } } }, /EU member states' ISO codes.*"UK" is not one/],
    [{ vat: { rates: { EL: 0.24 } } }, /"GR" for Greece/],
    [{ vat: { rates: { DE: 19 } } }, /fractions, e\.g\. 0\.19 for 19 %/],
    [{ vat: { oss: "yes" } }, /vat\.oss is true .* or false/],
    [{ seller, vat: { rates: { SI: 0.22 } } }, /seller's own country pay vat\.domesticRate/],
  ] as const) {
    const result = billingSchema.safeParse(input);
    assert.equal(result.success, false, JSON.stringify(input));
    assert.match(result.error!.issues.map((i) => i.message).join("; "), message);
  }
});

test("billing.vat.vies: off by default, the Commission's service and 10 s / 30 days when turned on", () => {
  const seller = testBilling().seller;
  assert.equal(viesEnabled(billingSchema.parse({ seller })), false);
  const on = billingSchema.parse({ seller, vat: { domesticRate: 0.22, vies: { enabled: true } } });
  assert.equal(viesEnabled(on), true);
  assert.deepEqual(viesConfig(on), { enabled: true, url: VIES_URL, timeoutMs: 10_000, recheckDays: 30 });
  // Without a seller there is no requester to name, and no invoice to check for.
  assert.equal(viesEnabled(billingSchema.parse({ vat: { vies: { enabled: true } } })), false);
  const refused = billingSchema.safeParse({ vat: { vies: { enabled: true, recheckDays: 0 } } });
  assert.equal(refused.success, false);
});
