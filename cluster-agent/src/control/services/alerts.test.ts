import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AlertsUpdate__Output } from "@entrim/proto";
import { type ServiceError, status } from "@grpc/grpc-js";
import { pino } from "pino";
import { reconcileAlerts } from "../../store/alerts.js";
import { listAudit } from "../../store/audit-log.js";
import { StoreAuditRecorder } from "../../store/audit-recorder.js";
import { transaction } from "../../store/db.js";
import {
  callUnary,
  controlClients,
  issueTestPki,
  openStream,
  type TestPki,
} from "../../test-support/control-client.js";
import { makeTempDataDir, openTestStore, type TestStore } from "../../test-support/postgres.js";
import { until } from "../../test-support/until.js";
import { type ControlServer, startControlServer } from "../server.js";
import { alertsService } from "./alerts.js";

let dir: string;
let pki: TestPki;
let db: TestStore;
// Two agents' control planes on one store: a console on each.
const servers: ControlServer[] = [];

before(async () => {
  dir = await makeTempDataDir();
  pki = await issueTestPki(join(dir, "pki"));
  db = await openTestStore();
  for (const node of ["node-a", "node-b"]) {
    servers.push(
      await startControlServer({
        listen: "127.0.0.1:0",
        ...pki.node,
        services: [
          alertsService({
            store: db.store,
            recorder: new StoreAuditRecorder(db.store, node, Buffer.alloc(32, 1)),
          }),
        ],
        logger: pino({ level: "silent" }),
      }),
    );
  }
});
after(async () => {
  for (const s of servers) await s.stop(0);
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const failsWith = (code: status, details: RegExp) => (error: unknown) => {
  const e = error as ServiceError;
  assert.equal(status[e.code], status[code], e.details);
  assert.match(e.details, details);
  return true;
};

describe("AlertsService over gRPC", () => {
  it("an acknowledgement on one agent reaches a watcher on the other; viewers may only look", async () => {
    const now = new Date();
    const { fired } = await transaction(db.store.pool, (tx) =>
      reconcileAlerts(
        tx,
        [{ rule: "node-down", severity: "critical", node: "gpu-a", subject: "", summary: "gpu-a is down" }],
        now,
      ),
    );
    const id = fired[0]!.id;
    const viewerB = await controlClients({ address: servers[1]!.address, ...pki.operators.viewer });
    const operatorA = await controlClients({ address: servers[0]!.address, ...pki.operators.operator });
    try {
      const updates: AlertsUpdate__Output[] = [];
      const watch = openStream(viewerB.alerts, "WatchAlerts", { filter: "ALERT_FILTER_UNSPECIFIED" });
      watch.on("data", (u: AlertsUpdate__Output) => updates.push(u));
      watch.on("error", () => {});
      await until("the watcher gets the list", () => updates.length >= 1);
      assert.equal(updates[0]!.alerts[0]?.id, id);
      assert.equal(updates[0]!.alerts[0]?.acknowledgedBy, "");

      await assert.rejects(
        callUnary(viewerB.alerts, "AcknowledgeAlert", { id, note: "mine" }),
        failsWith(status.PERMISSION_DENIED, /needs the operator role/),
      );
      const acked = await callUnary(operatorA.alerts, "AcknowledgeAlert", { id, note: "on it" });
      assert.equal(acked.acknowledgedBy, "operator");
      const seen = await until("the other agent's watcher sees the acknowledgement", () =>
        updates.find((u) => u.alerts[0]?.acknowledgedBy === "operator"),
      );
      assert.equal(seen.alerts[0]!.acknowledgeNote, "on it");

      await assert.rejects(
        callUnary(operatorA.alerts, "SilenceAlert", { id, untilMs: Date.now() + 3_600_000, note: "" }),
        failsWith(status.INVALID_ARGUMENT, /note is required/),
      );
      const silenced = await callUnary(operatorA.alerts, "SilenceAlert", {
        id,
        untilMs: Date.now() + 3_600_000,
        note: "maintenance window",
      });
      assert.ok(Number(silenced.silencedUntilMs) > Date.now());
      const listed = await callUnary(viewerB.alerts, "ListAlerts", {
        filter: "ALERT_FILTER_SILENCED",
        node: "",
        limit: 0,
      });
      assert.deepEqual(
        listed.alerts.map((a) => a.id),
        [id],
      );
      await callUnary(operatorA.alerts, "UnsilenceAlert", { id, note: "done early" });
      await assert.rejects(
        callUnary(operatorA.alerts, "AcknowledgeAlert", { id: "alert_missing", note: "" }),
        failsWith(status.NOT_FOUND, /No alert alert_missing/),
      );

      const audit = await listAudit(db.store.pool, {});
      const actions = audit
        .filter((e) => e.target === `alert:${id}`)
        .map((e) => `${e.action}:${e.operator}:${e.result}`)
        .reverse(); // listAudit is newest first
      assert.deepEqual(actions, [
        "alert.acknowledge:operator:ok",
        "alert.silence:operator:ok",
        "alert.unsilence:operator:ok",
      ]);

      const timeline = await callUnary(viewerB.alerts, "GetAlertTimeline", { id });
      const kinds = timeline.entries.map((e) => `${e.source}:${e.kind}`);
      assert.deepEqual(
        kinds.filter((k) => k.startsWith("alert:")),
        ["alert:fired", "alert:acknowledged", "alert:silenced", "alert:unsilenced"],
      );
      assert.ok(kinds.includes("audit:alert.acknowledge"), kinds.join(", "));
      const times = timeline.entries.map((e) => Number(e.atMs));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        "one time axis, oldest first",
      );
      watch.cancel();
    } finally {
      viewerB.close();
      operatorA.close();
    }
  });
});
