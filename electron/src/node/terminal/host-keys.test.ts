import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { generateKeyPair } from "../../test-support/sshd.js";
import { ConsoleKnownHosts, changedMessage, decideHostKey, HostKeyChecker } from "./host-keys.js";
import { fingerprint } from "./known-hosts.js";

const dir = mkdtempSync(join(tmpdir(), "host-keys-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const a = generateKeyPair();
const b = generateKeyPair();

test("decisions: known, unknown, changed, revoked", () => {
  assert.deepEqual(decideHostKey(a.blob, [{ key: a.blob, source: "f:1" }], []), {
    kind: "known",
    source: "f:1",
  });
  assert.deepEqual(decideHostKey(a.blob, [], []), {
    kind: "unknown",
    keyType: "ssh-ed25519",
    fingerprint: fingerprint(a.blob),
  });
  const changed = decideHostKey(b.blob, [{ key: a.blob, source: "f:2" }], []);
  assert.equal(changed.kind, "changed");
  const message = changedMessage("[h]:2222", changed);
  assert.ok(message.includes(fingerprint(a.blob)) && message.includes(fingerprint(b.blob)), message);
  assert.match(message, /Host key changed for \[h\]:2222/);
  const revoked = decideHostKey(a.blob, [{ key: a.blob, source: "f:1" }], [{ key: a.blob, source: "f:9" }]);
  assert.equal(revoked.kind, "revoked", "a revoked key is refused even where it is also known");
});

test("the checker reads OpenSSH's file and the console's store; accepted keys are remembered", () => {
  const openssh = join(dir, "known_hosts");
  writeFileSync(openssh, `[10.0.0.5]:2222 ssh-ed25519 ${a.blob.toString("base64")}\n`);
  const store = new ConsoleKnownHosts(join(dir, "sub", "known-hosts.json"));
  const checker = new HostKeyChecker(store, [openssh, join(dir, "missing")]);
  assert.equal(checker.decide("10.0.0.5", 2222, a.blob).kind, "known");
  assert.equal(checker.decide("10.0.0.5", 2222, b.blob).kind, "changed");
  assert.equal(checker.decide("10.0.0.6", 2222, b.blob).kind, "unknown");
  checker.accept("10.0.0.6", 2222, b.blob);
  assert.equal(checker.decide("10.0.0.6", 2222, b.blob).kind, "known");
  assert.equal(checker.decide("10.0.0.6", 22, b.blob).kind, "unknown", "per port");
  const changed = checker.decide("10.0.0.6", 2222, a.blob);
  assert.equal(changed.kind, "changed");
  assert.match(changedMessage("x", changed), /known-hosts\.json/);
});

test("a corrupt console store refuses rather than forgetting every key", () => {
  const file = join(dir, "corrupt.json");
  writeFileSync(file, "{not json");
  const checker = new HostKeyChecker(new ConsoleKnownHosts(file), []);
  assert.throws(() => checker.decide("h", 22, a.blob));
});
