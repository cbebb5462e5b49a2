import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { findTextAnywhere, insertUsageEvent } from "../test-support/data-protection.js";
import { openTestStore } from "../test-support/postgres.js";
import { upsertAbuseFlags } from "./abuse-flags.js";
import { createAccount, getAccount } from "./accounts.js";
import { createApiKey, listApiKeys } from "./api-keys.js";
import {
  eraseAccount,
  erasedEmail,
  exportAccount,
  listActions,
  restrictAccount,
  unrestrictAccount,
} from "./data-subject.js";
import { fileRequest } from "./data-subject-requests.js";
import { randomId, StoreError } from "./db.js";
import { generateInvoices, getInvoice, invoiceId } from "./invoices.js";
import { enqueueMail } from "./mail.js";
import { publishNotice } from "./notices.js";
import { insertSecurityEvents } from "./security-events.js";
import type { Store } from "./store.js";
import { createSuspension } from "./suspensions.js";

let store: Store;
let closeStore: () => Promise<void>;
const pepper = Buffer.alloc(32, 7);
const by = "cli:tester";

before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

const storeError = (code: StoreError["code"], message: RegExp) => (error: unknown) =>
  error instanceof StoreError && error.code === code && message.test(error.message);

/** An account with something in every table that can hold data about it. */
async function customer(name: string, email: string) {
  const account = await createAccount(store.pool, { name, email, company: `${name} Company` });
  const { key } = await createApiKey(store.pool, {
    accountId: account.id,
    name: `${name}'s laptop`,
    createdBy: by,
    pepper,
  });
  const now = Date.now();
  for (const minutes of [3, 2, 1]) {
    await insertUsageEvent(store.pool, {
      accountId: account.id,
      keyId: key.id,
      receivedAt: new Date(now - minutes * 60_000),
      userAgent: `curl/8 (${email})`,
      clientIp: "198.51.100.23",
    });
  }
  await insertSecurityEvents(store.pool, [
    {
      occurredAt: new Date(now - 60_000),
      node: "node-a",
      kind: "rate_limited",
      ip: "198.51.100.23",
      accountId: account.id,
      keyId: key.id,
      code: "rate_limit_exceeded",
      detail: { limit: 10 },
    },
  ]);
  await createSuspension(store.pool, {
    targetType: "account",
    target: account.id,
    state: "warned",
    reason: "abuse",
    note: `called ${name} at ${email}`,
    createdBy: by,
  });
  await upsertAbuseFlags(store.pool, [
    {
      subjectType: "account",
      subject: account.id,
      rule: "usage_spike",
      firstSeen: new Date(now),
      lastSeen: new Date(now),
      count: 1,
      // Evidence should never hold such text; erasure scrubs it all the same.
      evidence: { node: `${email} spiked` },
    },
  ]);
  const portal = await portalData(account.id, name, email);
  return { account, key, ...portal };
}

/** What the portal holds (migration 0017): written as the portal's stores would, straight in SQL. */
async function portalData(accountId: string, name: string, email: string) {
  await store.pool.query(
    `UPDATE accounts SET billing_address = $2, country = 'DE', vat_id = 'DE123456789',
       vat_id_checked = 'DE123456789', vat_id_status = 'valid', vat_id_checked_at = now() WHERE id = $1`,
    [accountId, `${name}, 1 Example Street, Berlin`],
  );
  const userId = randomId("usr");
  await store.pool.query(
    `INSERT INTO portal_users (id, account_id, email, name, role, password_hash, totp_secret, totp_enabled_at)
     VALUES ($1, $2, $3, $4, 'owner', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$SECRETHASH', '\\x5345414c4544', now())`,
    [userId, accountId, `portal-${email}`, `${name} Portal`],
  );
  const sessionId = randomId("ses");
  await store.pool.query(
    `INSERT INTO portal_sessions (id, token_hash, user_id, account_id, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, $4, now() + interval '1 day', '198.51.100.24', $5)`,
    [sessionId, randomBytes(32), userId, accountId, `Browser of ${name}`],
  );
  await store.pool.query(
    `INSERT INTO terms_acceptances (account_id, user_id, document, version, age_confirmed)
     VALUES ($1, $2, 'terms', '2026-11', true), ($1, $2, 'privacy', '2026-11', true)`,
    [accountId, userId],
  );
  const request = await fileRequest(store.pool, {
    accountId,
    kind: "objection",
    requestedBy: userId,
    details: `${name} objects to marketing`,
  });
  await publishNotice(store.pool, {
    accountId,
    kind: "billing",
    title: "Your invoice",
    body: `Dear ${name}, please update your billing address.`,
    createdBy: by,
  });
  return { userId, sessionId, requestId: request.id };
}

describe("data-subject rights", () => {
  it("exports everything held about one account, deterministically and without secrets", async () => {
    const { account, key } = await customer("Ada Export", "ada@export.example.com");
    await customer("Someone Else", "else@export.example.com");
    const first = await exportAccount(store.pool, account.id, by, new Date("2030-01-01T00:00:00Z"));
    assert.equal(first.account.email, "ada@export.example.com");
    assert.deepEqual(
      first.keys.map((k) => k.id),
      [key.id],
    );
    assert.ok(!("hmac" in first.keys[0]!), "never the key's HMAC");
    assert.equal(first.usageEvents.length, 3);
    assert.equal(first.usageEvents[0]!.cost_pico_eur, "9007199254740993", "bigint exact, as a string");
    assert.equal(first.usageEvents[0]!.client_ip, "198.51.100.23");
    assert.equal(
      first.usageEvents[0]!.endpoint,
      "",
      "the endpoint called, empty for rows from before it was recorded",
    );
    assert.equal(first.suspensions.length, 1);
    assert.equal(first.securityEvents.length, 1);
    assert.equal(first.account.billing_address, "Ada Export, 1 Example Street, Berlin");
    assert.equal(first.account.vat_id, "DE123456789");
    assert.deepEqual(
      first.portalUsers.map((u) => [u.email, u.role, u.totp_enabled]),
      [["portal-ada@export.example.com", "owner", true]],
    );
    const portalText = JSON.stringify(first.portalUsers) + JSON.stringify(first.portalSessions);
    for (const secret of ["argon2id", "SECRETHASH", "5345414c4544", "token_hash", "totp_secret"])
      assert.ok(!portalText.includes(secret), `never ${secret}`);
    assert.equal(first.portalSessions[0]?.user_agent, "Browser of Ada Export");
    assert.deepEqual(
      first.termsAcceptances.map((t) => [t.document, t.version, t.age_confirmed]),
      [
        ["terms", "2026-11", true],
        ["privacy", "2026-11", true],
      ],
    );
    assert.equal(first.dataSubjectRequests[0]?.details, "Ada Export objects to marketing");
    assert.equal(first.notices.length, 1);
    assert.deepEqual(first.invoices, [], "billing tables exist; this account has no invoice yet");
    const sorted = [...first.usageEvents].sort((a, b) =>
      String(a.received_at).localeCompare(String(b.received_at)),
    );
    assert.deepEqual(first.usageEvents, sorted);
    const second = await exportAccount(store.pool, account.id, by, new Date("2030-01-01T00:00:00Z"));
    assert.deepEqual(
      { ...second, dataProtectionLog: [] },
      { ...first, dataProtectionLog: [] },
      "same data, same document",
    );
    assert.equal(second.dataProtectionLog.at(-1)?.action, "export", "exports are recorded");
    await assert.rejects(
      exportAccount(store.pool, "acct_nobodynobodynobody", by),
      storeError("not_found", /no account/),
    );
  });

  it("erases personal data everywhere, keeps amounts, and records who and why", async () => {
    const name = "Grace Erase";
    const email = "grace@erase.example.com";
    const { account, key, userId, requestId } = await customer(name, email);
    // A past month of usage, invoiced: the invoice must survive erasure, intact and unlinkable.
    await insertUsageEvent(store.pool, {
      accountId: account.id,
      keyId: key.id,
      receivedAt: new Date("2026-09-14T10:00:00Z"),
      userAgent: `curl/8 (${email})`,
      clientIp: "198.51.100.23",
    });
    await generateInvoices(store.pool, { month: "2026-09", taxRate: "0.19", generatedBy: by });
    // A notice not sent yet (no agent here sends mail): its address and body go with the erasure.
    await enqueueMail(store.pool, {
      kind: "invoice",
      accountId: account.id,
      to: email,
      subject: `Invoice for ${name}`,
      text: `Dear ${name}, your invoice is ready.`,
    });
    const invoiceBefore = await getInvoice(store.pool, invoiceId(account.id, "2026-09"));
    const before = await exportAccount(store.pool, account.id, by);
    assert.equal(before.invoices?.length, 1);
    const found = await findTextAnywhere(store.pool, [name, email]);
    assert.ok(found.length >= 4, `the fixture holds the data in several tables: ${JSON.stringify(found)}`);

    const done = await eraseAccount(store.pool, account.id, by, "ticket 4711");
    assert.equal(done.counts.usageEvents, 4);
    assert.equal(done.counts.securityEvents, 1);
    assert.equal(done.counts.queuedMail, 1);

    assert.deepEqual(await findTextAnywhere(store.pool, [name, email, `${name} Company`]), []);
    assert.equal(done.counts.portalUsers, 1);
    const left = await store.pool.query(
      `SELECT (SELECT count(*)::int FROM portal_users WHERE account_id = $1) AS users,
              (SELECT count(*)::int FROM portal_sessions WHERE account_id = $1) AS sessions,
              (SELECT count(*)::int FROM notices WHERE account_id = $1) AS notices,
              (SELECT count(*)::int FROM terms_acceptances WHERE account_id = $1 AND user_id = $2) AS terms,
              (SELECT details FROM data_subject_requests WHERE id = $3) AS details,
              (SELECT row(billing_address, country, vat_id, vat_id_checked)::text FROM accounts WHERE id = $1) AS billing`,
      [account.id, userId, requestId],
    );
    assert.deepEqual(
      left.rows[0],
      { users: 0, sessions: 0, notices: 0, terms: 2, details: "", billing: "(,,,)" },
      "portal users, sessions and notices gone; terms acceptances kept as evidence; request details blanked",
    );
    const erased = await getAccount(store.pool, account.id);
    assert.equal(erased?.status, "closed");
    assert.equal(erased?.email, erasedEmail(account.id));
    assert.equal(erased?.company, null);
    const [revoked] = await listApiKeys(store.pool, { accountId: account.id });
    assert.ok(revoked?.revokedAt, "keys revoked");
    assert.equal(revoked?.name, "");

    const after = await exportAccount(store.pool, account.id, by);
    const text = JSON.stringify(after);
    for (const gone of [name, email, "198.51.100.23", "curl/8"]) assert.ok(!text.includes(gone), gone);
    assert.deepEqual(
      after.usageEvents.map((u) => [u.request_id, u.key_id, u.prompt_tokens, u.cost_pico_eur]),
      before.usageEvents.map((u) => [u.request_id, u.key_id, u.prompt_tokens, u.cost_pico_eur]),
      "usage amounts stay for billing and tax",
    );
    assert.equal(after.keys[0]?.id, key.id);
    assert.deepEqual(
      await getInvoice(store.pool, invoiceBefore.invoice.id),
      invoiceBefore,
      "the invoice is kept unchanged for tax law",
    );
    const log = await listActions(store.pool, account.id);
    const erasure = log.find((a) => a.action === "erase");
    assert.equal(erasure?.performedBy, by);
    assert.equal(erasure?.reason, "ticket 4711");

    await assert.rejects(
      eraseAccount(store.pool, account.id, by, "again"),
      storeError("conflict", /already erased/),
    );
    await assert.rejects(eraseAccount(store.pool, account.id, by, " "), storeError("invalid", /reason/));
    // The address is free for a new account: erasure closed the old one.
    await createAccount(store.pool, { name: "Grace again", email });
  });

  it("restricts and unrestricts, recording who and why, and refuses impossible changes", async () => {
    const account = await createAccount(store.pool, { name: "Rita", email: "rita@restrict.example.com" });
    await restrictAccount(store.pool, account.id, by, "customer disputes accuracy");
    assert.equal((await getAccount(store.pool, account.id))?.status, "restricted");
    await assert.rejects(
      restrictAccount(store.pool, account.id, by, "twice"),
      storeError("conflict", /is restricted; only an active account can be restricted/),
    );
    await unrestrictAccount(store.pool, account.id, by, "resolved");
    assert.equal((await getAccount(store.pool, account.id))?.status, "active");
    await assert.rejects(
      unrestrictAccount(store.pool, account.id, by),
      storeError("conflict", /only a restricted account/),
    );
    await assert.rejects(
      restrictAccount(store.pool, "acct_nobodynobodynobody", by, "x"),
      storeError("not_found", /no account/),
    );
    assert.deepEqual(
      (await listActions(store.pool, account.id)).map((a) => [a.action, a.performedBy, a.reason]),
      [
        ["restrict", by, "customer disputes accuracy"],
        ["unrestrict", by, "resolved"],
      ],
    );
  });
});
