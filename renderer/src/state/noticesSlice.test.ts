import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterInfo, NoticeMessage } from "@entrim/electron/common";
import { consoleActions } from "../actions/actions.js";
import { availability } from "../actions/registry.js";
import type { Controller } from "../controller.js";
import { audienceOf, cursorNotice, deliveryShares } from "./noticesSlice.js";
import { createAppStore } from "./store.js";

const message = (id: string, extra: Partial<NoticeMessage> = {}): NoticeMessage => ({
  id: `ntb_${id.padEnd(16, "0")}`,
  kind: "maintenance",
  title: `Maintenance ${id}`,
  body: "Short interruptions.",
  essential: false,
  effectiveAtMs: 0,
  model: "",
  publishedAtMs: Date.UTC(2026, 11, 4),
  createdBy: "ada",
  audience: "accounts",
  accountId: "",
  counts: { accounts: 4, waiting: 1, sent: 2, failed: 0, optedOut: 1 },
  ...extra,
});

test("the delivery bar: sent, waiting, failed and opted out as shares of their sum", () => {
  assert.deepEqual(
    deliveryShares(message("a").counts).map((s) => [s.state, s.count, s.share]),
    [
      ["sent", 2, 0.5],
      ["waiting", 1, 0.25],
      ["failed", 0, 0],
      ["opted-out", 1, 0.25],
    ],
  );
  assert.ok(
    deliveryShares({ accounts: 0, waiting: 0, sent: 0, failed: 0, optedOut: 0 }).every((s) => s.share === 0),
  );
  assert.equal(audienceOf(message("a")), "4 accounts");
  assert.equal(audienceOf(message("a", { audience: "account", accountId: "acct_1" })), "acct_1");
  assert.equal(audienceOf(message("a", { audience: "everyone" })), "every account (portal only)");
});

test("the cursor stays on its message across reads; deliveries of a message left behind are dropped", () => {
  const store = createAppStore();
  const [a, b] = [message("a"), message("b")];
  store.getState().noticesLoaded([a, b]);
  assert.equal(cursorNotice(store.getState())?.id, a.id, "the newest is selected first");
  store.getState().setNoticeCursor(b.id);
  store
    .getState()
    .deliveriesLoaded(b.id, [
      { noticeId: "ntc_1", accountId: "acct_1", accountName: "One", optedOut: false, mails: [] },
    ]);
  store.getState().noticesLoaded([message("c"), a, b]);
  assert.equal(store.getState().noticeCursor, b.id);
  assert.equal(store.getState().noticeDeliveries?.id, b.id, "a re-read keeps the deliveries shown");
  store.getState().deliveriesLoaded(a.id, []);
  assert.equal(store.getState().noticeDeliveries?.id, b.id, "a late answer for another message is dropped");
  store.getState().noticesFailed("UNAVAILABLE");
  assert.equal(store.getState().noticeMessages.length, 3, "a failed read keeps the rows");
  store.getState().noticesLoaded([a]);
  assert.deepEqual([store.getState().noticeCursor, store.getState().noticeDeliveries], [a.id, undefined]);
});

test("publishing and retiring are the operator's: a viewer and a read-only profile see why not", () => {
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
    return store;
  };
  const actions = consoleActions();
  for (const id of ["notice.publish", "notice.retire"]) {
    assert.deepEqual(availability(actions.get(id) as never, connect("viewer").getState()), {
      enabled: false,
      reason: "Needs the operator role; your certificate (ada) names viewer.",
    });
    assert.match(
      availability(actions.get(id) as never, connect("operator", true).getState()).reason ?? "",
      /read-only/,
    );
  }
  assert.equal(
    availability(actions.get("view.notices") as never, connect("viewer").getState()).enabled,
    true,
  );

  const store = connect("operator");
  const ctx = {
    store,
    controller: {} as Controller,
    focusFilter: () => {},
    focusAccountSearch: () => {},
    visibleNames: () => [],
  };
  actions.run("notice.retire", store.getState(), ctx);
  assert.deepEqual([store.getState().view, store.getState().noticeDialog], ["notices", "retire"]);
});
