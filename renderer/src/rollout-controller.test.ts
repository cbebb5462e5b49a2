import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConsoleApi, Rollout, RolloutWatchEvent } from "@entrim/electron/common";
import { RolloutController } from "./rollout-controller.js";
import { createAppStore } from "./state/store.js";
import { rollout } from "./test-support/rollouts.js";

/** A fake carrier: answers calls from a table, records each watch opened so the test can drive it. */
function fakeApi(answers: Record<string, unknown>) {
  const watches: { id: string; on: { message(m: RolloutWatchEvent): void; end(e?: string): void } }[] = [];
  const api: ConsoleApi = {
    call: async (channel) => {
      const answer = answers[channel.id];
      if (answer instanceof Error) throw answer;
      return answer as never;
    },
    stream: (_channel, request, on) => {
      watches.push({ id: (request as { id: string }).id, on: on as (typeof watches)[number]["on"] });
      return () => {};
    },
  };
  return { api, watches };
}

test("active rollouts are watched once each; a pause from the watch lands in the store", async () => {
  const running = rollout("ro_a", { createdAtMs: 2 });
  const answers: Record<string, unknown> = {
    "rollouts.list": [running, rollout("ro_b", { createdAtMs: 1, state: "ROLLOUT_STATE_COMPLETED" })],
    "rollouts.models": [],
  };
  const { api, watches } = fakeApi(answers);
  const store = createAppStore();
  const controller = new RolloutController(api, store);
  await controller.refresh();
  await controller.refresh();
  assert.deepEqual(
    watches.map((w) => w.id),
    ["ro_a"],
    "the completed one is not watched, the running one once",
  );
  const paused: Rollout = {
    ...running,
    state: "ROLLOUT_STATE_PAUSED",
    reason: "gate: p95",
    updatedAtMs: 2_000,
  };
  watches[0]!.on.message({ type: "rollout", rollout: paused });
  assert.equal(store.getState().rollouts.ro_a?.state, "ROLLOUT_STATE_PAUSED");
  // The watch failing is not the end of it: the next re-read opens it again.
  watches[0]!.on.end("agent unreachable");
  assert.deepEqual(store.getState().rolloutWatches.ro_a, { state: "closed", error: "agent unreachable" });
  answers["rollouts.list"] = [paused];
  await controller.refresh();
  assert.equal(watches.length, 2);
  controller.stop();
});

test("the agent's refusal comes back as text for the dialog; nothing changes", async () => {
  const { api } = fakeApi({
    "rollouts.start": new Error("model entrim-tiny already has an active rollout (ro_x)"),
  });
  const store = createAppStore();
  const controller = new RolloutController(api, store);
  assert.equal(
    await controller.startRollout({ model: "entrim-tiny", version: "v2", reason: "new weights" }),
    "model entrim-tiny already has an active rollout (ro_x)",
  );
  assert.deepEqual(store.getState().rollouts, {});
});
