import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Mailer } from "../mail/mailer.js";
import { createAccount } from "../store/accounts.js";
import { noticesFor } from "../store/notices.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { startTestSmtp, type TestSmtp, testMailer } from "../test-support/smtp.js";
import { until } from "../test-support/until.js";
import { ESSENTIAL_FOOTER, NON_ESSENTIAL_FOOTER, notifyAccount, setNonEssential } from "./notify.js";

let db: TestStore;
let smtp: TestSmtp;
let mailer: Mailer;

before(async () => {
  db = await openTestStore();
  smtp = await startTestSmtp();
  mailer = testMailer(db.store, smtp, { retryBaseMs: 100 });
  await mailer.start();
});

after(async () => {
  await mailer?.stop();
  await smtp?.close();
  await db?.close();
});

const text = (body: string) => body.replace(/=\n/g, "").replace(/=20/g, " ").replace(/\s+/g, " ");
const inbox = (address: string) => smtp.received.filter((m) => m.to.includes(address));

async function user(accountId: string, email: string, role: string) {
  await db.store.pool.query(
    `INSERT INTO portal_users (id, account_id, email, name, role, password_hash, email_verified_at)
     VALUES ($1, $2, $3, 'Someone', $4, '$argon2id$test', now())`,
    [`usr_${role}${accountId.slice(5, 21)}`, accountId, email, role],
  );
}

test("opt-out silences non-essential mail only; essential mail says why it cannot be turned off", async () => {
  const account = await createAccount(db.store.pool, { name: "Optout", email: "optout@example.eu" });
  await user(account.id, "owner@optout.eu", "owner");
  await user(account.id, "dev@optout.eu", "developer");

  // Model notices reach developers too; billing ones owners and billing users only.
  const model = await notifyAccount(db.store.pool, {
    accountId: account.id,
    kind: "model",
    essential: false,
    title: "m-1 retires on 2027-01-31",
    body: "Move to m-2 before then.",
    reason: "You used m-1 in the last 30 days.",
  });
  assert.equal(model.mailIds.length, 2);
  const first = await until("the model notice to the developer", () => inbox("dev@optout.eu")[0]);
  assert.ok(text(first.body).includes(NON_ESSENTIAL_FOOTER));

  await setNonEssential(db.store.pool, account.id, false, "usr_owner");
  const silenced = await notifyAccount(db.store.pool, {
    accountId: account.id,
    kind: "maintenance",
    essential: false,
    title: "Maintenance on Sunday",
    body: "Short interruptions between 02:00 and 03:00 UTC.",
  });
  assert.deepEqual([silenced.optedOut, silenced.mailIds], [true, []]);

  const essential = await notifyAccount(db.store.pool, {
    accountId: account.id,
    kind: "billing",
    essential: true,
    title: "Overdue: invoice inv_1",
    body: "Please pay invoice inv_1.",
  });
  assert.equal(essential.mailIds.length, 1, "owner only, despite the opt-out");
  const overdue = await until("the essential mail", () =>
    inbox("owner@optout.eu").find((m) => m.subject.startsWith("Overdue")),
  );
  assert.ok(text(overdue.body).includes(ESSENTIAL_FOOTER));
  assert.equal(inbox("dev@optout.eu").length, 1, "developers get no billing mail");
  assert.ok(!smtp.received.some((m) => m.subject.startsWith("Maintenance")));

  // The portal shows every notice, mailed or not; deliveries hold ids only.
  const titles = (await noticesFor(db.store.pool, account.id)).map((n) => n.title).sort();
  assert.deepEqual(titles, ["Maintenance on Sunday", "Overdue: invoice inv_1", "m-1 retires on 2027-01-31"]);
  const deliveries = await db.store.pool.query("SELECT * FROM notice_deliveries WHERE account_id = $1", [
    account.id,
  ]);
  assert.equal(deliveries.rows.length, 3);
  assert.deepEqual(Object.keys(deliveries.rows[0]).sort(), [
    "account_id",
    "channel",
    "created_at",
    "mail_id",
    "notice_id",
  ]);
});

test("an account without portal users is mailed at its own address", async () => {
  const account = await createAccount(db.store.pool, { name: "Plain", email: "plain@example.eu" });
  const result = await notifyAccount(db.store.pool, {
    accountId: account.id,
    kind: "terms",
    essential: true,
    title: "Our terms change on 2027-02-01",
    body: "Read the new version in the portal.",
  });
  assert.equal(result.mailIds.length, 1);
  await until("the terms mail", () => inbox("plain@example.eu")[0]);
});
