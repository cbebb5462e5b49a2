import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import { makeTempDataDir } from "../test-support/postgres.js";
import { decodePepper, loadPepper } from "./pepper.js";

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
