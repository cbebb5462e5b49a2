import "reflect-metadata";
import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createSecureContext } from "node:tls";
import * as x509 from "@peculiar/x509";
import { makeTempDataDir } from "../test-support/postgres.js";
import { CertError, initCa, issueNodeCertificate, issueOperatorCertificate } from "./certs.js";

const DAY_MS = 86_400_000;
let dir: string;
let caDir: string;
let caCert: X509Certificate;

async function load(file: string) {
  const pem = await readFile(file, "utf8");
  return { node: new X509Certificate(pem), peculiar: new x509.X509Certificate(pem) };
}

async function assertPrivate(file: string) {
  assert.equal((await stat(file)).mode & 0o777, 0o600, `${file} is 0600`);
  const key = createPrivateKey(await readFile(file));
  assert.equal(key.asymmetricKeyType, "ec");
  assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.match(await readFile(file, "utf8"), /^-----BEGIN PRIVATE KEY-----/, "PKCS#8 PEM");
}

const days = (cert: X509Certificate) =>
  Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY_MS);

before(async () => {
  dir = await makeTempDataDir();
  caDir = join(dir, "ca");
  const ca = await initCa({ dir: caDir, name: "Test CA" });
  caCert = new X509Certificate(await readFile(ca.certFile));
});
after(() => rm(dir, { recursive: true, force: true }));

describe("cluster CA", () => {
  it("is a self-signed CA that may only sign, with a private key", async () => {
    const { node, peculiar } = await load(join(caDir, "ca.pem"));
    assert.equal(node.ca, true);
    assert.equal(node.subject, "CN=Test CA\nO=Entrim cluster");
    assert.ok(node.verify(node.publicKey), "self-signed");
    const usage = peculiar.getExtension(x509.KeyUsagesExtension)!;
    assert.equal(usage.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.ok(peculiar.getExtension(x509.BasicConstraintsExtension)?.critical);
    assert.equal(days(node), 3650);
    await assertPrivate(join(caDir, "ca-key.pem"));
  });

  it("refuses to replace itself unless forced", async () => {
    await assert.rejects(
      initCa({ dir: caDir }),
      (error: unknown) =>
        error instanceof CertError && error.code === "exists" && /--force/.test(error.message),
    );
    const other = join(dir, "other-ca");
    const first = await initCa({ dir: other });
    const second = await initCa({ dir: other, force: true, days: 30 });
    assert.notEqual(first.fingerprint, second.fingerprint);
    assert.equal(days(new X509Certificate(await readFile(second.certFile))), 30);
  });
});

describe("issued certificates", () => {
  it("node: server and client auth, SAN with the defaults and the given hosts, OU=node", async () => {
    const out = join(dir, "tls");
    const issued = await issueNodeCertificate({
      caDir,
      name: "gpu-01",
      hosts: ["10.0.0.5", "GPU-01.example.eu", "127.0.0.1"],
      outDir: out,
    });
    const { node, peculiar } = await load(join(out, "node.pem"));
    assert.ok(node.checkIssued(caCert) && node.verify(caCert.publicKey), "chains to the CA");
    assert.equal(node.ca, false);
    assert.equal(node.subject, "CN=gpu-01\nOU=node\nO=Entrim cluster");
    assert.equal(
      node.subjectAltName,
      "DNS:gpu-01, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.0.0.5, DNS:gpu-01.example.eu",
    );
    assert.ok(node.checkHost("gpu-01.example.eu") && node.checkIP("::1"));
    assert.deepEqual(
      [...(peculiar.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])],
      [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    );
    assert.equal(days(node), 365);
    assert.equal(node.fingerprint256, issued.fingerprint);
    assert.equal(await readFile(join(out, "ca.pem"), "utf8"), await readFile(join(caDir, "ca.pem"), "utf8"));
    await assertPrivate(join(out, "node-key.pem"));
    // The key is the certificate's: TLS would refuse the pair otherwise.
    createSecureContext({ cert: await readFile(issued.certFile), key: await readFile(issued.keyFile) });
  });

  it("operator: client auth only, OU is the role, O the operators", async () => {
    const out = join(dir, "operators");
    const issued = await issueOperatorCertificate({
      caDir,
      name: "alice@example.eu",
      role: "operator",
      outDir: out,
    });
    assert.equal(issued.certFile, join(out, "alice@example.eu.pem"));
    const { node, peculiar } = await load(issued.certFile);
    assert.ok(node.checkIssued(caCert) && node.verify(caCert.publicKey), "chains to the CA");
    assert.equal(node.subject, "CN=alice@example.eu\nOU=operator\nO=Entrim operators");
    assert.deepEqual(
      [...(peculiar.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])],
      [x509.ExtendedKeyUsage.clientAuth],
    );
    assert.equal(node.subjectAltName, undefined);
    assert.equal(days(node), 90);
    await assertPrivate(join(out, "alice@example.eu-key.pem"));
    const again = await issueOperatorCertificate({
      caDir,
      name: "alice@example.eu",
      role: "operator",
      outDir: out,
    });
    assert.notEqual(again.serialNumber, issued.serialNumber, "serials are random");
  });

  it("explains bad names, roles, hosts, days and a missing CA", async () => {
    const refuses = (promise: Promise<unknown>, message: RegExp) =>
      assert.rejects(promise, (error: unknown) => error instanceof CertError && message.test(error.message));
    const outDir = join(dir, "bad");
    await refuses(
      issueOperatorCertificate({ caDir, name: "al ice", role: "viewer", outDir }),
      /letters, digits and \.@_-/,
    );
    await refuses(issueOperatorCertificate({ caDir, name: "x".repeat(65), role: "viewer", outDir }), /1-64/);
    await refuses(
      issueOperatorCertificate({ caDir, name: "bob", role: "root", outDir }),
      /viewer, operator, admin/,
    );
    await refuses(issueNodeCertificate({ caDir, name: "-gpu", outDir }), /node's configured name/);
    await refuses(
      issueNodeCertificate({ caDir, name: "gpu", hosts: ["a b"], outDir }),
      /neither an IP address nor a DNS name/,
    );
    await refuses(issueNodeCertificate({ caDir, name: "gpu", outDir, days: 0 }), /whole number of days/);
    await refuses(issueNodeCertificate({ caDir, name: "gpu", outDir, days: 4000 }), /CA expires on/);
    await refuses(
      issueNodeCertificate({ caDir: join(dir, "none"), name: "gpu", outDir }),
      /No CA in .*certs init-ca/,
    );
  });
});
