// Customer notices over real gRPC with mutual TLS, on a real store and a real SMTP server: what an
// operator's console lists, the delivery state as the mailer works through the queue, and who may do what.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { status } from "@grpc/grpc-js";
import type { Mailer } from "../../mail/mailer.js";
import { setNonEssential } from "../../notices/notify.js";
import { createAccount } from "../../store/accounts.js";
import { listAudit } from "../../store/audit-log.js";
import { createModel } from "../../store/models.js";
import { callUnary } from "../../test-support/control-client.js";
import { type ControlFixture, refused, startControlFixture } from "../../test-support/control-fixture.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import { startTestSmtp, type TestSmtp, testMailer } from "../../test-support/smtp.js";
import { until } from "../../test-support/until.js";
import { noticesService } from "./notices.js";

let t: TestStore;
let fx: ControlFixture;
let smtp: TestSmtp;
let mailer: Mailer;
const clients: Partial<ControlFixture["clients"]> = {};

before(async () => {
  t = await openTestStore();
  smtp = await startTestSmtp();
  // Started by the test that watches the state move: until then every email waits in the queue.
  mailer = testMailer(t.store, smtp, { retryBaseMs: 100 });
  fx = await startControlFixture(t, (recorder) => [noticesService({ store: t.store, recorder })]);
  Object.assign(clients, fx.clients);
});

after(async () => {
  await fx?.close();
  await mailer?.stop();
  await smtp?.close();
  await t?.close();
});

const HOUR = 3_600_000;

it("a maintenance notice to every account: one message, waiting until the mailer sends, opt-outs counted", async () => {
  const pool = t.store.pool;
  const alpha = await createAccount(pool, { name: "Alpha", email: "ops@alpha.example" });
  const beta = await createAccount(pool, { name: "Beta", email: "ops@beta.example" });
  const quiet = await createAccount(pool, { name: "Quiet", email: "ops@quiet.example" });
  await setNonEssential(pool, quiet.id, false, "usr_quiet");

  const start = Date.UTC(2027, 0, 10, 2);
  const published = await callUnary(clients.operator!.notices, "publishNotice", {
    kind: "maintenance",
    title: "Database maintenance",
    body: "Requests may be refused for a few minutes.",
    startsAtMs: start,
    endsAtMs: start + HOUR,
  });
  assert.match(published.id!, /^ntb_/);
  assert.equal(published.audience, "accounts");
  assert.match(published.body!, /From 2027-01-10T02:00:00.000Z to 2027-01-10T03:00:00.000Z\./);
  assert.deepEqual(published.counts, { accounts: 3, waiting: 2, sent: 0, failed: 0, optedOut: 1 });

  await mailer.start();
  const done = await until("both emails sent", async () => {
    const list = await callUnary(clients.viewer!.notices, "listNotices", {});
    const row = list.notices?.find((n) => n.id === published.id);
    return row?.counts?.sent === 2 ? row : undefined;
  });
  assert.deepEqual(done.counts, { accounts: 3, waiting: 0, sent: 2, failed: 0, optedOut: 1 });
  assert.deepEqual(smtp.received.flatMap((m) => m.to).sort(), ["ops@alpha.example", "ops@beta.example"]);

  const deliveries = await callUnary(clients.viewer!.notices, "getNoticeDeliveries", { id: published.id! });
  const byName = new Map(deliveries.deliveries!.map((d) => [d.accountName, d]));
  assert.deepEqual(
    byName.get("Alpha")!.mails!.map((m) => [m.state, m.attempts]),
    [["sent", 1]],
  );
  assert.ok(Number(byName.get("Alpha")!.mails![0]!.finishedAtMs) > 0);
  assert.deepEqual([byName.get("Alpha")!.accountId, byName.get("Beta")!.accountId], [alpha.id, beta.id]);
  assert.deepEqual([byName.get("Quiet")!.optedOut, byName.get("Quiet")!.mails], [true, []]);
  // Ids and states only: no address, subject or body of a mail reaches the console.
  assert.doesNotMatch(JSON.stringify(deliveries), /@|Database maintenance/);

  const audit = await listAudit(pool, { action: "notice.publish" });
  assert.equal(audit[0]?.operator, "operator");
  assert.equal(audit[0]?.target, "notices:every-account");
  assert.equal(audit[0]?.result, "ok");
});

it("a viewer reads but cannot publish or retire; essential notices are the admin's and say why", async () => {
  const pool = t.store.pool;
  const one = await createAccount(pool, { name: "Single", email: "one@single.example" });
  await setNonEssential(pool, one.id, false, "usr_single");
  await assert.rejects(
    callUnary(clients.viewer!.notices, "publishNotice", { kind: "service", title: "x", body: "y" }),
    refused(status.PERMISSION_DENIED, /needs the operator role/),
  );
  await assert.rejects(
    callUnary(clients.viewer!.notices, "deprecateModel", { model: "m", date: "2027-01-01" }),
    refused(status.PERMISSION_DENIED, /needs the operator role/),
  );
  const essential = {
    kind: "service",
    title: "Security fix",
    body: "We rotated certificates.",
    accountId: one.id,
    essential: true,
    essentialReason: "It concerns the security of your account.",
  };
  await assert.rejects(
    callUnary(clients.operator!.notices, "publishNotice", essential),
    refused(status.PERMISSION_DENIED, /essential notice .* needs the admin role/),
  );
  await assert.rejects(
    callUnary(clients.admin!.notices, "publishNotice", { ...essential, essentialReason: "" }),
    refused(status.INVALID_ARGUMENT, /essential_reason is required/),
  );
  await assert.rejects(
    callUnary(clients.operator!.notices, "publishNotice", { kind: "maintenance", title: "t", body: "b" }),
    refused(status.INVALID_ARGUMENT, /needs starts_at_ms and ends_at_ms/),
  );
  await assert.rejects(
    callUnary(clients.operator!.notices, "publishNotice", { kind: "terms", title: "t", body: "b" }),
    refused(status.INVALID_ARGUMENT, /kind must be "service" or "maintenance"/),
  );

  // Essential: the opted-out account still gets the email, and the body says why.
  const sent = await callUnary(clients.admin!.notices, "publishNotice", essential);
  assert.match(sent.id!, /^ntc_/);
  assert.deepEqual([sent.audience, sent.accountId, sent.essential], ["account", one.id, true]);
  assert.match(sent.body!, /It concerns the security of your account\./);
  assert.equal(sent.counts?.optedOut, 0);
  await until("the essential email", () => smtp.received.find((m) => m.to.includes("one@single.example")));
});

it("retiring a model answers with the message of the accounts that used it, audited", async () => {
  const pool = t.store.pool;
  await createModel(pool, { name: "old-7b", createdBy: "test" });
  await createModel(pool, { name: "new-8b", createdBy: "test" });
  const user = await createAccount(pool, { name: "User", email: "u@user.example" });
  await pool.query(
    `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status, http_status)
     VALUES ('req_notices000000000001', now(), now(), $1, 'keykeykeykey', 'old-7b', 'node-1', 'completed', 200)`,
    [user.id],
  );
  const date = new Date(Date.now() + 30 * 24 * HOUR).toISOString().slice(0, 10);
  const retired = await callUnary(clients.operator!.notices, "deprecateModel", {
    model: "old-7b",
    date,
    replacement: "new-8b",
  });
  assert.deepEqual([retired.kind, retired.model, retired.counts?.accounts], ["model", "old-7b", 1]);
  await assert.rejects(
    callUnary(clients.operator!.notices, "deprecateModel", { model: "nope", date }),
    refused(status.NOT_FOUND, /no model nope/),
  );
  const audit = await listAudit(pool, { action: "model.deprecate" });
  assert.deepEqual(
    audit.map((a) => [a.target, a.result.startsWith("error") ? "error" : a.result]),
    [
      ["model:nope", "error"],
      ["model:old-7b", "ok"],
    ],
  );
});
