import assert from "node:assert/strict";
import { test } from "node:test";
import { NON_EU_NOTE, REVERSE_CHARGE_NOTE, type VatBuyer, type VatRule, vatRule } from "./vat.js";

const SELLER = { country: "SI", domesticRate: "0.22" };

const CASES: [string, VatBuyer, Pick<VatRule, "rule" | "rate" | "note">, boolean][] = [
  [
    "Slovenian business",
    { country: "SI", vatId: "SI12345678" },
    { rule: "domestic", rate: "0.22", note: null },
    false,
  ],
  [
    "Slovenian consumer",
    { country: "SI", vatId: null },
    { rule: "domestic", rate: "0.22", note: null },
    false,
  ],
  [
    "German business with a VAT ID",
    { country: "DE", vatId: "DE123456789" },
    { rule: "eu_reverse_charge", rate: "0", note: REVERSE_CHARGE_NOTE },
    false,
  ],
  [
    "Greek business (EL prefix)",
    { country: "GR", vatId: "EL123456789" },
    { rule: "eu_reverse_charge", rate: "0", note: REVERSE_CHARGE_NOTE },
    false,
  ],
  [
    "German consumer",
    { country: "DE", vatId: null },
    { rule: "eu_consumer", rate: "0.22", note: null },
    false,
  ],
  [
    "French country, Italian VAT ID",
    { country: "FR", vatId: "IT12345678901" },
    { rule: "eu_consumer", rate: "0.22", note: null },
    true,
  ],
  ["US business", { country: "US", vatId: null }, { rule: "non_eu", rate: "0", note: NON_EU_NOTE }, false],
  [
    "Swiss business with a VAT ID",
    { country: "CH", vatId: "CHE123456789" },
    { rule: "non_eu", rate: "0", note: NON_EU_NOTE },
    false,
  ],
  [
    "UK (left the EU)",
    { country: "GB", vatId: "GB123456789" },
    { rule: "non_eu", rate: "0", note: NON_EU_NOTE },
    false,
  ],
  [
    "no country on file",
    { country: null, vatId: null },
    { rule: "domestic", rate: "0.22", note: null },
    true,
  ],
];

for (const [name, buyer, expected, warned] of CASES) {
  test(`VAT rule: ${name}`, () => {
    const rule = vatRule(SELLER, buyer);
    assert.deepEqual({ rule: rule.rule, rate: rule.rate, note: rule.note }, expected);
    assert.equal(rule.warning !== null, warned, rule.warning ?? "no warning");
  });
}

test("VAT rule: the seller's own rate is used for domestic and EU consumers", () => {
  const austrian = { country: "AT", domesticRate: "0.2" };
  assert.equal(vatRule(austrian, { country: "AT", vatId: null }).rate, "0.2");
  assert.equal(vatRule(austrian, { country: "SI", vatId: null }).rule, "eu_consumer");
  assert.equal(vatRule(austrian, { country: "SI", vatId: "SI12345678" }).rule, "eu_reverse_charge");
});

test("VAT rule: a VIES check decides the reverse charge of an EU business", () => {
  const german = { country: "DE", vatId: "DE123456789" };
  const valid = vatRule(SELLER, { ...german, vatIdStatus: "valid" });
  assert.deepEqual([valid.rule, valid.rate, valid.warning], ["eu_reverse_charge", "0", null]);
  const invalid = vatRule(SELLER, { ...german, vatIdStatus: "invalid" });
  assert.deepEqual([invalid.rule, invalid.rate, invalid.note], ["eu_consumer", "0.22", null]);
  assert.match(invalid.warning ?? "", /DE123456789 as not valid/);
  // An outage keeps the reverse charge, but operators are told it was not verified.
  const unknown = vatRule(SELLER, { ...german, vatIdStatus: "unknown" });
  assert.deepEqual([unknown.rule, unknown.note], ["eu_reverse_charge", REVERSE_CHARGE_NOTE]);
  assert.match(unknown.warning ?? "", /could not be verified in VIES/);
  // The status never matters where the prefix alone already decided.
  assert.equal(
    vatRule(SELLER, { country: "DE", vatId: "FR12345678901", vatIdStatus: "valid" }).rule,
    "eu_consumer",
  );
});
