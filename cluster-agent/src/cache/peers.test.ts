import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { makeArtifacts, type TestArtifact } from "../test-support/artifacts.js";
import { issueTestNodeCertificate, issueTestPki, type TestPki } from "../test-support/control-client.js";
import { ArtifactCache } from "./artifacts.js";
import {
  type ArtifactPeerServer,
  peerDispatcher,
  peerDispatchers,
  startArtifactPeerServer,
} from "./peers.js";

let dir: string;
let pki: TestPki;
let artifact: TestArtifact;
let source: ArtifactCache;
let share: ArtifactPeerServer;
const caches: ArtifactCache[] = [];

function cache(name: string, options: Partial<ConstructorParameters<typeof ArtifactCache>[0]> = {}) {
  const made = new ArtifactCache({ dir: join(dir, name), maxBytes: 64 * 1024 * 1024, ...options });
  caches.push(made);
  return made;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "entrim-peers-"));
  pki = await issueTestPki(join(dir, "pki"));
  [artifact] = await makeArtifacts(dir, [3] as const);
  source = cache("source");
  await source.stage({ uri: artifact.path, sha256: artifact.sha256, size: artifact.size });
  share = await startArtifactPeerServer({ listen: "127.0.0.1:0", tls: pki.node, cache: source });
});

after(async () => {
  await share?.stop();
  for (const c of caches) await c.close();
  await rm(dir, { recursive: true, force: true });
});

it("a node fetches an agent:// artifact from a peer over mutual TLS, verified", async () => {
  const byNode = peerDispatchers(pki.node);
  const target = cache("target", {
    peerUrl: (node) => (node === "test-node" ? share.url : undefined),
    dispatcher: peerDispatcher(pki.node),
    peerDispatcher: byNode.forNode,
  });
  const staged = await target.stage({
    uri: `agent://test-node/${artifact.sha256}`,
    sha256: artifact.sha256,
    size: artifact.size,
  });
  assert.equal(staged.fetched, true);
  assert.deepEqual(await readFile(staged.path), artifact.bytes);
  await byNode.close();
});

it("a peer whose certificate is another node's is refused, though it names localhost too", async () => {
  // The registry says gpu-a lives at this address, but the server there holds gpu-b's certificate
  // (a valid one from the cluster CA, with the loopback names every node certificate carries).
  const other = await issueTestNodeCertificate(pki, "gpu-b", join(dir, "gpu-b"));
  const impostor = await startArtifactPeerServer({
    listen: "127.0.0.1:0",
    tls: { caFile: other.caFile, certFile: other.certFile, keyFile: other.keyFile },
    cache: source,
  });
  const byNode = peerDispatchers(pki.node);
  try {
    const target = cache("misdirected", {
      peerUrl: (node) => (node === "gpu-a" ? impostor.url : undefined),
      peerDispatcher: byNode.forNode,
    });
    await assert.rejects(
      target.stage({ uri: `agent://gpu-a/${artifact.sha256}`, sha256: artifact.sha256, size: artifact.size }),
      (error: Error) => /not of node "gpu-a"/.test(`${error.message} ${(error.cause as Error)?.message}`),
    );
    assert.equal((await target.entries()).length, 0);
  } finally {
    await byNode.close();
    await impostor.stop();
  }
});

it("a client with another CA's certificate, or none, gets nothing", async () => {
  const foreign = cache("foreign", {
    peerUrl: () => share.url,
    dispatcher: peerDispatcher({ ...pki.foreignAdmin, caFile: pki.node.caFile }),
  });
  await assert.rejects(
    foreign.stage({ uri: `agent://gpu-01/${artifact.sha256}`, sha256: artifact.sha256, size: artifact.size }),
  );
  const anonymous = await fetch(`${share.url}/artifacts/sha256/${artifact.sha256}`).catch((e: Error) => e);
  assert.ok(anonymous instanceof Error, "no client certificate: the handshake fails");
  assert.equal((await foreign.entries()).length, 0, "nothing partial was kept");
});
