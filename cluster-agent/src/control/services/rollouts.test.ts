import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { ListModelsResponse, Rollout, RotationProgress } from "@entrim/proto";
import { auditCheckpointKey } from "../../store/audit-hash.js";
import { listAudit } from "../../store/audit-log.js";
import { StoreAuditRecorder } from "../../store/audit-recorder.js";
import { StoreError } from "../../store/db.js";
import { addModelVersion, createModel, setNodeModel } from "../../store/models.js";
import { upsertNode } from "../../store/nodes.js";
import { getNodeModelState } from "../../store/rollouts.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import { until } from "../../test-support/until.js";
import type { CallContext, StreamMethod, UnaryMethod } from "../rpc.js";
import { rolloutService } from "./rollouts.js";

let t: TestStore;
const key = auditCheckpointKey(randomBytes(32));
const ada: CallContext = {
  operator: { name: "ada", role: "admin" },
  peer: "ipv4:127.0.0.1:5000",
  signal: new AbortController().signal,
};

before(async () => {
  t = await openTestStore();
  for (const name of ["gpu-01", "gpu-02"])
    await upsertNode(t.store.pool, {
      name,
      region: "eu-central",
      addresses: [],
      version: "t",
      state: "ready",
    });
  await createModel(t.store.pool, { name: "llama", createdBy: "test" });
  for (const [version, sha] of [
    ["v1", "a"],
    ["v2", "b"],
  ] as const)
    await addModelVersion(t.store.pool, {
      model: "llama",
      version,
      artifactUri: "https://models.example.eu/llama.gguf",
      sha256: sha.repeat(64),
      sizeBytes: 100,
      createdBy: "test",
    });
  for (const node of ["gpu-01", "gpu-02"])
    await setNodeModel(t.store.pool, { node, model: "llama", liveVersion: "v1", state: "live" });
});
after(() => t.close());

describe("RolloutService", () => {
  let changes = 0;
  const service = () =>
    rolloutService({
      store: t.store,
      recorder: new StoreAuditRecorder(t.store, "gpu-01", key),
      node: "gpu-01",
      onChange: () => changes++,
    });
  // biome-ignore lint/suspicious/noExplicitAny: handlers of several message types
  const unary = (name: string, request: any, context = ada) =>
    (service().methods[name] as UnaryMethod<unknown, unknown>).handle(request, context);

  it("implements every rpc of the contract with the documented roles", () => {
    const s = service();
    assert.deepEqual(Object.keys(s.methods).sort(), Object.keys(s.definition).sort());
    const roles = Object.fromEntries(Object.entries(s.methods).map(([name, m]) => [name, m.role]));
    assert.equal(roles.StartRollout, "admin");
    assert.equal(roles.RollBackRollout, "admin");
    // One node, one model, outside any rollout: an on-call operator's fix (issue 17), not a fleet change.
    assert.equal(roles.RotateModel, "operator");
    assert.equal(roles.PauseRollout, "operator");
    assert.equal(roles.AbortRollout, "operator");
    assert.equal(roles.WatchRollout, "viewer");
  });

  it("starts, pauses, resumes and aborts, each audited, refusing what the state does not allow", async () => {
    const started = (await unary("StartRollout", {
      model: "llama",
      version: "v2",
      targets: { nodes: [], regions: [], labels: {} },
      batchSize: 0,
      pauseSeconds: 5,
      gates: { maxErrorRate: 0.01, maxP95Ms: 0, windowSeconds: 0 },
      reason: "new quantisation",
    })) as Rollout;
    assert.equal(started.state, "ROLLOUT_STATE_RUNNING");
    assert.equal(started.batchSize, 1, "0 means 1");
    assert.deepEqual(started.gates, { maxErrorRate: 0.01, maxP95Ms: 60_000, windowSeconds: 30 });
    assert.equal(started.batches, 2);
    assert.equal(started.createdBy, "ada");
    assert.ok(changes > 0, "the leader is woken");
    await assert.rejects(
      (service().methods.RotateModel as StreamMethod<unknown, RotationProgress>).handle(
        { node: "gpu-01", model: "llama", version: "v2", reason: "" },
        async () => {},
        ada,
      ),
      /gpu-01 is part of rollout ro_\w+ of llama/,
    );

    const paused = (await unary("PauseRollout", { id: started.id, reason: "lunch" })) as Rollout;
    assert.equal(paused.state, "ROLLOUT_STATE_PAUSED");
    assert.equal(paused.reason, "lunch");
    await assert.rejects(
      unary("PauseRollout", { id: started.id, reason: "" }),
      (e) => e instanceof StoreError && /is paused; this needs it running/.test(e.message),
    );
    assert.equal(
      ((await unary("ResumeRollout", { id: started.id, reason: "" })) as Rollout).state,
      "ROLLOUT_STATE_RUNNING",
    );
    assert.equal(
      ((await unary("AbortRollout", { id: started.id, reason: "" })) as Rollout).state,
      "ROLLOUT_STATE_ABORTING",
    );
    await assert.rejects(unary("GetRollout", { id: "nope" }), /not a rollout id/);

    const audit = await listAudit(t.store.pool, { action: "rollout.", limit: 10 });
    assert.deepEqual(audit.map((e) => [e.action, e.result]).reverse(), [
      ["rollout.start", "ok"],
      ["rollout.pause", "ok"],
      ["rollout.pause", `error: Rollout ${started.id} is paused; this needs it running.`],
      ["rollout.resume", "ok"],
      ["rollout.abort", "ok"],
    ]);
    const listed = (await unary("ListRollouts", { model: "llama", activeOnly: true, limit: 0 })) as {
      rollouts: Rollout[];
    };
    assert.deepEqual(
      listed.rollouts.map((r) => r.id),
      [started.id],
    );
    await t.store.pool.query("UPDATE rollouts SET state = 'aborted' WHERE id = $1", [started.id]);
  });

  it("lists the catalogue with where each version is live", async () => {
    const models = (await unary("ListModels", {})) as ListModelsResponse;
    const llama = models.models!.find((m) => m.name === "llama")!;
    assert.deepEqual(
      llama.versions!.map((v) => [v.version, v.liveOn]),
      [
        ["v1", ["gpu-01", "gpu-02"]],
        ["v2", []],
      ],
    );
  });

  it("RotateModel sets the node's desired version and streams until the node reports", async () => {
    const sent: RotationProgress[] = [];
    const rotate = (service().methods.RotateModel as StreamMethod<unknown, RotationProgress>).handle(
      { node: "gpu-02", model: "llama", version: "v2", reason: "canary" },
      async (message) => {
        sent.push(message);
      },
      ada,
    );
    // Plays the node's reconciler.
    await until(
      "gpu-02 is asked for v2",
      async () => (await getNodeModelState(t.store.pool, "gpu-02", "llama"))?.desiredVersion === "v2",
      { intervalMs: 20 },
    );
    await t.store.pool.query(
      `UPDATE node_models SET progress = $1 WHERE node = 'gpu-02' AND model = 'llama'`,
      [
        JSON.stringify({
          step: "warmup",
          state: "ok",
          message: "3 generations answered",
          at: 1,
          version: "v2",
        }),
      ],
    );
    await setNodeModel(t.store.pool, { node: "gpu-02", model: "llama", liveVersion: "v2", state: "live" });
    await rotate;
    assert.deepEqual(
      sent.map((m) => [m.step, m.state, m.done]),
      [
        ["warmup", "ok", false],
        ["done", "ok", true],
      ],
    );
  });
});
