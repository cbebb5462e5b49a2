import assert from "node:assert/strict";
import { test } from "node:test";
import { alertTarget } from "../actions/alerts.js";
import { type Alert, alertStatus, needsSomeone, openAlerts, RECENT_RESOLVED_MS } from "./alertsSlice.js";
import { createAppStore } from "./store.js";

const NOW = 1_800_000_000_000;

function alert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    rule: "node-down",
    fingerprint: `node-down/${id}/`,
    severity: "critical",
    node: id,
    subject: "",
    summary: `${id} is down`,
    state: "firing",
    firstFiredAtMs: NOW - 60_000,
    lastSeenAtMs: NOW,
    resolvedAtMs: 0,
    acknowledgedBy: "",
    acknowledgedAtMs: 0,
    acknowledgeNote: "",
    silencedUntilMs: 0,
    silencedBy: "",
    silenceNote: "",
    lastNotifiedAtMs: 0,
    notifyCount: 0,
    ...over,
  };
}

test("the server's list: firing on top, then acknowledged, silenced, recently resolved; old resolved ones hidden", () => {
  const store = createAppStore();
  store
    .getState()
    .alertsLoaded(
      [
        alert("gone", { state: "resolved", resolvedAtMs: NOW - RECENT_RESOLVED_MS - 1 }),
        alert("over", { state: "resolved", resolvedAtMs: NOW - 1000 }),
        alert("quiet", { silencedUntilMs: NOW + 3_600_000, silencedBy: "otto" }),
        alert("owned", { acknowledgedBy: "otto", acknowledgedAtMs: NOW - 10, acknowledgeNote: "on it" }),
        alert("warm", { severity: "warning", rule: "gpu-hot" }),
        alert("down"),
      ],
      NOW,
    );
  const alerts = store.getState().alerts;
  assert.deepEqual(
    alerts.map((a) => [a.id, alertStatus(a, NOW)]),
    [
      ["down", "firing"],
      ["warm", "firing"],
      ["owned", "acknowledged"],
      ["quiet", "silenced"],
      ["over", "resolved"],
    ],
  );
  assert.deepEqual(
    needsSomeone(alerts, NOW).map((a) => a.id),
    ["down", "warm"],
    "the badge counts firing alerts nobody acknowledged or silenced",
  );
  assert.equal(openAlerts(alerts).length, 4);
  // A silence that ended is no silence.
  assert.equal(alertStatus(alert("x", { silencedUntilMs: NOW - 1 }), NOW), "firing");
});

test("an act's answer replaces its row at once; the acts' targets follow the cursor and the state", () => {
  const store = createAppStore();
  store.getState().alertsLoaded([alert("a"), alert("b")], NOW);
  store.getState().setView("alerts");
  store.getState().setAlertCursor("b");
  assert.equal(alertTarget(store.getState(), ["firing"], NOW)?.id, "b");
  store.getState().alertUpdated(alert("b", { acknowledgedBy: "otto", acknowledgedAtMs: NOW }), NOW);
  assert.equal(alertStatus(store.getState().alerts.find((a) => a.id === "b")!, NOW), "acknowledged");
  assert.equal(alertTarget(store.getState(), ["firing"], NOW), undefined, "the cursor's alert is taken");
  assert.equal(alertTarget(store.getState(), ["firing", "acknowledged"], NOW)?.id, "b");
  store.getState().setAlertCursor(undefined);
  assert.equal(alertTarget(store.getState(), ["firing"], NOW)?.id, "a", "no cursor: the first that fits");
  store.getState().resetAlerts();
  assert.deepEqual(store.getState().alerts, []);
});
