import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cliError, runCli, testProgram } from "../test-support/cli.js";
import { makeTempDataDir, startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import { registerAuditCommands } from "./audit.js";
import { registerCertCommands } from "./certs.js";

let dataDir: string;
const cli = (...args: string[]) =>
  runCli(testProgram(registerCertCommands), ["--data-dir", dataDir, ...args]);

before(async () => {
  dataDir = await makeTempDataDir();
});
after(() => rm(dataDir, { recursive: true, force: true }));

describe("entrim-agent certs", () => {
  it("init-ca writes the CA into <data-dir>/ca and refuses to replace it without --force", async () => {
    const human = await cli("certs", "init-ca");
    assert.match(human, /^Created the cluster CA "Entrim cluster CA" in .*\/ca\./);
    assert.match(human, /fingerprint {2}SHA256 ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    assert.match(human, /certs issue-node --name <node>/);
    assert.equal((await stat(join(dataDir, "ca", "ca-key.pem"))).mode & 0o777, 0o600);
    await assert.rejects(cli("certs", "init-ca"), cliError(/ca\.pem already exists.*--force/));
    const other = join(dataDir, "other-ca");
    const json = JSON.parse(
      await cli("--json", "certs", "init-ca", "--dir", other, "--name", "Second CA", "--days", "400"),
    );
    assert.equal(json.subject, "CN=Second CA, O=Entrim cluster");
    assert.equal(json.certFile, join(other, "ca.pem"));
    assert.equal(json.keyFile, join(other, "ca-key.pem"));
    const forced = JSON.parse(await cli("--json", "certs", "init-ca", "--dir", other, "--force"));
    assert.notEqual(forced.fingerprint, json.fingerprint);
  });

  it("issue-node writes where an agent on the same data dir looks, with the hosts given", async () => {
    const json = JSON.parse(
      await cli(
        "--json",
        "certs",
        "issue-node",
        "--name",
        "gpu-01",
        "--host",
        "10.0.0.5",
        "--host",
        "gpu-01.eu,10.0.0.6",
      ),
    );
    const tls = join(dataDir, "tls");
    assert.deepEqual(
      [json.caFile, json.certFile, json.keyFile],
      [join(tls, "ca.pem"), join(tls, "node.pem"), join(tls, "node-key.pem")],
    );
    assert.deepEqual(json.hosts, [
      "gpu-01",
      "localhost",
      "127.0.0.1",
      "::1",
      "10.0.0.5",
      "gpu-01.eu",
      "10.0.0.6",
    ]);
    const cert = new X509Certificate(await readFile(json.certFile));
    assert.equal(cert.fingerprint256, json.fingerprint);
    assert.equal(new Date(cert.validTo).toISOString(), json.notAfter);
    assert.match(
      await cli("certs", "issue-node", "--name", "gpu-02"),
      /hosts {8}gpu-02, localhost, 127\.0\.0\.1, ::1/,
    );
  });

  it("issue-operator writes <name>.pem into <data-dir>/operators with the role as OU", async () => {
    const json = JSON.parse(
      await cli("--json", "certs", "issue-operator", "--name", "alice", "--role", "admin"),
    );
    const out = join(dataDir, "operators");
    assert.deepEqual(
      [json.certFile, json.keyFile, json.caFile],
      [join(out, "alice.pem"), join(out, "alice-key.pem"), join(out, "ca.pem")],
    );
    assert.equal(json.role, "admin");
    assert.equal(json.subject, "CN=alice, OU=admin, O=Entrim operators");
    assert.ok(Date.parse(json.notAfter) - Date.now() < 91 * 86_400_000, "90 days by default");
    const human = await cli("certs", "issue-operator", "--name", "bob", "--role", "viewer", "--days", "7");
    assert.match(human, /^Issued a viewer certificate for bob\./);
    assert.match(human, /bob-key\.pem .*to bob over a private channel/);
  });

  it("says what to do about bad flags", async () => {
    await assert.rejects(
      cli("certs", "issue-operator", "--name", "carol", "--role", "root"),
      cliError(/Role "root" is not one of viewer, operator, admin/),
    );
    await assert.rejects(
      cli("certs", "issue-operator", "--name", "carol smith", "--role", "viewer"),
      cliError(/letters, digits and \.@_-/),
    );
    await assert.rejects(
      cli("certs", "issue-operator", "--name", "carol", "--role", "viewer", "--days", "ten"),
      cliError(/--days must be a whole number of days, got "ten"/),
    );
    await assert.rejects(
      cli("certs", "issue-node", "--name", "gpu-03", "--host", "not a host"),
      cliError(/--host "not a host" is neither an IP address nor a DNS name/),
    );
    await assert.rejects(
      cli("certs", "issue-node", "--name", "gpu-03", "--ca-dir", join(dataDir, "missing")),
      cliError(/No CA in .*missing.*`entrim-agent certs init-ca`/),
    );
    await assert.rejects(
      cli("certs", "issue-operator", "--name", "carol"),
      /required option '--role <role>'/,
    );
  });
});

describe("entrim-agent certs revoke / revoked", () => {
  let server: TestPostgres;
  const storeCli = (...args: string[]) =>
    runCli(testProgram(registerCertCommands, registerAuditCommands), [
      "--database-url",
      server.url,
      "--data-dir",
      dataDir,
      ...args,
    ]);
  before(async () => {
    server = await startTestPostgres();
  });
  after(() => server?.stop());

  it("puts a certificate on the deny list from its file, once, and lists it", async () => {
    const issued = JSON.parse(
      await cli("--json", "certs", "issue-operator", "--name", "dora", "--role", "operator"),
    );
    const human = await storeCli("certs", "revoke", "--cert", issued.certFile, "--reason", "laptop lost");
    assert.match(
      human,
      /^Revoked CN=dora, OU=operator, O=Entrim operators\. Every agent refuses it within seconds\./,
    );
    const serial = new X509Certificate(await readFile(issued.certFile)).serialNumber
      .toLowerCase()
      .replace(/^0+/, "");
    assert.match(human, new RegExp(`serial {7}${serial}`));
    assert.match(human, new RegExp(`fingerprint {2}SHA256 ${issued.fingerprint}`));
    // By serial number now: the same certificate, so the first revocation stands.
    const again = JSON.parse(
      await storeCli("--json", "certs", "revoke", "--serial", serial, "--reason", "twice"),
    );
    assert.equal(again.created, false);
    assert.equal(again.reason, "laptop lost");
    const listed = JSON.parse(await storeCli("--json", "certs", "revoked"));
    assert.deepEqual(
      listed.map((r: { subject: string; fingerprint: string; reason: string }) => [
        r.subject,
        r.fingerprint,
        r.reason,
      ]),
      [["CN=dora, OU=operator, O=Entrim operators", issued.fingerprint, "laptop lost"]],
    );
    const audit = JSON.parse(await storeCli("--json", "audit", "list", "--action", "certificate."));
    assert.deepEqual(
      audit.map((e: { target: string; result: string }) => [e.target, e.result]),
      [
        [`certificate:serial ${serial}`, "ok"],
        ["certificate:CN=dora, OU=operator, O=Entrim operators", "ok"],
      ],
    );
  });

  it("refuses control characters in the reason and names nothing twice or not at all", async () => {
    const issued = JSON.parse(
      await cli("--json", "certs", "issue-operator", "--name", "eve", "--role", "viewer"),
    );
    await assert.rejects(
      storeCli("certs", "revoke", "--cert", issued.certFile, "--reason", "stolen\u0000"),
      cliError(/^the reason contains a control character \(U\+0000 at position 7\)/),
    );
    await assert.rejects(
      storeCli("certs", "revoke", "--cert", issued.certFile, "--serial", "ab", "--reason", "x"),
      cliError(/exactly one of --cert, --serial or --fingerprint/),
    );
    await assert.rejects(storeCli("certs", "revoke", "--reason", "x"), cliError(/exactly one of/));
    await assert.rejects(
      storeCli("certs", "revoke", "--fingerprint", "AB:CD", "--reason", "x"),
      cliError(/is not a SHA-256 fingerprint/),
    );
    const listed = JSON.parse(await storeCli("--json", "certs", "revoked"));
    assert.ok(!listed.some((r: { subject: string }) => r.subject.includes("CN=eve")), "nothing was revoked");
  });
});
