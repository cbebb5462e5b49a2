import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { makeTempDataDir } from "../test-support/postgres.js";
import {
  API_KEY_LENGTH,
  decodePepper,
  generateApiKey,
  hashSecret,
  loadPepper,
  parseApiKey,
  verifySecret,
} from "./api-key.js";

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

describe("pepper", () => {
  it("is created once per data dir, private, and reused", async () => {
    const dir = await makeTempDataDir();
    try {
      const first = await loadPepper({ dataDir: dir, env: {} });
      assert.equal(first.length, 32);
      assert.equal((await stat(join(dir, "key-pepper"))).mode & 0o777, 0o600);
      assert.deepEqual(await loadPepper({ dataDir: dir, env: {} }), first);
      const [a, b] = await Promise.all([
        loadPepper({ dataDir: join(dir, "race"), env: {} }),
        loadPepper({ dataDir: join(dir, "race"), env: {} }),
      ]);
      assert.deepEqual(a, b, "two processes starting at once agree");
      // The file's text is what another agent's ENTRIM_KEY_PEPPER should be set to.
      const text = (await readFile(join(dir, "key-pepper"), "utf8")).trim();
      assert.deepEqual(
        await loadPepper({ dataDir: "/nonexistent", env: { ENTRIM_KEY_PEPPER: text } }),
        first,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("comes from ENTRIM_KEY_PEPPER as hex or base64 of at least 32 bytes", async () => {
    const bytes = randomBytes(32);
    const fromHex = await loadPepper({
      dataDir: "/nonexistent",
      env: { ENTRIM_KEY_PEPPER: bytes.toString("hex") },
    });
    assert.deepEqual(fromHex, bytes);
    assert.deepEqual(decodePepper(bytes.toString("base64"), "test"), bytes);
    assert.deepEqual(decodePepper(bytes.toString("base64url"), "test"), bytes);
    assert.throws(() => decodePepper(randomBytes(16).toString("hex"), "ENTRIM_KEY_PEPPER"), /at least 32/);
    assert.throws(() => decodePepper("not a pepper!", "ENTRIM_KEY_PEPPER"), /neither hex nor base64/);
  });

  it("refuses a pepper file other users can read", async () => {
    const dir = await makeTempDataDir();
    try {
      await writeFile(join(dir, "key-pepper"), randomBytes(32).toString("base64"), { mode: 0o644 });
      await assert.rejects(loadPepper({ dataDir: dir, env: {} }), /chmod 600/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
