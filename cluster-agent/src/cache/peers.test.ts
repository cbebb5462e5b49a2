import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { makeArtifacts, type TestArtifact } from "../test-support/artifacts.js";
import { issueTestPki, type TestPki } from "../test-support/control-client.js";
import { ArtifactCache } from "./artifacts.js";
import { type ArtifactPeerServer, peerDispatcher, startArtifactPeerServer } from "./peers.js";

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
  const target = cache("target", {
    peerUrl: (node) => (node === "gpu-01" ? share.url : undefined),
    dispatcher: peerDispatcher(pki.node),
  });
  const staged = await target.stage({
    uri: `agent://gpu-01/${artifact.sha256}`,
    sha256: artifact.sha256,
    size: artifact.size,
  });
  assert.equal(staged.fetched, true);
  assert.deepEqual(await readFile(staged.path), artifact.bytes);
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
