import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterInfo, DataSubjectRequest } from "@entrim/electron/common";
import { consoleActions } from "../actions/actions.js";
import { availability } from "../actions/registry.js";
import type { Controller } from "../controller.js";
import { disputedInvoices } from "./recordsSlice.js";
import { cursorRequest, deadlineOf, visibleRequests } from "./requestsSlice.js";
import { createAppStore } from "./store.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4, 12);

/** A request filed `age` days before NOW (30-day deadline), open unless said otherwise. */
const request = (id: string, age: number, extra: Partial<DataSubjectRequest> = {}): DataSubjectRequest => ({
  id: `dsr_${id.padEnd(16, "0")}`,
  accountId: `acct_${id.padEnd(16, "0")}`,
  accountName: `Customer ${id}`,
  kind: "erasure",
  details: "",
  status: "open",
  requestedAtMs: NOW - age * DAY,
  dueAtMs: NOW - age * DAY + 30 * DAY,
  daysLeft: 30 - age,
  handledAtMs: 0,
  handledBy: "",
  resolution: "",
  requestedBy: "usr_0000000000000000",
  ...extra,
});

test("deadlines: days left, highlighted from 7 days, overdue after the due time; none once handled", () => {
  assert.deepEqual(deadlineOf(request("a", 1), NOW), { daysLeft: 29, label: "29 days left", level: "ok" });
  assert.deepEqual(deadlineOf(request("a", 22), NOW), { daysLeft: 8, label: "8 days left", level: "ok" });
  assert.deepEqual(deadlineOf(request("a", 23), NOW), { daysLeft: 7, label: "7 days left", level: "near" });
  assert.deepEqual(deadlineOf(request("a", 29), NOW), { daysLeft: 1, label: "1 day left", level: "near" });
  assert.equal(deadlineOf(request("a", 29.5), NOW)?.label, "due today");
  assert.deepEqual(deadlineOf(request("a", 32), NOW), {
    daysLeft: -2,
    label: "overdue by 2 days",
    level: "overdue",
  });
  assert.equal(deadlineOf(request("a", 40, { status: "completed" }), NOW), undefined);
});

test("the list: filter by status, the cursor stays on its request while it is listed", () => {
  const store = createAppStore();
  const a = request("a", 1);
  const b = request("b", 2, { status: "rejected", resolution: "unpaid" });
  store.getState().dataRequestsLoaded([a, b], NOW);
  assert.equal(store.getState().requestCursor, a.id, "the first row");
  store.getState().setRequestCursor(b.id);
  store.getState().dataRequestsLoaded([b, a], NOW);
  assert.equal(cursorRequest(store.getState())?.id, b.id);
  assert.deepEqual(
    visibleRequests([a, b], "open").map((r) => r.id),
    [a.id],
  );
  assert.equal(visibleRequests([a, b], "all").length, 2);
  store.getState().dataRequestsFailed("UNAVAILABLE");
  assert.equal(store.getState().dataRequests.length, 2, "a failed read keeps the rows");
});

test("complete and reject: admins only (disabled with the reason otherwise), open requests only", () => {
  const connect = (role: "viewer" | "operator" | "admin", readOnly = false) => {
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
    store.getState().setView("requests");
    store.getState().dataRequestsLoaded([request("a", 3), request("b", 3, { status: "completed" })], NOW);
    return store;
  };
  const actions = consoleActions();
  const complete = actions.get("request.complete")!;
  const reject = actions.get("request.reject")!;
  for (const role of ["viewer", "operator"] as const) {
    const result = availability(complete as never, connect(role).getState());
    assert.deepEqual(result, {
      enabled: false,
      reason: `Needs the admin role; your certificate (ada) names ${role}.`,
    });
  }
  assert.match(availability(reject as never, connect("admin", true).getState()).reason ?? "", /read-only/);

  const store = connect("admin");
  assert.deepEqual(availability(complete as never, store.getState()), { enabled: true });
  const ctx = {
    store,
    controller: {} as Controller,
    focusFilter: () => {},
    focusAccountSearch: () => {},
    visibleNames: () => [],
  };
  actions.run("request.reject", store.getState(), ctx);
  assert.deepEqual(store.getState().requestDialog, { verb: "reject", id: request("a", 3).id });
  store.getState().setRequestCursor(request("b", 3).id);
  assert.equal(availability(complete as never, store.getState()).reason, "The request is already completed.");
  store.getState().setView("fleet");
  assert.equal(availability(complete as never, store.getState()).reason, "Only in the requests view.");
});

test("disputed invoices: open disputes and settled ones, newest dispute first", () => {
  const invoice = (id: string, status: string, disputedAtMs: number) =>
    ({ id, status, disputedAtMs, disputeReason: "wrong tax" }) as never;
  const list = [invoice("i1", "issued", 0), invoice("i2", "disputed", 2), invoice("i3", "paid", 5)];
  assert.deepEqual(
    disputedInvoices(list).map((i) => i.id),
    ["i3", "i2"],
  );
});
