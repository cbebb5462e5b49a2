import assert from "node:assert/strict";
import { test } from "node:test";
import { EU_STANDARD_VAT_RATES } from "./eu-vat-rates.js";
import {
  EU_MEMBER_STATES,
  NON_EU_NOTE,
  ossNote,
  REVERSE_CHARGE_NOTE,
  type VatBuyer,
  type VatRule,
  type VatSeller,
  vatRule,
} from "./vat.js";

const SELLER: VatSeller = { country: "SI", domesticRate: "0.22", oss: true };
const OSS = (country: string, percent: string) =>
  `VAT of ${country} (${percent}) charged under the One-Stop Shop, Article 58 of Council Directive 2006/112/EC`;

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
    { rule: "eu_consumer", rate: "0.19", note: OSS("Germany", "19 %") },
    false,
  ],
  [
    "Finnish consumer",
    { country: "FI", vatId: null },
    { rule: "eu_consumer", rate: "0.255", note: OSS("Finland", "25.5 %") },
    false,
  ],
  [
    "Greek consumer (ISO code GR)",
    { country: "GR", vatId: null },
    { rule: "eu_consumer", rate: "0.24", note: OSS("Greece", "24 %") },
    false,
  ],
  [
    "Hungarian consumer, country in lower case",
    { country: "hu", vatId: null },
    { rule: "eu_consumer", rate: "0.27", note: OSS("Hungary", "27 %") },
    false,
  ],
  [
    "French country, Italian VAT ID",
    { country: "FR", vatId: "IT12345678901" },
    { rule: "eu_consumer", rate: "0.20", note: OSS("France", "20 %") },
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
    "unknown country code",
    { country: "XX", vatId: null },
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

test("VAT rule: another seller's country is domestic for it, and Slovenia one of its OSS countries", () => {
  const austrian = { country: "AT", domesticRate: "0.2" };
  assert.equal(vatRule(austrian, { country: "AT", vatId: null }).rate, "0.2");
  assert.equal(vatRule(austrian, { country: "SI", vatId: null }).rule, "eu_consumer");
  assert.equal(vatRule(austrian, { country: "SI", vatId: null }).rate, "0.22");
  assert.equal(vatRule(austrian, { country: "SI", vatId: "SI12345678" }).rule, "eu_reverse_charge");
});

test("VAT rule: with OSS off (below the EUR 10 000 threshold) EU consumers pay the seller's rate", () => {
  const small = { ...SELLER, oss: false };
  for (const country of ["DE", "FI", "FR"]) {
    const rule = vatRule(small, { country, vatId: null });
    assert.deepEqual([rule.rule, rule.rate, rule.note], ["eu_consumer", "0.22", null]);
  }
  assert.equal(vatRule(small, { country: "DE", vatId: "DE123456789" }).rule, "eu_reverse_charge");
  assert.equal(vatRule(small, { country: "SI", vatId: null }).rate, "0.22");
});

test("VAT rule: OSS is on unless turned off, and configured rates override the table per country", () => {
  assert.equal(vatRule({ country: "SI", domesticRate: "0.22" }, { country: "DE", vatId: null }).rate, "0.19");
  const overridden = { ...SELLER, rates: { DE: "0.16", FI: "0.24" } };
  const german = vatRule(overridden, { country: "DE", vatId: null });
  assert.deepEqual([german.rate, german.note], ["0.16", OSS("Germany", "16 %")]);
  assert.equal(vatRule(overridden, { country: "FI", vatId: null }).rate, "0.24");
  assert.equal(vatRule(overridden, { country: "AT", vatId: null }).rate, "0.20", "others keep the table");
  assert.equal(vatRule(overridden, { country: "SI", vatId: null }).rate, "0.22", "domestic keeps its own");
});

test("the rate table covers exactly the member states, each a fraction below 1", () => {
  assert.deepEqual(Object.keys(EU_STANDARD_VAT_RATES).sort(), [...EU_MEMBER_STATES].sort());
  for (const [country, rate] of Object.entries(EU_STANDARD_VAT_RATES)) {
    assert.match(rate, /^0\.[0-9]{1,4}$/, country);
    assert.match(ossNote(country, rate), /^VAT of [A-Z][a-z]+ \(\d+(\.\d+)? %\)/, country);
  }
});

test("VAT rule: a VIES check decides the reverse charge of an EU business", () => {
  const german = { country: "DE", vatId: "DE123456789" };
  const valid = vatRule(SELLER, { ...german, vatIdStatus: "valid" });
  assert.deepEqual([valid.rule, valid.rate, valid.warning], ["eu_reverse_charge", "0", null]);
  const invalid = vatRule(SELLER, { ...german, vatIdStatus: "invalid" });
  // A consumer then: in another member state, at that state's rate under the One-Stop Shop.
  assert.deepEqual(
    [invalid.rule, invalid.rate, invalid.note],
    ["eu_consumer", "0.19", OSS("Germany", "19 %")],
  );
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
