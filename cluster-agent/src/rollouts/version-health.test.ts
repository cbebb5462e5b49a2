import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { GenerationResult, Runtime } from "../runtime/types.js";
import { measuredRuntime, VersionHealthTally } from "./version-health.js";

describe("version health", () => {
  it("counts generations and failures over the window, p95 by nearest rank, and forgets on reset", () => {
    let now = 1_000_000;
    const tally = new VersionHealthTally(() => now);
    tally.record(5, true); // warm-up: forgotten by reset
    tally.reset();
    for (let i = 1; i <= 20; i++) tally.record(i * 10, i !== 7);
    assert.deepEqual(tally.stats(2), { requests: 20, errors: 1, p95Ms: 190 });
    now += 3000;
    tally.record(1000, false);
    assert.deepEqual(
      tally.stats(2),
      { requests: 1, errors: 1, p95Ms: 1000 },
      "older samples left the window",
    );
  });

  it("measures generate() through a proxy that keeps the runtime's other members working", async () => {
    const tally = new VersionHealthTally();
    let fail = false;
    const runtime = {
      kind: "embedded",
      slots: 2,
      model: { id: "m" },
      secret: 42,
      async generate() {
        if (fail) throw new Error("boom");
        return { aborted: false } as unknown as GenerationResult;
      },
      peek(this: { secret: number }) {
        return this.secret;
      },
    } as unknown as Runtime & { peek(): number };
    const measured = measuredRuntime(runtime, tally) as Runtime & { peek(): number };
    assert.equal(measured.model.id, "m");
    assert.equal(measured.peek(), 42);
    await measured.generate({} as never);
    fail = true;
    await assert.rejects(measured.generate({} as never), /boom/);
    const stats = tally.stats(60);
    assert.equal(stats.requests, 2);
    assert.equal(stats.errors, 1);
  });
});
