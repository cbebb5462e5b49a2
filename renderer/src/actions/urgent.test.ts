import assert from "node:assert/strict";
import { test } from "node:test";
import type { AccountDetail, ClusterInfo, Role } from "@entrim/electron/common";
import type { Controller } from "../controller.js";
import { createAppStore } from "../state/store.js";
import { consoleActions } from "./actions.js";
import { availability } from "./registry.js";
import type { ActionContext } from "./types.js";

const ACCOUNT = "acct_0123456789abcdef";

function setup(role: Role, status = "active") {
  const store = createAppStore();
  const cluster: ClusterInfo = {
    profile: "p",
    operator: { name: "o", role, notAfterMs: 0 },
    readOnly: false,
    answeredBy: "a",
    leader: "a",
    peers: [],
  };
  store.getState().connected(cluster);
  store.getState().setView("accounts");
  store.getState().accountOpened({
    account: {
      id: ACCOUNT,
      name: "A",
      email: "a@example.com",
      company: "",
      status,
      createdAtMs: 0,
      usage: null,
    },
    usageByDay: [],
    activeKeyIds: ["abcdefghijkl"],
    activeSuspensionIds: [],
  } as AccountDetail);
  store.getState().accountKeysLoaded(
    ACCOUNT,
    [
      {
        id: "abcdefghijkl",
        accountId: ACCOUNT,
        name: "",
        createdAtMs: 0,
        createdBy: "t",
        lastUsedAtMs: 0,
        revokedAtMs: 0,
        expiresAtMs: 0,
        state: "active",
      },
    ],
    undefined,
  );
  const ctx = { store, controller: {} as Controller } as unknown as ActionContext;
  const actions = consoleActions();
  const why = (id: string) => availability(actions.get(id)! as never, store.getState()).reason;
  return { store, ctx, actions, why };
}

test("the account's urgent actions follow the role and the account's status, saying why", () => {
  const viewer = setup("viewer");
  assert.equal(viewer.why("account.limits"), "Needs the operator role; your certificate (o) names viewer.");
  assert.equal(viewer.why("account.erase"), "Needs the admin role; your certificate (o) names viewer.");

  const operator = setup("operator");
  assert.equal(operator.why("account.limits"), undefined);
  assert.equal(operator.why("key.revoke"), "Pick a key in the account's keys table.");
  operator.store.getState().setUrgentTarget({ keyId: "abcdefghijkl" });
  assert.equal(operator.why("key.revoke"), undefined);
  operator.actions.run("key.revoke", operator.store.getState(), operator.ctx);
  assert.deepEqual(operator.store.getState().urgentDialog, {
    kind: "revokeKey",
    accountId: ACCOUNT,
    keyId: "abcdefghijkl",
  });
  assert.match(operator.why("account.restrict") ?? "", /admin role/);

  const admin = setup("admin", "restricted");
  assert.equal(
    admin.why("account.restrict"),
    "The account is restricted; only an active account can be restricted.",
  );
  assert.equal(admin.why("account.unrestrict"), undefined);
  admin.actions.run("account.erase", admin.store.getState(), admin.ctx);
  assert.deepEqual(admin.store.getState().urgentDialog, { kind: "erase", accountId: ACCOUNT });
  assert.equal(setup("admin", "closed").why("account.erase"), "The account is already erased and closed.");
  assert.equal(admin.why("abuse.resolve"), "Only in the abuse view.");
  assert.equal(admin.why("cert.revoke"), "Only in the audit view (Certificates).");
});
