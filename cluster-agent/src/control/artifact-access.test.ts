import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { request } from "undici";
import { ArtifactCache } from "../cache/artifacts.js";
import {
  type ArtifactPeerServer,
  type PeerTls,
  peerDispatcher,
  startArtifactPeerServer,
} from "../cache/peers.js";
import { revokeCertificate } from "../store/certificate-revocations.js";
import { makeArtifacts, type TestArtifact } from "../test-support/artifacts.js";
import { issueTestPki, type TestPki } from "../test-support/control-client.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { artifactClientCheck } from "./artifact-access.js";
import { issueNodeCertificate } from "./certs.js";
import { RevocationList } from "./revocations.js";

let dir: string;
let pki: TestPki;
let t: TestStore;
let revocations: RevocationList;
let artifact: TestArtifact;
let cache: ArtifactCache;
let share: ArtifactPeerServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "entrim-artifact-access-"));
  pki = await issueTestPki(join(dir, "pki"));
  t = await openTestStore();
  revocations = new RevocationList({ store: t.store });
  await revocations.start();
  [artifact] = await makeArtifacts(dir, [5] as const);
  cache = new ArtifactCache({ dir: join(dir, "cache"), maxBytes: 64 * 1024 * 1024 });
  await cache.stage({ uri: artifact.path, sha256: artifact.sha256, size: artifact.size });
  share = await startArtifactPeerServer({
    listen: "127.0.0.1:0",
    tls: pki.node,
    cache,
    authorize: artifactClientCheck(revocations),
  });
});

after(async () => {
  await share?.stop();
  await cache?.close();
  await revocations?.stop();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A download with the given client certificate: the status and the body's text (or byte count). */
async function download(tls: PeerTls): Promise<{ status: number; body: string }> {
  const dispatcher = peerDispatcher(tls);
  try {
    const response = await request(`${share.url}/artifacts/sha256/${artifact.sha256}`, { dispatcher });
    const bytes = Buffer.from(await response.body.arrayBuffer());
    return {
      status: response.statusCode,
      body: response.statusCode === 200 ? `${bytes.length} bytes` : bytes.toString("utf8"),
    };
  } finally {
    await dispatcher.close();
  }
}

describe("artifact downloads from a node's peer share", () => {
  it("refuse a viewer's certificate, with a message that says which role it takes", async () => {
    const viewer = await download(pki.operators.viewer);
    assert.equal(viewer.status, 403);
    assert.match(
      viewer.body,
      /needs the operator role or a node certificate; your certificate \(viewer\) names viewer/,
    );
  });

  it("serve nodes, operators and admins", async () => {
    for (const tls of [pki.node, pki.operators.operator, pki.operators.admin])
      assert.deepEqual(await download(tls), { status: 200, body: `${artifact.size} bytes` });
  });

  it("refuse a revoked node certificate once the deny list has it", async () => {
    const revoked = await issueNodeCertificate({
      caDir: pki.caDir,
      name: "gpu-old",
      outDir: join(dir, "gpu-old"),
    });
    const tls = { caFile: revoked.caFile, certFile: revoked.certFile, keyFile: revoked.keyFile };
    assert.equal((await download(tls)).status, 200);
    const serial = new X509Certificate(await readFile(revoked.certFile)).serialNumber;
    await revokeCertificate(t.store.pool, {
      serialNumber: serial,
      revokedBy: "ada",
      reason: "node decommissioned",
    });
    while (revocations.size === 0) await once(revocations, "resync");
    const refused = await download(tls);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /revoked on .* by ada \(reason: node decommissioned\)/);
    assert.equal((await download(pki.node)).status, 200, "other nodes still fetch");
  });
});
