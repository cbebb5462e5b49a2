import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { forbiddenCharacter, plainTextProblem, requestTextProblem } from "./text.js";

describe("plain text checks", () => {
  it("finds C0 (NUL, tab, newline), DEL, C1 and unpaired surrogates, and passes the rest", () => {
    for (const [text, codePoint] of [
      ["a\u0000b", "U+0000"],
      ["a\tb", "U+0009"],
      ["a\nb", "U+000A"],
      ["a\u007fb", "U+007F"],
      ["a\u0085b", "U+0085"],
      ["a\u009fb", "U+009F"],
      ["a\ud800b", "U+D800"],
      ["a\udc00b", "U+DC00"],
      ["a\ud800", "U+D800"],
    ] as const)
      assert.equal(forbiddenCharacter(text)?.codePoint, codePoint, JSON.stringify(text));
    for (const text of ["", "kernel update", "Zoë’s ticket #42 — ok", "🚀 done", "\u00a0nbsp"])
      assert.equal(forbiddenCharacter(text), undefined, text);
  });

  it("names the field, the character and where it is", () => {
    assert.match(
      plainTextProblem("--reason", "x\u0000") ?? "",
      /^--reason contains a control character \(U\+0000 at position 2\)/,
    );
    assert.match(
      requestTextProblem({ targets: { nodes: ["gpu-1", "gpu\n2"] }, batchSize: 2 }) ?? "",
      /^targets\.nodes\[1\] contains a control character/,
    );
    assert.match(
      requestTextProblem({ targets: { labels: { "zone\u0000": "a" } } }) ?? "",
      /^a key of targets\.labels contains/,
    );
    assert.match(
      requestTextProblem({ accountId: "acct_1", reason: "ok", deadlineSeconds: 3, expiresAtMs: "5" }) ??
        "none",
      /^none$/,
    );
    assert.match(requestTextProblem({ stateReason: "\u0001" }) ?? "", /^state_reason contains/);
    assert.equal(requestTextProblem({ data: Buffer.from([0, 1, 2]) }), undefined, "bytes are not text");
  });
});
