import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fixture } from "../test-support/fake-agent.js";
import { createHandlers } from "./handlers.js";
import { operatorFromCertificate } from "./identity.js";
import { ProfileStore } from "./profiles.js";
import { createRouter } from "./router.js";

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

/** A store with a read-only profile written by hand, and the router the renderer's calls go through. */
function windowSetup() {
  const dir = mkdtempSync(join(tmpdir(), "console-profiles-"));
  for (const name of ["ca.pem", "admin.pem", "admin-key.pem", "viewer.pem", "viewer-key.pem"])
    copyFileSync(fixture(name), join(dir, name));
  // The same admin certificate and key again under other names, as an operator's copies would be.
  copyFileSync(fixture("admin.pem"), join(dir, "copy.pem"));
  copyFileSync(fixture("admin-key.pem"), join(dir, "copy-key.pem"));
  const store = new ProfileStore(join(dir, "profiles.json"));
  const ro = {
    name: "wall",
    addresses: ["127.0.0.1:9443"],
    caFile: fixture("ca.pem"),
    certFile: "admin.pem",
    keyFile: "admin-key.pem",
    readOnly: true,
  };
  store.save(ro);
  const router = createRouter(createHandlers({ profiles: store }));
  return { dir, store, ro, router, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test("the renderer cannot clear a read-only flag: not in place, not by delete and re-add, not by a copy", async () => {
  const { store, ro, router, done } = windowSetup();
  try {
    await assert.rejects(router.call("profiles.save", { ...ro, readOnly: false }), /is read-only/);
    // The flag's default is false: leaving it out is clearing it too.
    const { readOnly: _, ...withoutFlag } = ro;
    await assert.rejects(router.call("profiles.save", withoutFlag), /is read-only/);
    await assert.rejects(router.call("profiles.delete", { profile: "wall" }), /is read-only/);
    // The same admin key under another profile name, writable: as is, and as copies of the files.
    for (const files of [{}, { certFile: "copy.pem", keyFile: "copy-key.pem" }]) {
      await assert.rejects(
        router.call("profiles.save", { ...ro, caFile: "ca.pem", name: "wall-2", readOnly: false, ...files }),
        /uses the client key of read-only profile "wall"/,
      );
    }
    assert.deepEqual(
      store.list().map((p) => [p.name, p.readOnly]),
      [["wall", true]],
    );
    // Read-only edits stay possible, and a profile with another key may be writable.
    await router.call("profiles.save", { ...ro, addresses: ["127.0.0.1:9444"] });
    await router.call("profiles.save", {
      ...ro,
      name: "viewer",
      caFile: "ca.pem",
      certFile: "viewer.pem",
      keyFile: "viewer-key.pem",
      readOnly: false,
    });
    assert.deepEqual(
      store.list().map((p) => [p.name, p.readOnly]),
      [
        ["wall", true],
        ["viewer", false],
      ],
    );
  } finally {
    done();
  }
});

test("paths from the renderer stay inside the profiles folder unless the file already names them", async () => {
  const { dir, store, ro, router, done } = windowSetup();
  try {
    const fresh = { ...ro, name: "new", readOnly: true };
    for (const path of [
      "../../etc/passwd",
      "/etc/passwd",
      "~/.ssh/id_ed25519",
      "a/../../x",
      "safe-storage:k",
    ]) {
      await assert.rejects(
        router.call("profiles.save", { ...fresh, caFile: path }),
        /can only be named relative to/,
        path,
      );
      await assert.rejects(
        router.call("profiles.save", {
          ...fresh,
          caFile: "ca.pem",
          certFile: "ada.pem",
          keyFile: "ada-key.pem",
          ssh: { user: "ops", keyFile: path },
        }),
        /ssh\.keyFile .*can only be named relative to/,
        path,
      );
    }
    const saved = await router.call("profiles.save", {
      ...fresh,
      caFile: "certs/ca.pem",
      certFile: "ada.pem",
      keyFile: "ada-key.pem",
    });
    assert.equal((saved as { caFile: string }).caFile, join(dir, "certs", "ca.pem"));
    // What profiles.json already says (written by hand) may be sent back, as given or resolved.
    await router.call("profiles.save", { ...ro, addresses: ["127.0.0.1:1"] });
    await router.call("profiles.save", store.get("wall"));
  } finally {
    done();
  }
});
