import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { alertingSchema } from "../config/alerting.js";
import type { Mailer } from "../mail/mailer.js";
import { acknowledgeAlert, listAlertEvents, listAlerts } from "../store/alerts.js";
import type { NodeHealth } from "../store/node-health.js";
import { writeNodeHealth } from "../store/node-health.js";
import { upsertNode } from "../store/nodes.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { startTestSmtp, type TestSmtp, testMailer } from "../test-support/smtp.js";
import { until } from "../test-support/until.js";
import { type AlertingOptions, runAlertingPass } from "./evaluator.js";
import type { AlertmanagerMessage } from "./notify-webhook.js";
import { emptyMemory } from "./rules.js";

let db: TestStore;
let smtp: TestSmtp;
let mailer: Mailer;
let receiver: Server;
const received: { auth: string | undefined; body: AlertmanagerMessage }[] = [];
let failNext = 0;
let url = "";

before(async () => {
  db = await openTestStore();
  smtp = await startTestSmtp();
  mailer = testMailer(db.store, smtp);
  await mailer.start();
  // A real HTTP receiver, as Alertmanager's webhook consumers are.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      received.push({ auth: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
after(async () => {
  await mailer.stop();
  await new Promise((r) => receiver.close(r));
  await smtp.close();
  await db.close();
});

const health = (over: Partial<NodeHealth> = {}): NodeHealth => ({
  takenAtMs: Date.now(),
  gpus: [{ index: 0, temperatureC: 60, xidErrors: 0, eccUncorrected: 0 }],
  traffic: { requestsPerSecond: 0, errorRate: 0, latencyP95Ms: 0 },
  spool: { pendingEvents: 0, oldestPendingAgeMs: 0, alarm: false },
  disk: { path: "/var/lib/entrim/spool", freeBytes: 50e9, totalBytes: 100e9, secondsToFull: null },
  store: { connected: true, lastOkAtMs: Date.now() },
  certificates: [],
  ...over,
});

function options(): AlertingOptions & { missedBeats: number } {
  return {
    config: alertingSchema.parse({
      webhooks: [{ url }],
      email: ["oncall@entrim.test"],
      externalUrl: "https://console.entrim.test",
    }),
    heartbeatSeconds: 1,
    missedBeats: 3,
    webhooks: [{ url, bearerToken: "tok-secret" }],
    post: { attempts: 3, backoffMs: 10, timeoutMs: 5000 },
  };
}

describe("alerting leader pass", () => {
  it("fires node down and GPU hot, pages the webhook in Alertmanager's format, emails, and resolves once", async () => {
    const memory = emptyMemory();
    await upsertNode(db.store.pool, {
      name: "gpu-a",
      region: "eu",
      addresses: [],
      version: "1",
      state: "ready",
    });
    await upsertNode(db.store.pool, {
      name: "gpu-b",
      region: "eu",
      addresses: [],
      version: "1",
      state: "ready",
    });
    await writeNodeHealth(db.store.pool, "gpu-b", health({ gpus: [{ index: 1, temperatureC: 91 }] }));
    // gpu-a's last heartbeat is older than three beats, by the database's clock.
    await db.store.pool.query(
      "UPDATE nodes SET heartbeat_at = now() - interval '1 minute' WHERE name = 'gpu-a'",
    );
    failNext = 1; // the receiver's first answer is a 503: retried, not lost
    const report = await runAlertingPass(db.store.pool, options(), memory, new Date());
    assert.equal(report.fired, 2);
    assert.equal(report.failedDeliveries, 0);
    const down = received.find((r) => r.body.commonLabels.alertname === "node-down")!;
    assert.ok(down, "node down reached the webhook");
    assert.equal(down.auth, "Bearer tok-secret");
    const m = down.body;
    assert.equal(m.version, "4");
    assert.equal(m.status, "firing");
    assert.equal(m.alerts[0]!.labels.node, "gpu-a");
    assert.equal(m.alerts[0]!.labels.severity, "critical");
    assert.equal(m.alerts[0]!.endsAt, "0001-01-01T00:00:00Z");
    assert.match(m.alerts[0]!.fingerprint, /^[0-9a-f]{16}$/);
    assert.match(m.alerts[0]!.annotations.summary!, /gpu-a is down: no heartbeat/);
    assert.equal(m.externalURL, "https://console.entrim.test");
    const hot = received.find((r) => r.body.commonLabels.alertname === "gpu-hot")!;
    assert.equal(hot.body.alerts[0]!.labels.subject, "1");
    await until("both alert emails arrive", () => smtp.received.length >= 2);
    assert.ok(smtp.received.some((mail) => /CRITICAL: gpu-a is down/.test(mail.subject)));
    assert.deepEqual(smtp.received[0]!.to, ["oncall@entrim.test"]);

    // A second pass a moment later sends nothing again (the repeat interval is hours).
    const count = received.length;
    await runAlertingPass(db.store.pool, options(), memory, new Date());
    assert.equal(received.length, count);

    // Acknowledged: stays open, no repeat even after the interval.
    const [alert] = await listAlerts(db.store.pool, { node: "gpu-a" });
    await acknowledgeAlert(db.store.pool, { id: alert!.id, by: "alice", note: "looking", now: new Date() });
    await runAlertingPass(db.store.pool, options(), memory, new Date(Date.now() + 5 * 3600_000));
    assert.equal(received.filter((r) => r.body.commonLabels.alertname === "node-down").length, 1);

    // The node comes back: resolved, with one resolved webhook.
    await db.store.pool.query("UPDATE nodes SET heartbeat_at = now() WHERE name = 'gpu-a'");
    await writeNodeHealth(db.store.pool, "gpu-a", health());
    const back = await runAlertingPass(db.store.pool, options(), memory, new Date());
    assert.ok(back.resolved >= 1);
    const resolved = received.filter((r) => r.body.status === "resolved");
    assert.equal(resolved.length, 1);
    assert.notEqual(resolved[0]!.body.alerts[0]!.endsAt, "0001-01-01T00:00:00Z");
    await runAlertingPass(db.store.pool, options(), memory, new Date());
    assert.equal(received.filter((r) => r.body.status === "resolved").length, 1, "resolution sent once");
    const kinds = (await listAlertEvents(db.store.pool, alert!.id)).map((e) => e.kind);
    assert.deepEqual(kinds, ["fired", "notified", "acknowledged", "resolved", "notified"]);
  });

  it("fires the disk, Xid, store and GDPR rules and never names a customer", async () => {
    const memory = emptyMemory();
    await upsertNode(db.store.pool, {
      name: "gpu-c",
      region: "eu",
      addresses: [],
      version: "1",
      state: "ready",
    });
    await writeNodeHealth(
      db.store.pool,
      "gpu-c",
      health({
        gpus: [{ index: 0, temperatureC: 50, xidErrors: 2 }],
        disk: { path: "/spool", freeBytes: 20e9, totalBytes: 100e9, secondsToFull: 3600 },
        store: { connected: false, lastOkAtMs: 0 },
      }),
    );
    await db.store.pool.query(
      `INSERT INTO data_subject_requests (id, account_id, kind, requested_by, details, requested_at, due_at)
       VALUES ('dsr_aaaaaaaaaaaaaaaa', 'acct_secretcustomer', 'erasure', 'someone@customer.test', 'private words',
               now() - interval '25 days', now() + interval '3 days')`,
    );
    await runAlertingPass(db.store.pool, options(), memory, new Date());
    const rules = (await listAlerts(db.store.pool)).map((a) => a.rule).sort();
    for (const rule of ["disk-filling", "gdpr-deadline", "gpu-xid", "store-unreachable"])
      assert.ok(rules.includes(rule), `${rule} fires (have ${rules.join(", ")})`);
    const everything =
      JSON.stringify(received) + JSON.stringify(await listAlerts(db.store.pool, { filter: "all" }));
    assert.doesNotMatch(everything, /secretcustomer|customer\.test|private words/);
  });
});
