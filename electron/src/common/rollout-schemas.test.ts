import assert from "node:assert/strict";
import { test } from "node:test";
import { channels } from "./channels.js";

test("start: model, version and a reason; defaults as the agent documents them", () => {
  const parse = (v: unknown) => channels.startRollout.request.safeParse(v);
  assert.deepEqual(parse({ model: "llama", version: "v2", reason: "new weights" }).data, {
    model: "llama",
    version: "v2",
    targets: { nodes: [], regions: [], labels: {} },
    batchSize: 1,
    pauseSeconds: 0,
    gates: { maxErrorRate: 0, maxP95Ms: 60_000, windowSeconds: 30 },
    reason: "new weights",
  });
  const good = {
    model: "llama",
    version: "v2",
    targets: { regions: ["eu-central-1"], labels: { rack: "r7" } },
    batchSize: 2,
    gates: { maxErrorRate: 0.01, maxP95Ms: 2000, windowSeconds: 60 },
    reason: "new weights",
  };
  assert.equal(parse(good).success, true);
  assert.equal(parse({ ...good, version: "" }).success, false);
  assert.equal(parse({ ...good, reason: "" }).success, false);
  assert.equal(parse({ ...good, batchSize: 0 }).success, false);
  assert.equal(parse({ ...good, gates: { ...good.gates, maxErrorRate: 1.5 } }).success, false);
  assert.equal(parse({ ...good, gates: { ...good.gates, windowSeconds: 3601 } }).success, false);
  assert.equal(parse({ ...good, targets: { nodes: [""] } }).success, false);
  assert.equal(parse({ ...good, force: true }).success, false, "unknown keys are refused");
});

test("actions: a rollout id and a verb; abort and roll back need a reason, pause and resume not", () => {
  const parse = (v: unknown) => channels.rolloutAction.request.safeParse(v);
  const id = "ro_0123456789abcdef";
  assert.deepEqual(parse({ id, verb: "pause" }).data, { id, verb: "pause", reason: "" });
  assert.equal(parse({ id, verb: "resume" }).success, true);
  assert.equal(parse({ id, verb: "abort" }).success, false);
  assert.equal(parse({ id, verb: "rollback", reason: "errors" }).success, true);
  assert.equal(parse({ id, verb: "delete", reason: "errors" }).success, false);
  assert.equal(parse({ id: "ro_1", verb: "pause" }).success, false);
});

test("list and watch take only their own fields", () => {
  assert.deepEqual(channels.listRollouts.request.safeParse({}).data, {
    model: "",
    activeOnly: false,
    limit: 50,
  });
  assert.equal(channels.listRollouts.request.safeParse({ limit: 501 }).success, false);
  assert.equal(channels.watchRollout.request.safeParse({ id: "ro_0123456789abcdef" }).success, true);
  assert.equal(channels.watchRollout.request.safeParse({ id: "x" }).success, false);
  assert.equal(channels.listModels.request.safeParse({ all: true }).success, false);
});
