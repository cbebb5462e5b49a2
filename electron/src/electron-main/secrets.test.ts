import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type SafeStorageLike, SecretStore } from "./secrets.js";

const rot = (s: string) => Buffer.from(s).map((b) => b ^ 0x5a);
function fake(available: boolean, backend?: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
    encryptString: (s) => Buffer.from(rot(s)),
    decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString(),
  };
}

test("secrets are stored encrypted and read back through readPem", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-secrets-"));
  try {
    const store = new SecretStore(fake(true, "gnome_libsecret"), dir, "linux");
    store.put("prod-key", "-----BEGIN PRIVATE KEY-----");
    assert.notEqual(readFileSync(join(dir, "prod-key.secret"), "utf8"), "-----BEGIN PRIVATE KEY-----");
    assert.equal(store.readPem("safe-storage:prod-key").toString(), "-----BEGIN PRIVATE KEY-----");
    assert.throws(() => store.put("../escape", "x"), /Bad secret name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nothing is stored where safeStorage would fall back to plaintext", () => {
  const linuxPlain = new SecretStore(fake(true, "basic_text"), "/nonexistent", "linux");
  assert.match(linuxPlain.refusal() ?? "", /plaintext/);
  assert.throws(() => linuxPlain.put("k", "v"), /Not storing the secret/);
  assert.match(new SecretStore(fake(false), "/nonexistent", "darwin").refusal() ?? "", /no encryption/);
  assert.equal(new SecretStore(fake(true), "/nonexistent", "darwin").refusal(), undefined);
});
