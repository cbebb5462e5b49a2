import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, beforeEach, describe, it } from "node:test";
import { listAudit } from "../store/audit-log.js";
import { StoreError } from "../store/db.js";
import { addModelVersion, createModel, setNodeModel } from "../store/models.js";
import { upsertNode } from "../store/nodes.js";
import {
  createRollout,
  getNodeModelState,
  getRollout,
  type Rollout,
  type RolloutGates,
  reportNodeModel,
  transitionRollout,
} from "../store/rollouts.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { advanceRollout, type DriverContext } from "./driver.js";

/**
 * The leader's steps against a real store, with the nodes played by the test: each "node" does what
 * the reconciler would (serve the desired version, or fail it) and reports health when asked.
 */
let t: TestStore;
let clock = Date.now();
const NODES = ["n1", "n2", "n3"];
const GATES: RolloutGates = { maxErrorRate: 0.1, maxP95Ms: 1000, windowSeconds: 2 };
const ctx: DriverContext = { node: "leader", auditKey: randomBytes(32), now: () => clock };
let model = "";
let counter = 0;

before(async () => {
  t = await openTestStore();
  for (const [i, name] of NODES.entries())
    await upsertNode(t.store.pool, {
      name,
      region: i === 2 ? "eu-west" : "eu-central",
      addresses: [],
      version: "test",
      state: "ready",
    });
});
after(() => t.close());

beforeEach(async () => {
  // A model per test keeps tests independent (one active rollout per model).
  model = `m${++counter}`;
  await createModel(t.store.pool, { name: model, createdBy: "test" });
  for (const [version, sha] of [
    ["v1", "a"],
    ["v2", "b"],
  ] as const)
    await addModelVersion(t.store.pool, {
      model,
      version,
      artifactUri: "file:///models/x.gguf",
      sha256: sha.repeat(64),
      sizeBytes: 10,
      createdBy: "test",
    });
  for (const node of NODES)
    await setNodeModel(t.store.pool, { node, model, liveVersion: "v1", state: "live" });
});

/** Plays every node's reconciler once: serve the desired version (or fail it for `failing` nodes). */
async function nodesAct(failing: string[] = []): Promise<void> {
  for (const node of NODES) {
    const row = await getNodeModelState(t.store.pool, node, model);
    if (!row?.desiredVersion || row.desiredVersion === row.liveVersion) continue;
    if (row.state === "failed") continue;
    if (failing.includes(node))
      await setNodeModel(t.store.pool, {
        node,
        model,
        stagedVersion: row.desiredVersion,
        state: "failed",
        error: "stage: sha256 mismatch: expected bbbb, got cccc",
      });
    else
      await setNodeModel(t.store.pool, {
        node,
        model,
        liveVersion: row.desiredVersion,
        stagedVersion: null,
        state: "live",
      });
  }
}

async function healthy(errors = 0): Promise<void> {
  for (const node of NODES)
    await reportNodeModel(t.store.pool, node, model, {
      health: { version: "v2", requests: 10, errors, p95Ms: 50, windowSeconds: 2, at: clock },
    });
}

/** Advances the rollout, the nodes and the clock until `until` holds or 200 steps pass. */
async function drive(id: string, until: (r: Rollout) => boolean, failing: string[] = []): Promise<Rollout> {
  for (let i = 0; i < 200; i++) {
    await advanceRollout(t.store.pool, id, ctx);
    const r = (await getRollout(t.store.pool, id))!;
    if (until(r)) return r;
    await nodesAct(failing);
    clock += 500;
    await healthy();
  }
  assert.fail("the rollout did not get there");
}

const start = (overrides: Partial<Parameters<typeof createRollout>[1]> = {}) =>
  createRollout(t.store.pool, {
    model,
    toVersion: "v2",
    batchSize: 2,
    pauseSeconds: 1,
    gates: GATES,
    createdBy: "ada",
    createdRole: "admin",
    ...overrides,
  });

describe("rollout driver", () => {
  it("plans batches by name and refuses a second active rollout of the model", async () => {
    const r = await start();
    assert.equal(r.batches, 2);
    assert.deepEqual(
      r.nodes.map((n) => [n.node, n.batch, n.fromVersion, n.state]),
      [
        ["n1", 0, "v1", "pending"],
        ["n2", 0, "v1", "pending"],
        ["n3", 1, "v1", "pending"],
      ],
    );
    await assert.rejects(start(), (e) => e instanceof StoreError && e.code === "conflict");
    await transitionRollout(t.store.pool, r.id, ["running"], "aborted", "test");
    const west = await start({ targets: { regions: ["eu-west"] } });
    assert.deepEqual(
      west.nodes.map((n) => n.node),
      ["n3"],
    );
  });

  it("rotates batch by batch, holds the gates, pauses between batches and completes", async () => {
    const r = await start();
    const done = await drive(r.id, (x) => x.state === "completed");
    assert.ok(done.nodes.every((n) => n.state === "done" && n.liveVersion === "v2"));
    assert.match(done.nodes[0]!.message, /gates held: 10 requests/);
    const audit = await listAudit(t.store.pool, { target: r.id, limit: 100 });
    const actions = audit.map((e) => e.action).reverse();
    assert.deepEqual(
      actions.filter((a) => a !== "rollout.node.rotate"),
      ["rollout.batch.done", "rollout.batch.start", "rollout.batch.done", "rollout.complete"],
    );
    assert.ok(audit.every((e) => e.operator === "ada" && e.node === "leader"));
  });

  it("pauses with the node's reason when a rotation fails, and retries it on resume", async () => {
    const r = await start();
    const paused = await drive(r.id, (x) => x.state === "paused", ["n2"]);
    assert.match(paused.reason, /n2: stage: sha256 mismatch/);
    // The failed node is pointed back at what it serves, so it does not retry on its own.
    assert.equal((await getNodeModelState(t.store.pool, "n2", model))!.desiredVersion, "v1");
    await transitionRollout(t.store.pool, r.id, ["paused"], "running", "resume", { resetGate: true });
    await t.store.pool.query(
      "UPDATE rollout_nodes SET state = 'pending' WHERE rollout = $1 AND state = 'failed'",
      [r.id],
    );
    const done = await drive(r.id, (x) => x.state === "completed");
    assert.ok(done.nodes.every((n) => n.liveVersion === "v2"));
  });

  it("pauses when a gate is exceeded", async () => {
    const r = await start();
    await advanceRollout(t.store.pool, r.id, ctx);
    await nodesAct();
    for (let i = 0; i < 10; i++) {
      await advanceRollout(t.store.pool, r.id, ctx);
      clock += 500;
      await healthy(5);
    }
    const paused = (await getRollout(t.store.pool, r.id))!;
    assert.equal(paused.state, "paused");
    assert.match(paused.reason, /error rate 0\.500 > 0\.1/);
  });

  it("abort mid-way returns every node the rollout touched, not only the current batch", async () => {
    const r = await start({ batchSize: 1, pauseSeconds: 0 });
    // Batch 1 done, batch 2 rotating.
    await drive(r.id, (x) => x.currentBatch === 1 && x.nodes[1]!.state === "rotating");
    await nodesAct();
    await transitionRollout(t.store.pool, r.id, ["running"], "aborting", "operator said so");
    const aborted = await drive(r.id, (x) => x.state === "aborted");
    assert.deepEqual(
      aborted.nodes.map((n) => [n.node, n.liveVersion, n.state]),
      [
        ["n1", "v1", "rolled_back"],
        ["n2", "v1", "rolled_back"],
        ["n3", "v1", "pending"],
      ],
    );
    assert.equal(aborted.reason, "operator said so");
  });
});
