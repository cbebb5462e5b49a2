// The data-subject request queue over real gRPC with mutual TLS, on a real store: what an operator's
// console lists, and what completing or rejecting a request does to the account, by role.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { createAccount, getAccount } from "../../store/accounts.js";
import { createApiKey, listApiKeys } from "../../store/api-keys.js";
import { listAudit } from "../../store/audit-log.js";
import { eraseAccount } from "../../store/data-subject.js";
import { fileRequest, getRequest } from "../../store/data-subject-requests.js";
import { callUnary } from "../../test-support/control-client.js";
import { type ControlFixture, refused, startControlFixture } from "../../test-support/control-fixture.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import { accountService } from "./accounts.js";

let t: TestStore;
let fx: ControlFixture;
const clients: Partial<ControlFixture["clients"]> = {};
const DAY = 86_400_000;

before(async () => {
  t = await openTestStore();
  fx = await startControlFixture(t, (recorder) => [accountService({ store: t.store, recorder })]);
  Object.assign(clients, fx.clients);
});

after(async () => {
  await fx?.close();
  await t?.close();
});

async function customer(name: string) {
  const pool = t.store.pool;
  const account = await createAccount(pool, {
    name,
    email: `${name.toLowerCase().replace(/\W/g, "")}@example.com`,
  });
  await createApiKey(pool, { accountId: account.id, createdBy: "test", pepper: Buffer.alloc(32, 3) });
  return account;
}

it("lists requests with their account and deadline; erasure is the admin's and erases the account", async () => {
  const pool = t.store.pool;
  const account = await customer("Erin Erase");
  const filed = await fileRequest(
    pool,
    { accountId: account.id, kind: "erasure", requestedBy: "usr_erin000000000000", details: "close it" },
    new Date(Date.now() - 25 * DAY),
  );

  const listed = await callUnary(clients.viewer!.accounts, "listDataSubjectRequests", {
    accountId: account.id,
  });
  assert.equal(listed.requests?.length, 1);
  const row = listed.requests![0]!;
  assert.deepEqual(
    [row.id, row.accountName, row.kind, row.details, row.status, row.daysLeft, row.handledBy],
    [filed.id, "Erin Erase", "erasure", "close it", "open", 4, ""],
  );
  assert.equal(Number(row.dueAtMs) - Number(row.requestedAtMs), 30 * DAY);

  for (const role of ["viewer", "operator"] as const)
    await assert.rejects(
      callUnary(clients[role]!.accounts, "completeDataSubjectRequest", { id: filed.id }),
      refused(status.PERMISSION_DENIED, /needs the admin role/),
    );
  assert.equal((await getAccount(pool, account.id))?.status, "active", "a refusal changes nothing");

  const done = await callUnary(clients.admin!.accounts, "completeDataSubjectRequest", { id: filed.id });
  assert.equal(done.status, "completed");
  assert.equal(done.handledBy, "admin");
  assert.match(done.resolution!, /erased/);
  const erased = await getAccount(pool, account.id);
  assert.equal(erased?.status, "closed");
  assert.notEqual(erased?.name, "Erin Erase");
  assert.ok((await listApiKeys(pool, { accountId: account.id })).every((k) => k.revokedAt !== null));

  await assert.rejects(
    callUnary(clients.admin!.accounts, "completeDataSubjectRequest", { id: filed.id }),
    refused(status.FAILED_PRECONDITION, /already completed/),
  );
  const entries = await listAudit(pool, { action: "data_request.complete", target: account.id });
  assert.deepEqual(
    entries.map((e) => [e.operator, e.role, e.target, e.result]),
    [["admin", "admin", `account:${account.id}`, "ok"]],
  );
});

it("an erasure already done by the CLI completes the request without erasing twice", async () => {
  const pool = t.store.pool;
  const account = await customer("Cli Done");
  const filed = await fileRequest(pool, {
    accountId: account.id,
    kind: "erasure",
    requestedBy: "usr_cli0000000000000",
  });
  await eraseAccount(pool, account.id, "cli:ops@host", "ticket 12");
  const done = await callUnary(clients.admin!.accounts, "completeDataSubjectRequest", { id: filed.id });
  assert.equal(done.status, "completed");
  assert.match(done.resolution!, /already erased/);
});

it("restriction restricts (already restricted counts); objection needs the operator's note", async () => {
  const pool = t.store.pool;
  const account = await customer("Rita Restrict");
  const restriction = await fileRequest(pool, {
    accountId: account.id,
    kind: "restriction",
    requestedBy: "usr_rita000000000000",
  });
  const done = await callUnary(clients.admin!.accounts, "completeDataSubjectRequest", {
    id: restriction.id,
    note: "ticket 88",
  });
  assert.equal(done.status, "completed");
  assert.equal((await getAccount(pool, account.id))?.status, "restricted");
  const again = await fileRequest(pool, {
    accountId: account.id,
    kind: "restriction",
    requestedBy: "usr_rita000000000000",
  });
  const twice = await callUnary(clients.admin!.accounts, "completeDataSubjectRequest", { id: again.id });
  assert.match(twice.resolution!, /already restricted/);

  const objection = await fileRequest(pool, {
    accountId: account.id,
    kind: "objection",
    requestedBy: "usr_rita000000000000",
  });
  await assert.rejects(
    callUnary(clients.admin!.accounts, "completeDataSubjectRequest", { id: objection.id, note: " " }),
    refused(status.INVALID_ARGUMENT, /which processing stopped/),
  );
  const objected = await callUnary(clients.admin!.accounts, "completeDataSubjectRequest", {
    id: objection.id,
    note: "Marketing emails stopped.",
  });
  assert.equal(objected.resolution, "Marketing emails stopped.");
});

it("rejection needs a reason, is the admin's, and is audited", async () => {
  const pool = t.store.pool;
  const account = await customer("Rob Reject");
  const filed = await fileRequest(pool, {
    accountId: account.id,
    kind: "erasure",
    requestedBy: "usr_rob0000000000000",
  });
  await assert.rejects(
    callUnary(clients.admin!.accounts, "rejectDataSubjectRequest", { id: filed.id, reason: "" }),
    refused(status.INVALID_ARGUMENT, /reason is required/),
  );
  await assert.rejects(
    callUnary(clients.operator!.accounts, "rejectDataSubjectRequest", { id: filed.id, reason: "x" }),
    refused(status.PERMISSION_DENIED, /admin/),
  );
  const rejected = await callUnary(clients.admin!.accounts, "rejectDataSubjectRequest", {
    id: filed.id,
    reason: "Invoices unpaid: erasure after settlement.",
  });
  assert.equal(rejected.status, "rejected");
  assert.equal((await getRequest(pool, filed.id))?.resolution, "Invoices unpaid: erasure after settlement.");
  assert.equal((await getAccount(pool, account.id))?.status, "active");
  const [entry] = await listAudit(pool, { action: "data_request.reject", target: account.id });
  assert.deepEqual(entry && [entry.target, entry.reason, entry.result], [
    `account:${account.id}`,
    "Invoices unpaid: erasure after settlement.",
    "ok",
  ]);

  const open = await callUnary(clients.viewer!.accounts, "listDataSubjectRequests", { status: "open" });
  assert.ok(open.requests!.every((r) => r.status === "open"));
  await assert.rejects(
    callUnary(clients.viewer!.accounts, "listDataSubjectRequests", { status: "pending" }),
    refused(status.INVALID_ARGUMENT, /status must be one of/),
  );
  await assert.rejects(
    callUnary(clients.admin!.accounts, "rejectDataSubjectRequest", {
      id: "dsr_nosuchrequest0000",
      reason: "x",
    }),
    refused(status.NOT_FOUND, /no data-subject request/),
  );
});
