import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createAccount } from "../store/accounts.js";
import { listAudit } from "../store/audit-log.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { holdInvoices, unholdInvoices } from "../store/invoice-holds.js";
import { getInvoice, listInvoices } from "../store/invoices.js";
import { testBilling } from "../test-support/billing.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { startTestSmtp, testMailer } from "../test-support/smtp.js";
import { until } from "../test-support/until.js";
import { dueMonths, runInvoiceSchedule } from "./schedule.js";

const billing = testBilling();
let t: TestStore;
let seq = 0;

async function usage(account: string, at: Date): Promise<void> {
  seq++;
  await t.store.pool.query(
    `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
       http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur, price_version)
     VALUES ($1, $2, $2, $3, 'keykeykeykey', 'llama-70b', 'node-1', 'completed', 200, 100, 0, 50, 1000000000000, 1)`,
    [`req_sched${String(seq).padStart(12, "0")}`, at, account],
  );
}

async function queued(): Promise<{ recipient: string; subject: string; attachments: unknown[] }[]> {
  const result = await t.store.pool.query(
    "SELECT recipient, subject, attachments FROM mail_queue ORDER BY subject",
  );
  return result.rows;
}

describe("invoice schedule", () => {
  before(async () => {
    t = await openTestStore();
  });
  after(async () => t.close());

  it("knows which months are due, waiting for the hour on the 1st", () => {
    assert.deepEqual(dueMonths(new Date("2027-01-01T05:59:00Z"), 6), ["2026-10", "2026-11"]);
    assert.deepEqual(dueMonths(new Date("2027-01-01T06:00:00Z"), 6), ["2026-10", "2026-11", "2026-12"]);
  });

  it("issues last month once across the boundary, skips held accounts, and catches up after downtime", async () => {
    const a = await createAccount(t.store.pool, { name: "A", email: "a@example.eu" });
    const b = await createAccount(t.store.pool, { name: "B", email: "b@example.eu" });
    await usage(a.id, new Date("2026-09-10T12:00:00Z"));
    await usage(b.id, new Date("2026-09-11T12:00:00Z"));
    await holdInvoices(t.store.pool, b.id, "review the big month", "ops");

    // 30 September: nothing is due yet for September.
    const before = await runInvoiceSchedule(t.store.pool, billing, {
      now: new Date("2026-09-30T23:00:00Z"),
      by: "leader",
    });
    assert.deepEqual(before.issued, []);

    const first = await runInvoiceSchedule(t.store.pool, billing, {
      now: new Date("2026-10-01T06:00:00Z"),
      by: "leader",
    });
    assert.deepEqual(first.issued, ["2026-000001"]);
    const again = await runInvoiceSchedule(t.store.pool, billing, {
      now: new Date("2026-10-01T07:00:00Z"),
      by: "leader",
    });
    assert.deepEqual(again.issued, []);
    const mails = await queued();
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.recipient, "a@example.eu");
    assert.match(mails[0]!.subject, /Invoice 2026-000001 from Entrim d\.o\.o\./);
    assert.equal((mails[0]!.attachments[0] as { contentType: string }).contentType, "application/pdf");

    // Downtime: no pass runs from October to mid-December; October and November usage is caught up.
    await usage(a.id, new Date("2026-10-05T12:00:00Z"));
    await usage(a.id, new Date("2026-11-05T12:00:00Z"));
    await unholdInvoices(t.store.pool, b.id);
    const caught = await runInvoiceSchedule(t.store.pool, billing, {
      now: new Date("2026-12-15T10:00:00Z"),
      by: "leader",
    });
    assert.deepEqual(caught.issued, ["2026-000002", "2026-000003", "2026-000004"]);
    const issued = await listInvoices(t.store.pool, { status: "issued" });
    assert.equal(issued.length, 4);
    assert.equal((await queued()).length, 4);
  });

  it("delivers each invoice email with its PDF to the SMTP server, and empties the queue", async () => {
    const smtp = await startTestSmtp();
    const mailer = testMailer(t.store, smtp, { from: "Entrim <billing@entrim.test>" });
    await mailer.start();
    try {
      await until("the four invoice emails arrive", () => smtp.received.length === 4);
      const first = smtp.received.find((m) => m.subject.includes("2026-000001"))!;
      assert.deepEqual(first.to, ["a@example.eu"]);
      assert.match(first.raw, /application\/pdf/);
      assert.match(first.raw, /invoice-2026-000001\.pdf/);
      await until("the queue is empty", async () => (await queued()).length === 0);
    } finally {
      await mailer.stop();
      await smtp.close();
    }
  });

  it("bills usage a spool delivers after its month was issued on the next month's invoice, once", async () => {
    const [a] = (await listInvoices(t.store.pool, { month: "2026-11" })).map((i) => i.accountId);
    // A node down since the evening of 30 November ships its spool in mid-December.
    await usage(a!, new Date("2026-11-30T21:00:00Z"));
    const january = await runInvoiceSchedule(t.store.pool, billing, {
      now: new Date("2027-01-01T06:00:00Z"),
      by: "leader",
    });
    assert.deepEqual(january.issued, ["2027-000001"]);
    const [december] = await listInvoices(t.store.pool, { month: "2026-12", accountId: a! });
    const { lines } = await getInvoice(t.store.pool, december!.id);
    assert.deepEqual(
      lines.map((l) => [l.usagePeriod, l.requests]),
      [["2026-11", 1n]],
    );
    const mail = (await queued()).find((m) => m.subject.includes("2027-000001"));
    assert.ok(mail, "the December invoice is mailed");
    const again = await runInvoiceSchedule(t.store.pool, billing, {
      now: new Date("2027-02-01T06:00:00Z"),
      by: "leader",
    });
    assert.deepEqual(again.issued, [], "billed once: nothing for January");
  });
});

describe("invoice schedule audit", () => {
  before(async () => {
    t = await openTestStore();
  });
  after(async () => t.close());

  it("records one billing.invoice.issue entry per invoice, however many passes run", async () => {
    const a = await createAccount(t.store.pool, { name: "Audited A", email: "aa@example.eu" });
    const b = await createAccount(t.store.pool, { name: "Audited B", email: "ab@example.eu" });
    await usage(a.id, new Date("2026-09-10T12:00:00Z"));
    await usage(b.id, new Date("2026-09-11T12:00:00Z"));
    const audit = {
      recorder: new StoreAuditRecorder(t.store, "node-1", Buffer.alloc(32, 7)),
      operator: "agent:node-1",
    };
    for (const hour of ["06", "07"])
      await runInvoiceSchedule(t.store.pool, billing, {
        now: new Date(`2026-10-01T${hour}:00:00Z`),
        by: "leader:node-1",
        audit,
      });
    const issued = await listInvoices(t.store.pool, { status: "issued" });
    assert.equal(issued.length, 2);
    const entries = await listAudit(t.store.pool, { action: "billing.invoice.issue" });
    assert.deepEqual(entries.map((e) => e.target).sort(), issued.map((i) => `invoice:${i.id}`).sort());
    for (const entry of entries) {
      assert.equal(entry.operator, "agent:node-1");
      assert.equal(entry.role, "admin");
      assert.equal(entry.source, "agent");
      assert.equal(entry.result, "ok");
    }
  });
});
