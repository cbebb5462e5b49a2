import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import { StoreError } from "./db.js";
import {
  cancelMaintenance,
  createIncident,
  createMaintenance,
  listIncidents,
  listPublicIncidents,
  STATUS_CHANNEL,
  updateIncident,
} from "./status-incidents.js";

let t: TestStore;
before(async () => {
  t = await openTestStore();
});
after(() => t.close());

const storeError = (code: StoreError["code"], message: RegExp) => (error: unknown) =>
  error instanceof StoreError && error.code === code && message.test(error.message);
const HOUR = 3_600_000;

describe("status incidents", () => {
  it("opens an incident with its first update, adds updates and resolves it", async () => {
    const opened = await createIncident(t.store.pool, {
      title: "Slow answers from llama-8b",
      body: "We are looking into slow answers.",
      models: ["llama-8b", " llama-8b", ""],
      regions: ["eu-central"],
      by: "alice",
    });
    assert.equal(opened.kind, "incident");
    assert.equal(opened.status, "investigating");
    assert.equal(opened.endsAt, null);
    assert.deepEqual(opened.models, ["llama-8b"]);
    assert.deepEqual(
      opened.updates.map((u) => [u.status, u.text, u.by]),
      [["investigating", "We are looking into slow answers.", "alice"]],
    );

    const identified = await updateIncident(t.store.pool, {
      id: opened.id,
      status: "identified",
      text: "A node lost its GPU.",
      by: "bob",
    });
    assert.equal(identified.status, "identified");
    const noted = await updateIncident(t.store.pool, { id: opened.id, text: "Still on it.", by: "bob" });
    assert.equal(noted.status, "identified", "an update without a status keeps it");
    const resolved = await updateIncident(t.store.pool, {
      id: opened.id,
      status: "resolved",
      text: "Fixed.",
      by: "bob",
    });
    assert.equal(resolved.status, "resolved");
    assert.ok(resolved.endsAt);
    assert.equal(resolved.updates.length, 4);
    await assert.rejects(
      updateIncident(t.store.pool, { id: opened.id, text: "again", by: "bob" }),
      storeError("conflict", /already resolved/),
    );
    // Resolved in the last 14 days: still public.
    assert.ok((await listPublicIncidents(t.store.pool)).some((i) => i.id === opened.id));
  });

  it("refuses what would put nonsense on the public page", async () => {
    await assert.rejects(
      createIncident(t.store.pool, { title: " ", body: "", by: "alice" }),
      storeError("invalid", /title is required/),
    );
    await assert.rejects(
      updateIncident(t.store.pool, { id: "inc_missing", text: "x", by: "alice" }),
      storeError("not_found", /no incident/),
    );
    const now = Date.now();
    await assert.rejects(
      createMaintenance(t.store.pool, {
        title: "Upgrade",
        body: "",
        startsAt: new Date(now + HOUR),
        endsAt: new Date(now),
        by: "alice",
      }),
      storeError("invalid", /end after it starts/),
    );
  });

  it("derives maintenance status from its window and hides cancelled or completed maintenance", async () => {
    const now = Date.now();
    const window = (from: number, to: number, title: string) =>
      createMaintenance(t.store.pool, {
        title,
        body: "Driver upgrade.",
        models: ["qwen-7b"],
        startsAt: new Date(now + from),
        endsAt: new Date(now + to),
        by: "alice",
      });
    const upcoming = await window(HOUR, 2 * HOUR, "upcoming");
    const ongoing = await window(-HOUR, HOUR, "ongoing");
    const done = await window(-2 * HOUR, -HOUR, "done");
    assert.equal(upcoming.status, "scheduled");
    assert.equal(ongoing.status, "in_progress");
    assert.equal(done.status, "completed");
    await assert.rejects(
      cancelMaintenance(t.store.pool, { id: done.id, reason: "x", by: "alice" }),
      storeError("conflict", /already completed/),
    );
    const cancelled = await cancelMaintenance(t.store.pool, {
      id: upcoming.id,
      reason: "Postponed.",
      by: "alice",
    });
    assert.equal(cancelled.status, "cancelled");
    const shown = (await listPublicIncidents(t.store.pool)).map((i) => i.title);
    assert.ok(shown.includes("ongoing"));
    assert.ok(!shown.includes("upcoming") && !shown.includes("done"));
    assert.equal((await listIncidents(t.store.pool)).filter((i) => i.kind === "maintenance").length, 3);
  });

  it("notifies every listener on a change, with no payload", async () => {
    const payloads: string[] = [];
    const unlisten = await t.store.listen(STATUS_CHANNEL, (p) => payloads.push(p));
    try {
      await createIncident(t.store.pool, { title: "Notify", body: "", by: "alice" });
      await until("the change is notified", () => payloads.length > 0);
      assert.deepEqual(new Set(payloads), new Set([""]));
    } finally {
      await unlisten();
    }
  });
});
