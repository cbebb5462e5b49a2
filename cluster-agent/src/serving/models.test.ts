import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../common/errors.js";
import type { Runtime } from "../runtime/types.js";
import { ClientGoneError, Scheduler } from "../scheduler/scheduler.js";
import { ModelRegistry, ServedModel } from "./models.js";

// The registry only reads a runtime's model id; loading and generating are the rotation tests' part.
function served(version: string, queueTimeoutMs = 60_000): ServedModel {
  const runtime = { model: { id: "m" } } as unknown as Runtime;
  const scheduler = new Scheduler({ name: "m", slots: 1, queueLimit: 10, queueTimeoutMs });
  return new ServedModel({ runtime, scheduler, version });
}
const live = () => new AbortController().signal;

test("a request holds the version it entered; idle resolves when the last one leaves", async () => {
  const models = new ModelRegistry();
  const v1 = models.add(served("v1"));
  assert.equal(models.enter("nope", live()), undefined);
  assert.equal(models.enter("m", live()), v1);
  assert.equal(models.enter("m", live()), v1);
  const v2 = served("v2");
  assert.equal(models.replace(v2), v1);
  assert.equal(models.get("m"), v2);
  assert.deepEqual(models.all(), [v2, v1]);
  assert.equal(models.enter("m", live()), v2, "new requests get the new version at once");
  let idle = false;
  const whenIdle = v1.whenIdle().then(() => {
    idle = true;
  });
  v1.leave();
  await Promise.resolve();
  assert.equal(idle, false, "one request still holds v1");
  v1.leave();
  await whenIdle;
  assert.equal(v1.inFlight, 0);
  models.retire(v1);
  assert.deepEqual(models.all(), [v2]);
});

test("while a model drains, requests wait for it: the new version, a resume, a timeout or a hang-up", async () => {
  const models = new ModelRegistry();
  models.add(served("v1"));
  models.setAdmitting("m", false);
  const held = models.enter("m", live());
  assert.ok(held instanceof Promise);
  const v2 = served("v2");
  models.replace(v2);
  assert.equal(await held, v2);

  models.setAdmitting("m", false);
  const resumed = models.enter("m", live());
  models.setAdmitting("m", true);
  assert.equal(await resumed, v2, "a rollback lets held requests in to the same version");

  const { signal, abort } = (() => {
    const c = new AbortController();
    return { signal: c.signal, abort: () => c.abort() };
  })();
  models.setAdmitting("m", false);
  const gone = models.enter("m", signal);
  abort();
  await assert.rejects(gone as Promise<ServedModel>, ClientGoneError);

  const slow = new ModelRegistry();
  slow.add(served("v1", 50));
  slow.setAdmitting("m", false);
  await assert.rejects(
    slow.enter("m", live()) as Promise<ServedModel>,
    (error: unknown) =>
      error instanceof ApiError && error.status === 503 && error.code === "model_overloaded",
  );
});
