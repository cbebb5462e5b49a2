import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { API_KEY_LENGTH, generateApiKey, hashSecret, parseApiKey, verifySecret } from "./api-key.js";

const pepper = randomBytes(32);

describe("API key format", () => {
  it("generates sk-entrim-<id>-<secret> tokens that parse back", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey();
      assert.match(key.token, /^sk-entrim-[a-z2-7]{12}-[A-Za-z0-9_-]{43}$/);
      assert.equal(key.token.length, API_KEY_LENGTH);
      assert.equal(Buffer.from(key.secret, "base64url").length, 32, "256-bit secret");
      assert.deepEqual(parseApiKey(key.token), { id: key.id, secret: key.secret });
      ids.add(key.id);
    }
    assert.equal(ids.size, 200);
  });

  it("rejects anything that is not exactly a key", () => {
    const { token, id, secret } = generateApiKey();
    const bad = [
      "",
      "sk-entrim-",
      token.slice(0, -1),
      `${token}A`,
      token.replace("sk-entrim-", "sk-entrin-"),
      `sk-entrim-${id.toUpperCase()}-${secret}`,
      `sk-entrim-${id}_${secret}`,
      `sk-entrim-${id.slice(0, 11)}1-${secret}`, // '1' is not in the base32 alphabet
      `sk-entrim-${id}-${secret.slice(0, 42)}=`,
      `sk-entrim-${id}-${secret.slice(0, 42)}B`, // non-zero padding bits: not a canonical encoding
      `sk-entrim-${id}-${secret.slice(0, 20)}é${secret.slice(21)}`,
      "x".repeat(100_000),
    ];
    for (const candidate of bad) assert.equal(parseApiKey(candidate), null, candidate.slice(0, 80));
  });

  it("verifies the secret by HMAC under the pepper, and only that secret", () => {
    const { secret } = generateApiKey();
    const hmac = hashSecret(secret, pepper);
    assert.equal(hmac.length, 32);
    assert.equal(verifySecret(secret, hmac, pepper), true);
    assert.equal(verifySecret(generateApiKey().secret, hmac, pepper), false, "another secret");
    assert.equal(verifySecret(secret, hmac, randomBytes(32)), false, "another cluster's pepper");
    const flipped = Buffer.from(hmac);
    flipped[31]! ^= 1;
    assert.equal(verifySecret(secret, flipped, pepper), false, "one bit off");
    assert.equal(
      verifySecret(secret, hmac.subarray(0, 16), pepper),
      false,
      "a truncated hmac does not throw",
    );
  });
});
