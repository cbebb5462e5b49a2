import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openTestStore } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import {
  ALERTS_CHANNEL,
  type AlertCondition,
  acknowledgeAlert,
  dueNotifications,
  expireSilences,
  listAlertEvents,
  listAlerts,
  markNotified,
  pruneResolvedAlerts,
  reconcileAlerts,
  silenceAlert,
  unsilenceAlert,
} from "./alerts.js";
import { StoreError, transaction } from "./db.js";
import type { Store } from "./store.js";

let store: Store;
let closeStore: () => Promise<void>;
before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

const t = (minutes: number) => new Date(Date.UTC(2026, 11, 4, 12, minutes));
const down: AlertCondition = {
  rule: "node-down",
  severity: "critical",
  node: "gpu-a",
  subject: "",
  summary: "gpu-a is down: no heartbeat for more than 30 s",
};
const hot: AlertCondition = { ...down, rule: "gpu-hot", subject: "0", summary: "gpu-a GPU0 at 90 °C" };
const reconcile = (conditions: AlertCondition[], now: Date) =>
  transaction(store.pool, (db) => reconcileAlerts(db, conditions, now));

describe("alerts store", () => {
  it("fires, keeps, resolves, and makes a new alert when a resolved condition returns", async () => {
    const first = await reconcile([down, hot], t(0));
    assert.equal(first.fired.length, 2);
    const again = await reconcile([down, hot], t(1));
    assert.deepEqual(again, { fired: [], resolved: [] }, "a held condition is the same alert");
    const gone = await reconcile([hot], t(2));
    assert.deepEqual(
      gone.resolved.map((a) => a.rule),
      ["node-down"],
    );
    const back = await reconcile([down, hot], t(3));
    assert.equal(back.fired.length, 1);
    assert.notEqual(back.fired[0]!.id, gone.resolved[0]!.id);
    const events = await listAlertEvents(store.pool, back.fired[0]!.id);
    assert.deepEqual(
      events.map((e) => e.kind),
      ["refired"],
    );
    const open = await listAlerts(store.pool, { filter: "open" });
    assert.equal(open.length, 2);
    const resolved = await listAlerts(store.pool, { filter: "resolved" });
    assert.equal(resolved.length, 1);
    await reconcile([], t(4));
  });

  it("acknowledges and silences with a timeline; a silence expires by itself", async () => {
    const { fired } = await reconcile([{ ...down, node: "gpu-c" }], t(10));
    const alert = fired[0]!;
    await acknowledgeAlert(store.pool, { id: alert.id, by: "alice", note: "on it", now: t(11) });
    assert.equal((await listAlerts(store.pool, { filter: "acknowledged" }))[0]?.acknowledgedBy, "alice");
    assert.equal((await listAlerts(store.pool, { filter: "firing", now: t(11) })).length, 0);
    await silenceAlert(store.pool, {
      id: alert.id,
      by: "bob",
      note: "maintenance",
      until: t(30),
      now: t(12),
    });
    assert.equal((await listAlerts(store.pool, { filter: "silenced", now: t(13) })).length, 1);
    await assert.rejects(
      silenceAlert(store.pool, { id: alert.id, by: "bob", note: "", until: t(1), now: t(12) }),
      (e: unknown) => e instanceof StoreError && e.code === "invalid",
    );
    assert.equal(await expireSilences(store.pool, t(29)), 0);
    assert.equal(await expireSilences(store.pool, t(31)), 1);
    await silenceAlert(store.pool, { id: alert.id, by: "bob", note: "", until: t(50), now: t(32) });
    await unsilenceAlert(store.pool, { id: alert.id, by: "bob", note: "done", now: t(33) });
    await reconcile([], t(34));
    await assert.rejects(
      acknowledgeAlert(store.pool, { id: alert.id, by: "alice", note: "", now: t(35) }),
      (e: unknown) => e instanceof StoreError && e.code === "conflict",
    );
    await assert.rejects(
      acknowledgeAlert(store.pool, { id: "alert_nope", by: "alice", note: "", now: t(35) }),
      (e: unknown) => e instanceof StoreError && e.code === "not_found",
    );
    const kinds = (await listAlertEvents(store.pool, alert.id)).map((e) => `${e.kind}:${e.actor}`);
    assert.deepEqual(kinds, [
      "fired:leader",
      "acknowledged:alice",
      "silenced:bob",
      "unsilenced:leader",
      "silenced:bob",
      "unsilenced:bob",
      "resolved:leader",
    ]);
  });

  it("notifies once, repeats only unacknowledged unsilenced alerts, and sends a resolution once", async () => {
    const repeat = 60 * 60_000;
    const { fired } = await reconcile([hot], t(100));
    const alert = fired[0]!;
    assert.deepEqual(
      (await dueNotifications(store.pool, t(100), repeat)).map((a) => a.id),
      [alert.id],
    );
    await markNotified(store.pool, alert, t(100), "webhook");
    assert.equal((await dueNotifications(store.pool, t(130), repeat)).length, 0);
    assert.equal((await dueNotifications(store.pool, t(161), repeat)).length, 1, "repeat after an hour");
    await acknowledgeAlert(store.pool, { id: alert.id, by: "alice", note: "", now: t(161) });
    assert.equal((await dueNotifications(store.pool, t(300), repeat)).length, 0, "acknowledged: no repeat");
    await reconcile([], t(301));
    const due = await dueNotifications(store.pool, t(301), repeat);
    assert.equal(due[0]?.state, "resolved");
    await markNotified(store.pool, due[0]!, t(301), "webhook");
    assert.equal((await dueNotifications(store.pool, t(400), repeat)).length, 0);
  });

  it("notifies watchers without a payload and prunes resolved alerts after retention", async () => {
    const payloads: string[] = [];
    const unlisten = await store.listen(ALERTS_CHANNEL, (p) => payloads.push(p));
    await reconcile([{ ...down, node: "gpu-b" }], t(500));
    await until("the alerts NOTIFY arrives", () => payloads.length > 0);
    assert.equal(payloads[0], "");
    await unlisten();
    await reconcile([], t(501));
    const before = (await listAlerts(store.pool, { filter: "all" })).length;
    assert.equal(await pruneResolvedAlerts(store.pool, t(501 + 60 * 24 * 89), 90), 0);
    const pruned = await pruneResolvedAlerts(store.pool, new Date(t(501).getTime() + 91 * 86_400_000), 90);
    assert.equal(pruned, before);
  });
});
