import assert from "node:assert/strict";
import { test } from "node:test";
import { csvCell, csvDocument } from "./csv.js";

test("cells a spreadsheet would run as formulas are prefixed with a quote and quoted", () => {
  assert.equal(
    csvCell('=HYPERLINK("https://evil.example","x")'),
    `"'=HYPERLINK(""https://evil.example"",""x"")"`,
  );
  assert.equal(csvCell("+1+cmd|' /C calc'!A0"), `"'+1+cmd|' /C calc'!A0"`);
  assert.equal(csvCell("-2+3"), `"'-2+3"`);
  assert.equal(csvCell("@SUM(A1:A9)"), `"'@SUM(A1:A9)"`);
  assert.equal(csvCell("\t=1"), `"'\t=1"`);
  assert.equal(csvCell("\r=1"), `"'\r=1"`);
});

test("ordinary cells are unchanged, quoted only where RFC 4180 needs it; plain numbers stay numbers", () => {
  assert.equal(csvCell("llama-70b"), "llama-70b");
  assert.equal(csvCell("-12.50"), "-12.50");
  assert.equal(csvCell("0.19"), "0.19");
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell(""), "");
  assert.equal(
    csvDocument([
      ["a", "=1"],
      ["2", "b"],
    ]),
    `a,"'=1"\n2,b\n`,
  );
});
