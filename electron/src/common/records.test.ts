import assert from "node:assert/strict";
import { test } from "node:test";
import { channels } from "./channels.js";

const ACCOUNT = "acct_0123456789abcdef";

test("the data-subject export needs an account id and a reason; nothing else gets through", () => {
  const parse = (v: unknown) => channels.exportAccount.request.safeParse(v);
  assert.deepEqual(parse({ accountId: ACCOUNT, reason: "  ticket 4711 " }).data, {
    accountId: ACCOUNT,
    reason: "ticket 4711",
  });
  assert.equal(parse({ accountId: ACCOUNT, reason: "  " }).success, false, "a blank reason");
  assert.equal(parse({ accountId: ACCOUNT }).success, false, "no reason");
  assert.equal(parse({ accountId: "ada@example.eu", reason: "ticket 4711" }).success, false, "an email");
  assert.equal(parse({ accountId: ACCOUNT, reason: "ticket 4711", out: "/etc/passwd" }).success, false);
});

test("invoices are asked for by account and invoice id; exports only as JSON, CSV or PDF", () => {
  assert.equal(channels.listInvoices.request.safeParse({ accountId: ACCOUNT }).success, true);
  assert.equal(channels.listInvoices.request.safeParse({ accountId: "" }).success, false);
  const exportOf = (v: unknown) => channels.exportInvoice.request.safeParse(v);
  assert.equal(exportOf({ id: "inv_202611_0123456789abcdef", format: "csv" }).success, true);
  assert.equal(exportOf({ id: "inv_202611_0123456789abcdef", format: "pdf" }).success, true);
  assert.equal(exportOf({ id: "inv_202611_0123456789abcdef", format: "html" }).success, false);
  assert.equal(exportOf({ id: "../../invoices", format: "json" }).success, false);
  assert.equal(channels.getInvoice.request.safeParse({ id: "inv_2026_x" }).success, false);
});

test("a node's records: a node name, at most 200 rows, 20 by default", () => {
  const parse = (v: unknown) => channels.nodeAudit.request.safeParse(v);
  assert.deepEqual(parse({ node: "gpu-01" }).data, { node: "gpu-01", limit: 20 });
  assert.equal(parse({ node: "" }).success, false);
  assert.equal(parse({ node: "gpu-01", limit: 5000 }).success, false);
  assert.equal(channels.nodeSecurityEvents.request.safeParse({ node: "gpu-01", limit: 0 }).success, false);
});
