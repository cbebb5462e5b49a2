import assert from "node:assert/strict";
import { test } from "node:test";
import { EU_MEMBER_STATES } from "./vat.js";
import { EU_VAT_ID_FORMATS, normalizeVatId, vatIdProblem } from "./vat-id.js";

/** The accounts.vat_id CHECK (migration 0017): every accepted ID must pass it. */
const DB_CHECK = /^[A-Z]{2}[A-Za-z0-9+*.]{2,13}$/;

const VALID = [
  "ATU12345678",
  "BE0123456789",
  "BE1234567890",
  "BG123456789",
  "BG1234567890",
  "CY12345678L",
  "CZ12345678",
  "CZ1234567890",
  "DE123456789",
  "DK12345678",
  "EE123456789",
  "EL123456789",
  "ESX1234567X",
  "ES12345678Z",
  "FI12345678",
  "FRXX123456789",
  "FR12345678901",
  "HR12345678901",
  "HU12345678",
  "IE1234567WI",
  "IE1234567T",
  "IE1S12345L",
  "IE1+12345L",
  "IT12345678901",
  "LT123456789",
  "LT123456789012",
  "LU12345678",
  "LV12345678901",
  "MT12345678",
  "NL123456789B01",
  "PL1234567890",
  "PT123456789",
  "RO12",
  "RO1234567890",
  "SE123456789001",
  "SI12345678",
  "SK1234567890",
  "XI123456789",
  "XIGD123",
  // Outside the EU: the generic shape.
  "GB123456789",
  "CHE123.456.789",
  "NO123456789MVA",
];

const INVALID: [string, RegExp][] = [
  ["DE12345678", /Germany is DE followed by 9 digits, e\.g\. DE123456789\./],
  ["DE1234567890", /Germany is DE followed by 9 digits/],
  ["AT12345678", /Austria is AT followed by U and 8 digits/],
  ["FR123456789", /France is FR followed by 2 letters or digits and 9 digits/],
  ["NL123456789", /Netherlands is NL followed by 9 digits, B and 2 digits, e\.g\. NL123456789B01/],
  ["SI1234567", /Slovenia is SI followed by 8 digits/],
  ["EL12345678", /Greece is EL followed by 9 digits/],
  ["GR123456789", /Greek VAT IDs start with EL/],
  ["BE2123456789", /Belgium is BE followed by 10 digits starting with 0 or 1/],
  ["RO1", /Romania is RO followed by 2 to 10 digits/],
  ["XI12345", /Northern Ireland is XI followed by/],
  ["123456789", /with its country prefix/],
  ["GB1", /with its country prefix/],
];

test("every member state's VAT prefix has a format (Greece as EL), and Northern Ireland's XI", () => {
  const prefixes = [...EU_MEMBER_STATES].map((c) => (c === "GR" ? "EL" : c));
  assert.deepEqual(Object.keys(EU_VAT_ID_FORMATS).sort(), [...prefixes, "XI"].sort());
  for (const [prefix, format] of Object.entries(EU_VAT_ID_FORMATS))
    assert.equal(vatIdProblem(format.example), null, `${prefix}'s own example ${format.example}`);
});

for (const id of VALID) {
  test(`VAT ID ${id} is accepted and fits the database CHECK`, () => {
    assert.equal(vatIdProblem(id), null);
    assert.match(id, DB_CHECK);
  });
}

for (const [id, message] of INVALID) {
  test(`VAT ID ${id} is refused with the expected format`, () => {
    assert.match(vatIdProblem(id) ?? "accepted", message);
  });
}

test("VAT IDs are normalized as typed: capitals, no spaces or dashes, EU IDs without dots", () => {
  assert.equal(normalizeVatId("de 123 456 789"), "DE123456789");
  assert.equal(normalizeVatId("BE 0123.456.789"), "BE0123456789");
  assert.equal(normalizeVatId("CHE-123.456.789"), "CHE123.456.789");
  assert.equal(normalizeVatId("frxx-123456789"), "FRXX123456789");
});
