import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Mailer } from "../mail/mailer.js";
import { ESSENTIAL_FOOTER } from "../notices/notify.js";
import { createAccount } from "../store/accounts.js";
import { listAudit } from "../store/audit-log.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { issueInvoice, markInvoicePaid } from "../store/invoice-states.js";
import { generateInvoices } from "../store/invoices.js";
import { noticesFor } from "../store/notices.js";
import { listSuspensions } from "../store/suspensions.js";
import { testBilling } from "../test-support/billing.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { startTestSmtp, type TestSmtp, testMailer } from "../test-support/smtp.js";
import { until } from "../test-support/until.js";
import { DEFAULT_DUNNING, type DunningOptions, runDunning } from "./dunning.js";

const DAY = 86_400_000;
const NOV = Date.UTC(2026, 10, 1);
const ISSUED = new Date(Date.UTC(2026, 11, 1, 6));

let db: TestStore;
let smtp: TestSmtp;
let mailer: Mailer;
let options: DunningOptions;

before(async () => {
  db = await openTestStore();
  smtp = await startTestSmtp();
  mailer = testMailer(db.store, smtp, { retryBaseMs: 100 });
  await mailer.start();
  options = {
    config: DEFAULT_DUNNING,
    recorder: new StoreAuditRecorder(db.store, "node-1", Buffer.alloc(32, 7)),
    by: "agent:node-1",
    payUrl: (id) => `https://portal.entrim.test/invoices/${id}`,
  };
});

after(async () => {
  await mailer?.stop();
  await smtp?.close();
  await db?.close();
});

async function issuedInvoice(name: string): Promise<{ accountId: string; invoiceId: string }> {
  const account = await createAccount(db.store.pool, { name, email: `${name.toLowerCase()}@example.eu` });
  await db.store.pool.query(
    `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
       http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur, price_version)
     VALUES ($1, $2, $2, $3, 'keykeykeykey', 'm-1', 'node-1', 'completed', 200, 10, 0, 10, 50000000000000, NULL)`,
    [`req_${name.toLowerCase().padEnd(16, "0")}`, new Date(NOV + DAY), account.id],
  );
  await generateInvoices(db.store.pool, {
    month: "2026-11",
    taxRate: "0.22",
    generatedBy: "test",
    now: ISSUED,
  });
  const row = await db.store.pool.query<{ id: string }>("SELECT id FROM invoices WHERE account_id = $1", [
    account.id,
  ]);
  const invoiceId = row.rows[0]!.id;
  await issueInvoice(db.store.pool, invoiceId, {
    by: "test",
    billing: testBilling({ paymentTermsDays: 14 }),
    now: ISSUED,
  });
  return { accountId: account.id, invoiceId };
}

const at = (days: number) => new Date(ISSUED.getTime() + days * DAY);
// Quoted-printable soft breaks undone: the text as a mail client shows it.
const mailsTo = (address: string) =>
  smtp.received
    .filter((m) => m.to.includes(address))
    .map((m) => ({ ...m, body: m.body.replace(/=\n/g, "").replace(/=20/g, " ").replace(/\s+/g, " ") }));

describe("dunning timeline", () => {
  it("reminds, warns, suspends only after the warning's grace, and lifts when paid", async () => {
    const { accountId, invoiceId } = await issuedInvoice("Late");
    const address = "late@example.eu";
    // Due on day 14: nothing on day 5, a reminder on day 12, once, however many passes.
    assert.deepEqual(await runDunning(db.store.pool, options, at(5)), {
      reminded: 0,
      warned: 0,
      suspended: 0,
      lifted: 0,
      thanked: 0,
    });
    assert.equal((await runDunning(db.store.pool, options, at(12))).reminded, 1);
    assert.equal((await runDunning(db.store.pool, options, at(12.5))).reminded, 0);
    const reminder = await until("the reminder email", () =>
      mailsTo(address).find((m) => /Reminder/.test(m.subject)),
    );
    assert.match(reminder.body, /due on 2026-12-15/);
    assert.match(reminder.body, /sent whatever your notification settings/);

    // Overdue by a day: a warning, shown as a warned non-payment record; no suspension yet.
    assert.equal((await runDunning(db.store.pool, options, at(15))).warned, 1);
    let active = await listSuspensions(db.store.pool, { accountId, activeOnly: true });
    assert.deepEqual(
      active.map((s) => [s.state, s.reason]),
      [["warned", "non_payment"]],
    );
    assert.equal((await runDunning(db.store.pool, options, at(28))).suspended, 0, "grace not over");

    // Two agents at once: one suspension, one email.
    const passes = await Promise.all([
      runDunning(db.store.pool, options, at(30)),
      runDunning(db.store.pool, options, at(30)),
    ]);
    assert.equal(passes[0]!.suspended + passes[1]!.suspended, 1);
    active = await listSuspensions(db.store.pool, { accountId, activeOnly: true });
    assert.deepEqual(
      active.map((s) => [s.state, s.reason]),
      [["suspended", "non_payment"]],
    );
    const suspended = await until("the suspension email", () =>
      mailsTo(address).find((m) => /suspended/.test(m.subject)),
    );
    assert.match(suspended.body, new RegExp(`portal.entrim.test/invoices/${invoiceId}`));
    assert.ok(suspended.body.includes(ESSENTIAL_FOOTER));

    // Paid: the next pass lifts the suspension with a reason and says so.
    await markInvoicePaid(db.store.pool, invoiceId, { by: "stripe" });
    assert.equal((await runDunning(db.store.pool, options, at(31))).lifted, 1);
    assert.equal((await runDunning(db.store.pool, options, at(32))).lifted, 0);
    assert.deepEqual(await listSuspensions(db.store.pool, { accountId, activeOnly: true }), []);
    const all = await listSuspensions(db.store.pool, { accountId });
    assert.ok(all.some((s) => s.liftReason?.includes("payment received")));
    await until("the payment email", () => mailsTo(address).find((m) => /Payment received/.test(m.subject)));
    const titles = (await noticesFor(db.store.pool, accountId)).map((n) => n.title);
    assert.equal(titles.length, 4);
    const actions = (await listAudit(db.store.pool, {})).filter((e) => e.target === `account:${accountId}`);
    assert.deepEqual(actions.map((e) => e.action).sort(), [
      "dunning.lift",
      "dunning.remind",
      "dunning.suspend",
      "dunning.warn",
    ]);
    assert.equal(mailsTo(address).length, 4, "each step mailed once");
  });

  it("never suspends without a recorded warning, even long after the due date", async () => {
    const { accountId } = await issuedInvoice("Later");
    // The agents were down through the whole grace: the first pass only warns.
    const report = await runDunning(db.store.pool, options, at(60));
    assert.equal(report.suspended, 0);
    const active = await listSuspensions(db.store.pool, { accountId, activeOnly: true });
    assert.deepEqual(
      active.map((s) => s.state),
      ["warned"],
    );
    assert.equal((await runDunning(db.store.pool, options, at(61))).suspended, 0);
    await runDunning(db.store.pool, options, at(75));
    const after = await listSuspensions(db.store.pool, { accountId, activeOnly: true });
    assert.deepEqual(
      after.map((s) => s.state),
      ["suspended"],
    );
  });
});
