import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterInfo, Invoice } from "@entrim/electron/common";
import { consoleActions } from "../actions/actions.js";
import type { Controller } from "../controller.js";
import { centsText, sortInvoices } from "./recordsSlice.js";
import { createAppStore } from "./store.js";

const invoice = (accountId: string, period: string, totalCents = "0"): Invoice => ({
  id: `inv_${period.replace("-", "")}_${accountId.slice(5)}`,
  accountId,
  period,
  status: "draft",
  currency: "EUR",
  taxRate: "0.19",
  costPicoEur: "0",
  subtotalCents: "0",
  taxCents: "0",
  totalCents,
  subtotal: "0.00",
  tax: "0.00",
  total: "0.00",
  generatedAtMs: 0,
  issuedAtMs: 0,
  dueAtMs: 0,
  paidAtMs: 0,
  disputedAtMs: 0,
  disputeReason: "",
});

const detail = (id: string) => ({
  account: { id, name: id, email: "", company: "", status: "active", createdAtMs: 0, usage: null },
  usageByDay: [],
  activeKeyIds: [],
  activeSuspensionIds: [],
});

test("invoices: newest period first; an answer for an account no longer open is dropped", () => {
  const store = createAppStore();
  store.getState().accountOpened(detail("acct_b"));
  store.getState().invoicesLoaded("acct_a", [invoice("acct_a", "2026-01")]);
  assert.equal(store.getState().invoices, undefined, "acct_a is not open");
  store
    .getState()
    .invoicesLoaded("acct_b", [
      invoice("acct_b", "2025-11"),
      invoice("acct_b", "2026-02"),
      invoice("acct_b", "2025-12"),
    ]);
  assert.deepEqual(
    store.getState().invoices?.list.map((i) => i.period),
    ["2026-02", "2025-12", "2025-11"],
  );
  assert.deepEqual(sortInvoices([]), []);
});

test("amounts come from integer cents as text, never through a float", () => {
  assert.equal(centsText("206"), "€2.06");
  assert.equal(centsText("5"), "€0.05");
  assert.equal(centsText("0"), "€0.00");
  assert.equal(centsText("123456789"), "€1,234,567.89");
  // Past 2^53 a float would have lost the last cents.
  assert.equal(centsText("900719925474099317"), "€9,007,199,254,740,993.17");
  assert.equal(centsText("-1999"), "-€19.99");
});

test("a node's records land only while its view is open; a failed refresh keeps the rows", () => {
  const store = createAppStore();
  store.getState().openNode("gpu-1");
  const event = {
    id: "1",
    occurredAtMs: 1,
    node: "gpu-1",
    kind: "auth_failure",
    ip: "192.0.2.1",
    accountId: "",
    keyId: "",
    code: "invalid_api_key",
    detailJson: "{}",
  };
  store.getState().nodeRecordsLoaded({ node: "gpu-2", events: [event], audit: [] });
  assert.equal(store.getState().nodeRecords, undefined, "not the node in view");
  store.getState().nodeRecordsLoaded({ node: "gpu-1", events: [event], audit: [] }, 1000);
  store.getState().nodeRecordsLoaded({ node: "gpu-1", events: [], audit: [], error: "UNAVAILABLE" }, 2000);
  const records = store.getState().nodeRecords!;
  assert.equal(records.events.length, 1);
  assert.equal(records.error, "UNAVAILABLE");
  assert.equal(records.loadedAtMs, 1000);
  store.getState().nodeRecordsLoaded({ node: "gpu-1", events: [], audit: [] }, 3000);
  assert.equal(store.getState().nodeRecords?.error, undefined);
});

test("Export personal data: admins only, not on a read-only profile, asks for the reason first", () => {
  const connect = (role: "operator" | "admin", readOnly = false) => {
    const store = createAppStore();
    const cluster: ClusterInfo = {
      profile: "prod",
      operator: { name: "ada", role, notAfterMs: 0 },
      readOnly,
      answeredBy: "a",
      leader: "a",
      peers: [],
    };
    store.getState().connected(cluster);
    store.getState().setView("accounts");
    store.getState().setAccountCursor("acct_0123456789abcdef");
    return store;
  };
  const actions = consoleActions();
  const ctx = (store: ReturnType<typeof createAppStore>) => ({
    store,
    controller: {} as Controller,
    focusFilter: () => {},
    focusAccountSearch: () => {},
    visibleNames: () => [],
  });
  assert.ok(
    actions.search("export personal").some((a) => a.id === "account.export"),
    "in the palette",
  );
  const operator = connect("operator");
  assert.deepEqual(actions.run("account.export", operator.getState(), ctx(operator)), {
    enabled: false,
    reason: "Needs the admin role; your certificate (ada) names operator.",
  });
  const readOnly = connect("admin", true);
  assert.equal(actions.run("account.export", readOnly.getState(), ctx(readOnly)).enabled, false);
  const admin = connect("admin");
  assert.equal(actions.run("account.export", admin.getState(), ctx(admin)).enabled, true);
  assert.deepEqual(admin.getState().exportDialog, { accountId: "acct_0123456789abcdef" });
});
