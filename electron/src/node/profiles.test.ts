import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fixture } from "./fake-agent.js";
import { operatorFromCertificate } from "./identity.js";
import { ProfileStore } from "./profiles.js";

test("the operator's name and role come from the certificate's CN and OU", () => {
  assert.deepEqual(
    { ...operatorFromCertificate(readFileSync(fixture("viewer.pem"))), notAfterMs: 0 },
    { name: "vera", role: "viewer", notAfterMs: 0 },
  );
  assert.throws(() => operatorFromCertificate(readFileSync(fixture("norole.pem"))), /exactly one role/);
  assert.throws(() => operatorFromCertificate("not a certificate"), /Not a PEM certificate/);
});

test("profiles round-trip, relative paths resolve against the file, problems are shown not thrown", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-profiles-"));
  try {
    const store = new ProfileStore(join(dir, "sub", "profiles.json"));
    assert.deepEqual(store.list(), []);
    store.save({
      name: "a",
      addresses: ["127.0.0.1:9443"],
      caFile: "ca.pem",
      certFile: fixture("admin.pem"),
      keyFile: "k.pem",
      readOnly: true,
    });
    store.save({
      name: "b",
      addresses: ["127.0.0.1:9443"],
      caFile: "ca.pem",
      certFile: "missing.pem",
      keyFile: "k.pem",
      readOnly: false,
    });
    const [a, b] = store.list();
    assert.equal(a?.caFile, join(dir, "sub", "ca.pem"));
    assert.equal(a?.operator?.role, "admin");
    assert.equal(a?.readOnly, true);
    assert.match(b?.problem ?? "", /ENOENT/);
    store.delete("b");
    assert.deepEqual(
      store.list().map((p) => p.name),
      ["a"],
    );
    writeFileSync(store.file, JSON.stringify({ profiles: [{ name: "x" }] }));
    assert.throws(() => store.list(), /profiles\.0\.addresses/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
