// VIES checks end to end over real HTTP: a customer's VAT ID change in the portal is checked against a
// local VIES stand-in, the check is stored, and the invoice issued afterwards applies the reverse
// charge only to a buyer VIES confirmed. The leader's pass re-checks an answer left unknown by an
// outage; with VIES off nothing changes. Real PostgreSQL; the routes behind a test-only principal hook.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { errorHandling } from "../api/errors.js";
import { runInvoiceSchedule } from "../billing/schedule.js";
import { recheckVatIds } from "../billing/vat-id-check.js";
import type { BillingConfig } from "../config/billing.js";
import { createAccount } from "../store/accounts.js";
import { createApiKey } from "../store/api-keys.js";
import { auditCheckpointKey, listAudit } from "../store/audit-log.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { issueInvoice } from "../store/invoice-states.js";
import { generateInvoices, getInvoice, invoiceId } from "../store/invoices.js";
import { getVatIdCheck } from "../store/vat-id-checks.js";
import { testBilling } from "../test-support/billing.js";
import { insertUsageEvent } from "../test-support/data-protection.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { startViesStandIn, type ViesStandIn } from "../test-support/vies.js";
import type { PortalDeps, PortalPrincipal } from "./context.js";
import { profileRoutes } from "./profile-routes.js";

const pepper = randomBytes(32);
const now = new Date();
const lastMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const lastMonth = lastMonthStart.toISOString().slice(0, 7);
let t: TestStore;
let vies: ViesStandIn;
let app: FastifyInstance;
let base: string;
let deps: PortalDeps;
let recorder: StoreAuditRecorder;
const principals = new Map<string, PortalPrincipal>();

function withVies(enabled: boolean): BillingConfig {
  const billing = testBilling();
  return {
    ...billing,
    vat: { ...billing.vat, vies: { enabled, url: vies.url, timeoutMs: 2000, recheckDays: 30 } },
  };
}

/** An account with usage last month, and its owner's principal. */
async function customer(tag: string): Promise<{ accountId: string; owner: string }> {
  const account = await createAccount(t.store.pool, {
    name: `Customer ${tag}`,
    email: `${tag}@vies.example.eu`,
  });
  const { key } = await createApiKey(t.store.pool, {
    accountId: account.id,
    name: tag,
    createdBy: "test",
    pepper,
  });
  await insertUsageEvent(t.store.pool, {
    accountId: account.id,
    keyId: key.id,
    receivedAt: new Date(lastMonthStart.getTime() + 86_400_000),
  });
  principals.set(tag, { accountId: account.id, role: "owner", userId: `usr_${tag}`, sessionId: "ses_test" });
  return { accountId: account.id, owner: tag };
}

interface ProfileAnswer {
  account: { vatId: string | null };
  vatIdCheck?: { vatId: string; status: string; message: string; reference: string | null };
}

async function patchProfile(who: string, body: unknown) {
  const response = await fetch(`${base}/api/profile`, {
    method: "PATCH",
    headers: { "x-test-as": who, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as ProfileAnswer };
}

async function issued(accountId: string, billing: BillingConfig) {
  await generateInvoices(t.store.pool, { month: lastMonth, taxRate: "0.22", generatedBy: "test" });
  return issueInvoice(t.store.pool, invoiceId(accountId, lastMonth), { by: "test", now, billing });
}

before(async () => {
  t = await openTestStore();
  vies = await startViesStandIn();
  recorder = new StoreAuditRecorder(t.store, "test-node", auditCheckpointKey(pepper));
  deps = {
    store: t.store,
    recorder,
    pepper,
    logger: pino({ level: "silent" }),
    node: "test-node",
    now: () => new Date(),
    billing: withVies(true),
  };
  app = Fastify({ logger: false });
  errorHandling(app, { logger: pino({ level: "silent" }), bodyLimitBytes: 1 << 20 });
  app.addHook("onRequest", async (request) => {
    const who = request.headers["x-test-as"];
    if (typeof who === "string") request.portal = principals.get(who);
  });
  await app.register(async (scope) => profileRoutes(scope, deps));
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
  await vies.close();
  await t.close();
});

test("VIES: a valid VAT ID set in the portal is confirmed, kept as evidence, and reverse-charged", async () => {
  deps.billing = withVies(true);
  vies.mode = "valid";
  const { accountId, owner } = await customer("valid");
  const changed = await patchProfile(owner, { country: "DE", vatId: "DE 123-456-789" });
  assert.equal(changed.status, 200);
  assert.equal(changed.json.vatIdCheck?.status, "valid");
  assert.match(changed.json.vatIdCheck?.message ?? "", /VIES confirms DE123456789 as a valid VAT ID/);
  const stored = await getVatIdCheck(t.store.pool, accountId);
  assert.equal(stored?.vatId, "DE123456789");
  assert.equal(stored?.reference, changed.json.vatIdCheck?.reference);
  assert.match(stored?.reference ?? "", /^WAPI/);
  const [entry] = await listAudit(t.store.pool, {
    action: "billing.vat_id.check",
    target: `account:${accountId}`,
  });
  assert.match(entry?.reason ?? "", /^valid ref WAPI/);
  assert.doesNotMatch(entry?.reason ?? "", /DE123456789/, "the audit entry keeps metadata only");
  // Saving the form again does not ask VIES again.
  const asked = vies.requests.length;
  assert.equal((await patchProfile(owner, { vatId: "DE123456789" })).json.vatIdCheck?.status, "valid");
  assert.equal(vies.requests.length, asked);

  const invoice = await issued(accountId, deps.billing);
  assert.deepEqual([invoice.vatRule, invoice.taxRate], ["eu_reverse_charge", "0"]);
});

test("VIES: a customer saving VAT ID after VAT ID asks VIES once a minute; the leader checks the last one", async () => {
  deps.billing = withVies(true);
  vies.mode = "valid";
  const { accountId, owner } = await customer("flood");
  const asked = vies.requests.length;
  assert.equal(
    (await patchProfile(owner, { country: "DE", vatId: "DE111111111" })).json.vatIdCheck?.status,
    "valid",
  );
  for (const vatId of ["DE222222222", "DE333333333", "DE444444444"]) {
    const answer = await patchProfile(owner, { vatId });
    assert.equal(answer.status, 200, "the profile is saved");
    assert.equal(answer.json.vatIdCheck?.status, "unknown");
    assert.match(answer.json.vatIdCheck?.message ?? "", /checked again before your next invoice/);
  }
  assert.equal(vies.requests.length, asked + 1, "one VIES call for four saves");
  await runInvoiceSchedule(t.store.pool, deps.billing, { now, by: "leader:test" });
  const check = await getVatIdCheck(t.store.pool, accountId);
  assert.deepEqual([check?.vatId, check?.status], ["DE444444444", "valid"]);
});

test("VIES: an invalid VAT ID is answered with what to do, and invoiced with VAT as a consumer", async () => {
  deps.billing = withVies(true);
  vies.mode = "invalid";
  const { accountId, owner } = await customer("invalid");
  const changed = await patchProfile(owner, { country: "FR", vatId: "FR12345678901" });
  assert.equal(changed.status, 200);
  assert.equal(changed.json.vatIdCheck?.status, "invalid");
  assert.match(changed.json.vatIdCheck?.message ?? "", /not valid\. Check the VAT ID/);
  // The page keeps showing the answer until the VAT ID changes.
  const read = await fetch(`${base}/api/profile`, { headers: { "x-test-as": owner } });
  assert.equal(((await read.json()) as ProfileAnswer).vatIdCheck?.status, "invalid");
  const invoice = await issued(accountId, deps.billing);
  // A consumer in France then: the French rate under the One-Stop Shop.
  assert.deepEqual([invoice.vatRule, invoice.taxRate], ["eu_consumer", "0.2"]);
});

test("VIES: a member state's outage is 'will be retried', and the leader's pass checks again before issuing", async () => {
  deps.billing = withVies(true);
  vies.mode = "ms_unavailable";
  const { accountId, owner } = await customer("outage");
  const changed = await patchProfile(owner, { country: "AT", vatId: "ATU12345678" });
  assert.equal(changed.status, 200);
  assert.equal(changed.json.vatIdCheck?.status, "unknown");
  assert.match(changed.json.vatIdCheck?.message ?? "", /checked again before your next invoice/);
  assert.equal((await getVatIdCheck(t.store.pool, accountId))?.status, "unknown");

  vies.mode = "valid";
  await generateInvoices(t.store.pool, { month: lastMonth, taxRate: "0.22", generatedBy: "test" });
  const pass = await runInvoiceSchedule(t.store.pool, deps.billing, {
    now,
    by: "leader:test",
    audit: { recorder, operator: "agent:test" },
  });
  assert.ok((pass.vatIdChecks ?? 0) >= 1);
  const check = await getVatIdCheck(t.store.pool, accountId);
  assert.equal(check?.status, "valid");
  const invoice = (await getInvoice(t.store.pool, invoiceId(accountId, lastMonth))).invoice;
  assert.deepEqual([invoice.status, invoice.vatRule], ["issued", "eu_reverse_charge"]);
  const entries = await listAudit(t.store.pool, {
    action: "billing.vat_id.check",
    target: `account:${accountId}`,
  });
  assert.ok(entries.some((e) => e.operator === "agent:test" && e.reason.startsWith("valid")));
});

test("VIES off: no VIES call, no check, and the prefix alone decides as before", async () => {
  deps.billing = withVies(false);
  vies.mode = "invalid";
  const asked = vies.requests.length;
  const { accountId, owner } = await customer("off");
  const changed = await patchProfile(owner, { country: "NL", vatId: "NL123456789B01" });
  assert.equal(changed.status, 200);
  assert.equal(changed.json.vatIdCheck, undefined);
  assert.equal(vies.requests.length, asked);
  assert.equal(await getVatIdCheck(t.store.pool, accountId), undefined);
  const invoice = await issued(accountId, deps.billing);
  assert.deepEqual([invoice.vatRule, invoice.taxRate], ["eu_reverse_charge", "0"]);
});

test("VIES away as a whole: the leader's pass stops after the first failed re-check and leaves the rest unknown", async () => {
  deps.billing = withVies(true);
  for (const tag of ["away-1", "away-2"]) {
    const { accountId } = await customer(tag);
    await t.store.pool.query("UPDATE accounts SET country = 'DE', vat_id = $2 WHERE id = $1", [
      accountId,
      `DE00000000${tag.at(-1)}`,
    ]);
  }
  vies.mode = "http_500";
  const asked = vies.requests.length;
  const checked = await recheckVatIds(t.store.pool, deps.billing, { now });
  assert.equal(checked, 1);
  assert.equal(vies.requests.length, asked + 1);
});
