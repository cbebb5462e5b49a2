import assert from "node:assert/strict";
import { test } from "node:test";
import { integersWithoutExponent } from "./json-grammar.js";

test("the integer rule loses its exponent; fractional numbers keep theirs", () => {
  const gbnf = [
    `root ::= "{" integer-number-rule fractional-number-rule "}"`,
    `integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?`,
    `fractional-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? ("0" | [1-9] [0-9]{0,15}))?`,
  ].join("\n");
  const fixed = integersWithoutExponent(gbnf).split("\n");
  assert.equal(fixed[1], `integer-number-rule ::= "-"? ("0" | [1-9] [0-9]{0,15})`);
  assert.equal(fixed[2], gbnf.split("\n")[2]);
  assert.equal(fixed[0], gbnf.split("\n")[0]);
});
