import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { test } from "node:test";
import { generateKeyPair } from "../../test-support/sshd.js";
import { blobKeyType, fingerprint, hostName, lineMatches, parseKnownHosts } from "./known-hosts.js";

const a = generateKeyPair();
const b = generateKeyPair();
const b64 = (k: { blob: Buffer }) => k.blob.toString("base64");

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

test("plain, hashed, non-default port, wildcard and negated patterns", () => {
  const lines = parseKnownHosts(
    [
      "# comment",
      "",
      `gpu-1.example,10.0.0.5 ssh-ed25519 ${b64(a)} ada@laptop`,
      `${hashed("gpu-2.example")} ssh-ed25519 ${b64(b)}`,
      `[gpu-3.example]:2222 ssh-ed25519 ${b64(a)}`,
      `*.eu.example,!bad.eu.example ssh-ed25519 ${b64(b)}`,
      `${hashed("[10.0.0.9]:2200")} ssh-ed25519 ${b64(a)}`,
    ].join("\n"),
  );
  assert.equal(lines.length, 5);
  const matching = (host: string, port = 22) =>
    lines.filter((l) => lineMatches(l, host, port)).map((l) => l.line);
  assert.deepEqual(matching("gpu-1.example"), [3]);
  assert.deepEqual(matching("GPU-1.example"), [3], "host names are case-insensitive");
  assert.deepEqual(matching("10.0.0.5"), [3]);
  assert.deepEqual(matching("10.0.0.5", 2222), [], "another port is another host");
  assert.deepEqual(matching("gpu-2.example"), [4]);
  assert.deepEqual(matching("gpu-3.example", 2222), [5]);
  assert.deepEqual(matching("gpu-3.example"), []);
  assert.deepEqual(matching("x.eu.example"), [6]);
  assert.deepEqual(matching("bad.eu.example"), [], "a matching negation wins");
  assert.deepEqual(matching("10.0.0.9", 2200), [7]);
  assert.equal(lines[0]!.keyType, "ssh-ed25519");
  assert.ok(lines[0]!.key.equals(a.blob));
});

test("markers, corrupt lines and CRLF", () => {
  const lines = parseKnownHosts(
    [
      `@revoked * ssh-ed25519 ${b64(a)}`,
      `@cert-authority *.example ssh-ed25519 ${b64(b)}`,
      `host-a ssh-rsa ${b64(a)}`, // type field disagrees with the blob
      "host-b ssh-ed25519 not*base64",
      "host-c ssh-ed25519",
      `|1|short|x ssh-ed25519 ${b64(a)}`,
      `host-d ssh-ed25519 ${b64(b)}\r`,
    ].join("\r\n"),
  );
  assert.deepEqual(
    lines.map((l) => [l.line, l.marker]),
    [
      [1, "revoked"],
      [7, undefined],
    ],
  );
});

test("fingerprints look like OpenSSH's", () => {
  const fp = fingerprint(a.blob);
  assert.match(fp, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.equal(blobKeyType(a.blob), "ssh-ed25519");
  assert.equal(blobKeyType(Buffer.from([0, 0])), undefined);
  assert.equal(hostName("h", 22), "h");
  assert.equal(hostName("::1", 2222), "[::1]:2222");
});
