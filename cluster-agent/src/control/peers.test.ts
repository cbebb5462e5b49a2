import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { endPool } from "../store/db.js";
import { heartbeat, listNodes, type NodeRegistration, upsertNode } from "../store/nodes.js";
import type { Store } from "../store/store.js";
import { agentApplicationName } from "../store/store.js";
import { startUsageMaintenance, USAGE_RETENTION_LOCK_KEY } from "../store/usage-maintenance.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { DrainController } from "./drain.js";
import { nodeControlState } from "./node-state.js";
import { currentLeader, listPeers } from "./peers.js";
import { RegionGate } from "./region.js";
import { clusterService } from "./services/cluster.js";

let test: TestStore;
let store: Store;
before(async () => {
  test = await openTestStore();
  store = test.store;
});
after(() => test.close());

const register = (name: string, extra: Partial<NodeRegistration>) =>
  upsertNode(store.pool, {
    name,
    region: "eu-central-1",
    addresses: [`http://${name}:8080`],
    version: "0.1.0",
    models: [{ id: "tiny", runtime: "embedded" }],
    state: "ready",
    ...extra,
  });

describe("peers", () => {
  it("show a silent node as down by the database clock, flag self, hide stopped nodes unless asked", async () => {
    await register("gpu-a", { controlAddress: "10.0.0.1:9443", metricsAddress: "10.0.0.1:9464" });
    await register("gpu-b", {});
    await register("gpu-c", { state: "stopped" });
    await register("gpu-d", { state: "refusing", stateReason: "region us-east-1 is not allowed" });
    // gpu-b last beat four heartbeats ago; gpu-c stopped long ago, which is not "down".
    await store.pool.query(
      "UPDATE nodes SET heartbeat_at = now() - interval '40 seconds' WHERE name IN ('gpu-b', 'gpu-c')",
    );
    const peers = await listPeers(store.pool, { self: "gpu-a", heartbeatSeconds: 10 });
    assert.deepEqual(
      peers.map((p) => [p.name, p.state, p.self]),
      [
        ["gpu-a", "NODE_STATE_SERVING", true],
        ["gpu-b", "NODE_STATE_DOWN", false],
        ["gpu-d", "NODE_STATE_REFUSING", false],
      ],
    );
    const [a, b, d] = peers;
    assert.deepEqual(
      [a!.controlAddress, a!.metricsAddress, a!.apiAddresses, a!.models],
      ["10.0.0.1:9443", "10.0.0.1:9464", ["http://gpu-a:8080"], ["tiny"]],
    );
    assert.match(b!.stateReason, /no heartbeat for more than 30 s \(last registered state: ready\)/);
    assert.equal(d!.stateReason, "region us-east-1 is not allowed");
    assert.ok(Math.abs(a!.heartbeatAtMs - Date.now()) < 60_000);

    const all = await listPeers(store.pool, { self: "gpu-a", heartbeatSeconds: 10, includeStopped: true });
    assert.equal(all.find((p) => p.name === "gpu-c")?.state, "NODE_STATE_STOPPED");
    // With a longer heartbeat, 40 s of silence is fewer than three beats.
    const patient = await listPeers(store.pool, { self: "gpu-a", heartbeatSeconds: 20 });
    assert.equal(patient.find((p) => p.name === "gpu-b")?.state, "NODE_STATE_SERVING");
  });

  it("show a drain written through the registry, and heartbeats keep or clear it", async () => {
    await register("gpu-e", {});
    let drain: DrainController | undefined;
    drain = await DrainController.open({
      dataDir: `${test.dataDir}/gpu-e`,
      load: () => ({ inFlight: 0, queued: 0 }),
      inFlight: { cutWhere: () => 0 },
      retryAfterSeconds: 30,
      defaultDeadlineMs: 60_000,
      registry: () => heartbeat(store.pool, "gpu-e", nodeControlState(undefined, drain)),
    });
    await drain.drain({ by: "alice", reason: "firmware" });
    await drain.settled();
    const row = (await listNodes(store.pool)).find((n) => n.name === "gpu-e")!;
    assert.equal(row.state, "drained");
    assert.equal(row.drain?.by, "alice");
    assert.match(row.stateReason, /drained \(maintenance mode\) by alice: firmware/);
    await heartbeat(store.pool, "gpu-e", {});
    assert.equal((await listNodes(store.pool)).find((n) => n.name === "gpu-e")?.drain?.reason, "firmware");
    const peer = (await listPeers(store.pool, { self: "gpu-a", heartbeatSeconds: 10 })).find(
      (p) => p.name === "gpu-e",
    );
    assert.equal(peer?.state, "NODE_STATE_DRAINED");

    await drain.undrain({ by: "alice", reason: "done" });
    const back = (await listNodes(store.pool)).find((n) => n.name === "gpu-e")!;
    assert.deepEqual([back.state, back.stateReason, back.drain], ["ready", "", null]);
  });

  it("a region refusal outranks a drain in the registry", () => {
    const region = new RegionGate({ region: "us-east-1", allowedRegions: ["eu-*"] });
    const drain = { state: "drained" as const, stateReason: () => "drained", registryDrain: () => null };
    assert.equal(nodeControlState(region, drain).state, "refusing");
    assert.equal(nodeControlState(undefined, drain).state, "drained");
  });
});

describe("leader", () => {
  it("is the live holder of the usage-retention lock, else the last runner while it is alive", async () => {
    assert.equal(await currentLeader(store.pool, { heartbeatSeconds: 10 }), "");
    const holder = new pg.Client({
      connectionString: test.url,
      application_name: agentApplicationName("gpu-d"),
    });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [USAGE_RETENTION_LOCK_KEY.toString()]);
      assert.equal(await currentLeader(store.pool, { heartbeatSeconds: 10 }), "gpu-d");
    } finally {
      await holder.end();
    }

    // A pass run by gpu-a's pool is recorded; gpu-a is alive, so it is named between passes.
    const pool = new pg.Pool({ connectionString: test.url, application_name: agentApplicationName("gpu-a") });
    const job = startUsageMaintenance({
      pool,
      retention: { usageDays: 90, taxYears: 10 },
      intervalMs: 3_600_000,
    });
    await job.runNow();
    await job.stop();
    await endPool(pool);
    assert.equal(await currentLeader(store.pool, { heartbeatSeconds: 10 }), "gpu-a");
    // gpu-b ran last but is silent: nobody is known to lead.
    await store.pool.query("UPDATE cluster_jobs SET node = $1", [agentApplicationName("gpu-b")]);
    assert.equal(await currentLeader(store.pool, { heartbeatSeconds: 10 }), "");
  });

  it("ListPeers answers with peers, who answered and the leader", async () => {
    const service = clusterService({ store, node: "gpu-a", heartbeatSeconds: 10 });
    assert.equal(service.name, "entrim.agent.v1.ClusterService");
    const method = service.methods.ListPeers!;
    assert.equal(method.role, "viewer");
    assert.equal(method.kind, "unary");
    if (method.kind !== "unary") return;
    const answer = await method.handle(
      { includeStopped: false },
      { operator: { name: "v", role: "viewer" }, peer: "test", signal: new AbortController().signal },
    );
    assert.equal(answer.answeredBy, "gpu-a");
    assert.equal(answer.leader, "");
    assert.ok(answer.peers.some((p: { name: string; self: boolean }) => p.name === "gpu-a" && p.self));
  });
});
