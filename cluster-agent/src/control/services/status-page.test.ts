// The status page's incidents and maintenance over real gRPC with mutual TLS, on a real store: who may
// post, what is audited, and what the store keeps.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { listAudit } from "../../store/audit-log.js";
import { callUnary } from "../../test-support/control-client.js";
import { type ControlFixture, refused, startControlFixture } from "../../test-support/control-fixture.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import { statusPageService } from "./status-page.js";

let t: TestStore;
let fx: ControlFixture;
const clients: Partial<ControlFixture["clients"]> = {};
const HOUR = 3_600_000;

before(async () => {
  t = await openTestStore();
  fx = await startControlFixture(t, (recorder) => [
    statusPageService({ store: t.store, recorder, downAfterSeconds: 15 }),
  ]);
  Object.assign(clients, fx.clients);
});

after(async () => {
  await fx?.close();
  await t?.close();
});

it("an operator posts, updates and resolves an incident; a viewer lists it but may not post", async () => {
  const operator = clients.operator!.status;
  const viewer = clients.viewer!.status;
  await assert.rejects(
    callUnary(viewer, "postIncident", { title: "Nope", body: "", models: [] }),
    refused(status.PERMISSION_DENIED, /operator/),
  );
  const posted = await callUnary(operator, "postIncident", {
    title: "Errors from qwen-7b",
    body: "Some requests fail.",
    models: ["qwen-7b"],
    regions: ["eu-central"],
  });
  assert.equal(posted.kind, "INCIDENT_KIND_INCIDENT");
  assert.equal(posted.status, "investigating");
  assert.equal(posted.createdBy, "operator");
  assert.equal(posted.endsAtMs, 0);

  await assert.rejects(
    callUnary(operator, "updateIncident", { id: posted.id, status: "fixed", text: "x" }),
    refused(status.INVALID_ARGUMENT, /status must be one of/),
  );
  await assert.rejects(
    callUnary(operator, "updateIncident", { id: posted.id, text: "" }),
    refused(status.INVALID_ARGUMENT, /text is required/),
  );
  await callUnary(operator, "updateIncident", {
    id: posted.id,
    status: "identified",
    text: "A node failed.",
  });
  const resolved = await callUnary(operator, "updateIncident", {
    id: posted.id,
    status: "resolved",
    text: "Fixed.",
  });
  assert.equal(resolved.status, "resolved");
  assert.ok(resolved.endsAtMs! > 0);
  assert.deepEqual(
    resolved.updates!.map((u) => u.status),
    ["investigating", "identified", "resolved"],
  );
  await assert.rejects(
    callUnary(operator, "updateIncident", { id: posted.id, text: "again" }),
    refused(status.FAILED_PRECONDITION, /already resolved/),
  );

  const page = JSON.parse((await callUnary(viewer, "getPublicStatus", {})).json!);
  assert.equal(page.incidents.length, 0);
  assert.equal(page.resolvedIncidents[0].title, "Errors from qwen-7b");
  const listed = await callUnary(viewer, "listIncidents", {});
  assert.deepEqual(
    listed.incidents!.map((i) => i.id),
    [posted.id],
  );
  const audit = await listAudit(t.store.pool, { action: "status." });
  assert.deepEqual(
    audit
      .filter((a) => a.result === "ok")
      .map((a) => a.action)
      .sort(),
    ["status.incident.post", "status.incident.resolve", "status.incident.update"],
  );
});

it("an operator schedules and cancels maintenance; windows in the past are refused", async () => {
  const operator = clients.operator!.status;
  const now = Date.now();
  await assert.rejects(
    callUnary(operator, "postMaintenance", {
      title: "Late",
      startsAtMs: now - 2 * HOUR,
      endsAtMs: now - HOUR,
    }),
    refused(status.INVALID_ARGUMENT, /already over/),
  );
  const planned = await callUnary(operator, "postMaintenance", {
    title: "Driver upgrade",
    body: "Answers may be slower.",
    models: ["llama-8b"],
    startsAtMs: now + HOUR,
    endsAtMs: now + 2 * HOUR,
  });
  assert.equal(planned.kind, "INCIDENT_KIND_MAINTENANCE");
  assert.equal(planned.status, "scheduled");
  await assert.rejects(
    callUnary(operator, "cancelMaintenance", { id: planned.id, reason: "" }),
    refused(status.INVALID_ARGUMENT, /reason is required/),
  );
  const cancelled = await callUnary(operator, "cancelMaintenance", { id: planned.id, reason: "Postponed." });
  assert.equal(cancelled.status, "cancelled");
  await assert.rejects(
    callUnary(operator, "cancelMaintenance", { id: "mnt_missing", reason: "x" }),
    refused(status.NOT_FOUND, /no maintenance/),
  );
  const audit = await listAudit(t.store.pool, { action: "status.maintenance" });
  assert.ok(
    audit.some(
      (a) => a.action === "status.maintenance.cancel" && a.result === "ok" && a.reason === "Postponed.",
    ),
  );
});
