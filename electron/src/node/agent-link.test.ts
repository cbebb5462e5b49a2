import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import type { ListPeersResponse__Output } from "@entrim/proto";
import { type FakeAgent, fixture, startFakeAgent } from "../test-support/fake-agent.js";
import { AgentLink, type TlsMaterial, unaryCall } from "./agent-link.js";
import { ClusterConnection } from "./cluster.js";
import { operatorFromCertificate } from "./identity.js";

// Every fake agent serves the fixture certificate for node-a (SAN DNS:node-a, IP:127.0.0.1), so one
// that the registry, or its own answer, calls anything else is a node answering with another's certificate.
let nodeA: FakeAgent;
let claimsB: FakeAgent;
const tls: TlsMaterial = {
  ca: readFileSync(fixture("ca.pem")),
  cert: readFileSync(fixture("admin.pem")),
  key: readFileSync(fixture("admin-key.pem")),
};
const operator = operatorFromCertificate(tls.cert);

before(async () => {
  nodeA = await startFakeAgent("node-a");
  claimsB = await startFakeAgent("node-b");
});

after(async () => {
  await nodeA.close();
  await claimsB.close();
});

function listPeers(link: AgentLink): Promise<ListPeersResponse__Output> {
  return unaryCall<object, ListPeersResponse__Output>(
    (r, o, cb) => link.cluster.listPeers(r, o, cb),
    { includeStopped: false },
    5_000,
  );
}

async function answers(expectedNode: string): Promise<string> {
  const link = new AgentLink(nodeA.address, tls, { node: expectedNode });
  try {
    return (await listPeers(link)).answeredBy;
  } finally {
    link.close();
  }
}

test("a channel to node A accepts node A's certificate and refuses one for node B", async () => {
  assert.equal(await answers("node-a"), "node-a");
  // The certificate names 127.0.0.1, the address dialled: a host match must not stand in for the node.
  await assert.rejects(answers("node-b"), /certificate is for "node-a", not for node "node-b"/);
});

test("an empty or shared expected node name is refused, never waived", async () => {
  for (const name of ["", "localhost", "127.0.0.1"]) {
    await assert.rejects(answers(name), /cannot identify a node/, `expected node "${name}"`);
  }
});

test("a profile's agent must hold a certificate for the node it answers as", async () => {
  const profile = {
    name: "p",
    addresses: [claimsB.address],
    caFile: "",
    certFile: "",
    keyFile: "",
    readOnly: false,
  };
  await assert.rejects(
    ClusterConnection.connect(profile, operator, tls),
    /answered as node "node-b" but its certificate is for "node-a"/,
  );
  const cluster = await ClusterConnection.connect({ ...profile, addresses: [nodeA.address] }, operator, tls);
  try {
    assert.equal(cluster.info().answeredBy, "node-a");
  } finally {
    cluster.close();
  }
});

test("a registry entry that puts node B at node A's address gets no working channel", async () => {
  const agent = await startFakeAgent("node-a", (self) => [{ name: "node-b", controlAddress: self }]);
  const cluster = await ClusterConnection.connect(
    {
      name: "p",
      addresses: [agent.address],
      caFile: "",
      certFile: "",
      keyFile: "",
      readOnly: false,
    },
    operator,
    tls,
  );
  try {
    assert.equal((await listPeers(cluster.link("node-a"))).answeredBy, "node-a");
    await assert.rejects(listPeers(cluster.link("node-b")), /not for node "node-b"/);
  } finally {
    cluster.close();
    await agent.close();
  }
});
