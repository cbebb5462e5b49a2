import assert from "node:assert/strict";
import { test } from "node:test";
import { type RuntimeHealthReport, Telemetry } from "./snapshot.js";

const model = (id: string, health: () => Promise<{ ok: boolean; detail?: string }>) => ({
  runtime: { kind: "external", model: { id }, health },
  scheduler: { stats: () => ({ active: 0, queued: 0, slots: 4 }) },
});

test("the node's state is decided with each model's health from the same sample, reasons included", async () => {
  const seen: RuntimeHealthReport[][] = [];
  let engine = { ok: false, detail: "upstream restarting" };
  const telemetry = new Telemetry({
    node: "n",
    region: "eu-local",
    version: "0",
    startedAt: 0,
    sampleIntervalMs: 60_000,
    models: {
      list: () => [
        model("up", async () => engine),
        model("broken", () => Promise.reject(new Error("health check threw"))),
      ],
    },
    state: (runtimes) => {
      seen.push(runtimes);
      const down = runtimes.filter((r) => !r.ok);
      return {
        state: down.length > 0 ? "NODE_STATE_DEGRADED" : "NODE_STATE_SERVING",
        stateReason: down.map((r) => `${r.id}: ${r.detail}`).join("; "),
        drain: {
          draining: false,
          drained: false,
          requestedBy: "",
          reason: "",
          requestedAtMs: 0,
          deadlineAtMs: 0,
        },
      };
    },
  });
  assert.deepEqual(seen[0], [], "the placeholder before the first sample knows no model's health");
  const degraded = await telemetry.sample();
  assert.equal(degraded.state, "NODE_STATE_DEGRADED");
  assert.equal(degraded.stateReason, "up: upstream restarting; broken: health check threw");
  assert.equal(degraded.models?.[0]?.loaded, false);

  engine = { ok: true, detail: "ready" };
  const recovered = await telemetry.sample();
  assert.deepEqual(seen.at(-1)?.[0], { id: "up", ok: true, detail: "ready" });
  assert.equal(recovered.models?.[0]?.loaded, true);
  assert.equal(recovered.stateReason, "broken: health check threw");
});
