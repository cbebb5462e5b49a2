import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RegistryWrites } from "./registry-writes.js";

describe("registry writes", () => {
  it("close waits for the writes under way and refuses later ones, so nothing lands after the stop", async () => {
    const writes = new RegistryWrites();
    const landed: string[] = [];
    let release: () => void = () => {};
    const slow = writes.run(
      () =>
        new Promise<string>((resolve) => {
          release = () => {
            landed.push("beat");
            resolve("beat");
          };
        }),
    );
    const failing = writes.run(() => Promise.reject(new Error("store away")));
    await assert.rejects(failing, /store away/);
    const closed = writes.close().then(() => landed.push("closed"));
    assert.equal(await writes.run(async () => landed.push("late")), undefined);
    release();
    await closed;
    assert.equal(await slow, "beat");
    assert.deepEqual(landed, ["beat", "closed"]);
  });
});
