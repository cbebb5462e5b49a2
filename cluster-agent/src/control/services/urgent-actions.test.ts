// The console's urgent actions over real gRPC with mutual TLS on a real store: revoke a key, set
// limits, restrict / unrestrict / erase an account, resolve an abuse flag, revoke an operator
// certificate. Each is refused to roles below it, does what the CLI does, and is in the audit log.
import assert from "node:assert/strict";
import { randomBytes, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, it } from "node:test";
import { type ServiceError, status } from "@grpc/grpc-js";
import { KeyCache } from "../../admission/key-cache.js";
import { SuspensionGate } from "../../admission/suspensions.js";
import { upsertAbuseFlags } from "../../store/abuse-flags.js";
import { createAccount, getAccount } from "../../store/accounts.js";
import { createApiKey } from "../../store/api-keys.js";
import { listAudit } from "../../store/audit-log.js";
import { getLimits } from "../../store/limits.js";
import { callUnary } from "../../test-support/control-client.js";
import { type ControlFixture, refused, startControlFixture } from "../../test-support/control-fixture.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import { until } from "../../test-support/until.js";
import { RevocationList } from "../revocations.js";
import { abuseService } from "./abuse.js";
import { accountService } from "./accounts.js";
import { certificateService } from "./certs.js";

let t: TestStore;
let fx: ControlFixture;
let revocations: RevocationList;
let keys: KeyCache;
const clients: Partial<ControlFixture["clients"]> = {};
const pepper = randomBytes(32);

before(async () => {
  t = await openTestStore();
  revocations = new RevocationList({ store: t.store });
  await revocations.start();
  keys = new KeyCache({ store: t.store, pepper, negativeTtlMs: 0 });
  await keys.start();
  fx = await startControlFixture(
    t,
    (recorder) => [
      accountService({ store: t.store, recorder }),
      abuseService({ store: t.store, suspensions: new SuspensionGate({ store: t.store }), recorder }),
      certificateService({ store: t.store, recorder }),
    ],
    { revocations },
  );
  Object.assign(clients, fx.clients);
});

after(async () => {
  await fx?.close();
  await keys?.stop();
  await revocations?.stop();
  await t?.close();
});

async function customer(name: string) {
  const account = await createAccount(t.store.pool, {
    name,
    email: `${name.toLowerCase().replace(/\W/g, "")}-${randomBytes(3).toString("hex")}@example.com`,
  });
  const key = await createApiKey(t.store.pool, { accountId: account.id, createdBy: "test", pepper });
  return { account, keyId: key.key.id, token: key.token };
}

async function audited(action: string, target: string) {
  const rows = await listAudit(t.store.pool, { action, target });
  return rows.find((r) => r.result === "ok");
}

it("refuses every urgent change to a viewer, and the admin's to an operator", async () => {
  const { account, keyId } = await customer("Role Check");
  const viewer = clients.viewer!;
  const operator = clients.operator!;
  const denied = refused(status.PERMISSION_DENIED, /needs the (operator|admin) role/);
  await assert.rejects(callUnary(viewer.accounts, "revokeApiKey", { keyId, reason: "x" }), denied);
  await assert.rejects(callUnary(viewer.accounts, "setLimits", { accountId: account.id, rpm: "5" }), denied);
  for (const rpc of ["restrictAccount", "unrestrictAccount", "eraseAccount"] as const) {
    const request = { accountId: account.id, reason: "x", confirmAccountId: account.id };
    await assert.rejects(callUnary(viewer.accounts, rpc, request), denied);
    await assert.rejects(
      callUnary(operator.accounts, rpc, request),
      refused(status.PERMISSION_DENIED, /admin/),
    );
  }
  await assert.rejects(callUnary(viewer.abuse, "resolveAbuseFlag", { id: "1", note: "x" }), denied);
  const cert = { serialNumber: "abc123", reason: "x" };
  await assert.rejects(callUnary(viewer.certs, "revokeCertificate", cert), denied);
  await assert.rejects(
    callUnary(operator.certs, "revokeCertificate", cert),
    refused(status.PERMISSION_DENIED, /admin/),
  );
  // Reads stay open to viewers; nothing above changed anything.
  const listed = await callUnary(viewer.accounts, "listApiKeys", { accountId: account.id });
  assert.deepEqual(
    listed.keys?.map((k) => [k.id, k.state]),
    [[keyId, "active"]],
  );
  assert.equal((await getAccount(t.store.pool, account.id))?.status, "active");
});

it("revokes a key for an operator: it stops authenticating at once, never shows its token, and is audited", async () => {
  const { account, keyId, token } = await customer("Leaky Key");
  assert.equal((await keys.authenticate(`Bearer ${token}`)).ok, true);
  await assert.rejects(
    callUnary(clients.operator!.accounts, "revokeApiKey", { keyId: token, reason: "leaked" }),
    refused(status.INVALID_ARGUMENT, /pass only its id/),
  );
  await assert.rejects(
    callUnary(clients.operator!.accounts, "revokeApiKey", { keyId, reason: "" }),
    refused(status.INVALID_ARGUMENT, /reason is required/),
  );
  const revoked = await callUnary(clients.operator!.accounts, "revokeApiKey", {
    keyId,
    reason: "leaked on a forum",
  });
  assert.equal(revoked.state, "revoked");
  assert.ok(revoked.revokedAtMs > 0);
  // The store's NOTIFY reaches the key cache: the API refuses the key.
  await until("the revoked key no longer authenticates", async () => {
    const result = await keys.authenticate(`Bearer ${token}`);
    return !result.ok;
  });
  const listed = await callUnary(clients.viewer!.accounts, "listApiKeys", { accountId: account.id });
  assert.equal(listed.keys?.[0]?.state, "revoked");
  assert.doesNotMatch(JSON.stringify(listed), new RegExp(token.slice(-10)));
  await assert.rejects(
    callUnary(clients.operator!.accounts, "revokeApiKey", { keyId, reason: "again" }),
    refused(status.FAILED_PRECONDITION, /already revoked/),
  );
  const entry = await audited("key.revoke", `key:${keyId}`);
  assert.equal(entry?.operator, "operator");
  assert.equal(entry?.reason, "leaked on a forum");
});

it("sets and clears limits for an operator, validated as the CLI validates them", async () => {
  const { account, keyId } = await customer("Limited");
  const accounts = clients.operator!.accounts;
  await assert.rejects(
    callUnary(accounts, "setLimits", { accountId: account.id, rpm: "0" }),
    refused(status.INVALID_ARGUMENT, /rpm must be a whole number of 1 or more/),
  );
  await assert.rejects(
    callUnary(accounts, "setLimits", { accountId: account.id, spendCapEur: "12.345" }),
    refused(status.INVALID_ARGUMENT, /spend_cap_eur must be an amount/),
  );
  await assert.rejects(
    callUnary(accounts, "setLimits", { accountId: account.id }),
    refused(status.INVALID_ARGUMENT, /Nothing to change/),
  );
  const set = await callUnary(accounts, "setLimits", {
    accountId: account.id,
    rpm: "600",
    spendCapEur: "99.90",
    reason: "incident 42",
  });
  assert.deepEqual(set.rpm, { value: "600", source: "account" });
  assert.deepEqual(set.spendCapEur, { value: "99.90", source: "account" });
  assert.deepEqual(set.tpm, { value: "", source: "" });
  const override = await callUnary(accounts, "setLimits", { accountId: account.id, keyId, concurrency: "2" });
  assert.deepEqual(override.concurrency, { value: "2", source: "key" });
  assert.deepEqual(override.rpm, { value: "600", source: "account" });
  const cleared = await callUnary(accounts, "setLimits", { accountId: account.id, clear: ["spend_cap_eur"] });
  assert.deepEqual(cleared.spendCapEur, { value: "", source: "" });
  assert.equal((await getLimits(t.store.pool, account.id)).account?.rpm, 600);
  const shown = await callUnary(clients.viewer!.accounts, "getLimits", { accountId: account.id });
  assert.equal(shown.rpm?.value, "600");
  assert.ok(await audited("limits.set", `account:${account.id}`));
  assert.ok(await audited("limits.clear", `account:${account.id}`));
});

it("restricts, unrestricts and, with the id typed again, erases an account for an admin", async () => {
  const { account, token } = await customer("Erin Rights");
  const accounts = clients.admin!.accounts;
  await assert.rejects(
    callUnary(accounts, "restrictAccount", { accountId: account.id, reason: "" }),
    refused(status.INVALID_ARGUMENT, /reason is required/),
  );
  const restricted = await callUnary(accounts, "restrictAccount", { accountId: account.id, reason: "DSR 7" });
  assert.equal(restricted.status, "restricted");
  assert.equal((await getAccount(t.store.pool, account.id))?.status, "restricted");
  await assert.rejects(
    callUnary(accounts, "restrictAccount", { accountId: account.id, reason: "again" }),
    refused(status.FAILED_PRECONDITION, /is restricted/),
  );
  const lifted = await callUnary(accounts, "unrestrictAccount", {
    accountId: account.id,
    reason: "DSR 7 withdrawn",
  });
  assert.equal(lifted.status, "active");

  await assert.rejects(
    callUnary(accounts, "eraseAccount", {
      accountId: account.id,
      reason: "DSR 8",
      confirmAccountId: "acct_wrong",
    }),
    refused(status.INVALID_ARGUMENT, /confirm_account_id must repeat the account id exactly/),
  );
  assert.equal((await getAccount(t.store.pool, account.id))?.status, "active", "a mismatch erases nothing");
  const erased = await callUnary(accounts, "eraseAccount", {
    accountId: account.id,
    reason: "DSR 8",
    confirmAccountId: account.id,
  });
  assert.equal(erased.status, "closed");
  const after = await getAccount(t.store.pool, account.id);
  assert.equal(after?.status, "closed");
  assert.notEqual(after?.name, "Erin Rights");
  await until("the erased account's key no longer authenticates", async () => {
    const result = await keys.authenticate(`Bearer ${token}`);
    return !result.ok;
  });
  for (const action of ["data-subject.restrict", "data-subject.unrestrict", "data-subject.erase"])
    assert.ok(await audited(action, `account:${account.id}`), action);
});

it("resolves an abuse flag for an operator, with the note kept and audited", async () => {
  const now = new Date();
  await upsertAbuseFlags(t.store.pool, [
    {
      subjectType: "ip",
      subject: "203.0.113.9/32",
      rule: "auth_failures",
      firstSeen: now,
      lastSeen: now,
      count: 40,
      evidence: { threshold: 20 },
    },
  ]);
  const open = await callUnary(clients.viewer!.abuse, "listAbuseFlags", {});
  const flag = open.flags?.find((f) => f.subject === "203.0.113.9/32");
  assert.ok(flag);
  await assert.rejects(
    callUnary(clients.operator!.abuse, "resolveAbuseFlag", { id: flag.id, note: "" }),
    refused(status.INVALID_ARGUMENT, /note must say what was done/),
  );
  const resolved = await callUnary(clients.operator!.abuse, "resolveAbuseFlag", {
    id: flag.id,
    note: "scanner blocked at the edge",
  });
  assert.equal(resolved.status, "resolved");
  assert.equal(resolved.resolvedBy, "operator");
  assert.equal(resolved.resolvedNote, "scanner blocked at the edge");
  assert.ok(await audited("abuse.resolve", `abuse-flag:${flag.id}`));
});

it("revokes an operator certificate for an admin, but never the caller's own", async () => {
  const own = new X509Certificate(await readFile(fx.pki.operators.admin.certFile));
  await assert.rejects(
    callUnary(clients.admin!.certs, "revokeCertificate", { fingerprint: own.fingerprint256, reason: "test" }),
    refused(status.FAILED_PRECONDITION, /the certificate you are calling with/),
  );
  await assert.rejects(
    callUnary(clients.admin!.certs, "revokeCertificate", { serialNumber: own.serialNumber, reason: "test" }),
    refused(status.FAILED_PRECONDITION, /lock you out/),
  );
  const victim = new X509Certificate(await readFile(fx.pki.operators.operator.certFile));
  const result = await callUnary(clients.admin!.certs, "revokeCertificate", {
    serialNumber: victim.serialNumber,
    reason: "laptop stolen",
  });
  assert.equal(result.created, true);
  assert.equal(result.revocation?.revokedBy, "admin");
  const listed = await callUnary(clients.viewer!.certs, "listCertificateRevocations", {});
  assert.equal(listed.revocations?.[0]?.reason, "laptop stolen");
  // Every agent's deny list hears of it: the operator's certificate is refused.
  await until("the revoked operator certificate is refused", () =>
    callUnary(clients.operator!.accounts, "listApiKeys", { accountId: "acct_none" }).then(
      () => false,
      (error: ServiceError) => error.code === status.UNAUTHENTICATED,
    ),
  );
  assert.ok(await audited("certificate.revoke", "certificate:serial "));
});
