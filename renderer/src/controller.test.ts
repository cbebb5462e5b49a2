import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConsoleApi } from "@entrim/electron/common";
import { Controller } from "./controller.js";
import { SeriesStore } from "./metrics/series.js";
import { createAppStore } from "./state/store.js";
import { snap } from "./test-support/snapshots.js";

/** A fake carrier: answers calls from a table and lets the test push stream messages. */
function fakeApi(answers: Record<string, unknown>) {
  const streams = new Map<string, { message(m: unknown): void; end(e?: string): void; request: unknown }>();
  const api: ConsoleApi = {
    call: async (channel) => {
      if (!(channel.id in answers)) throw new Error(`refused ${channel.id}`);
      return answers[channel.id] as never;
    },
    stream: (channel, request, on) => {
      streams.set(`${channel.id}:${JSON.stringify(request)}`, {
        message: on.message as (m: unknown) => void,
        end: on.end,
        request,
      });
      return () => streams.delete(channel.id);
    },
  };
  return { api, streams };
}

const cluster = {
  profile: "p",
  operator: { name: "o", role: "admin" as const, notAfterMs: 0 },
  readOnly: false,
  answeredBy: "a",
  leader: "a",
  peers: [],
};

test("connect opens the fleet stream; samples go to the rings at once, to the store in batches", async () => {
  const { api, streams } = fakeApi({ "cluster.connect": cluster });
  const store = createAppStore();
  const series = new SeriesStore(10);
  const controller = new Controller(api, store, series);
  await controller.connect("p");
  assert.equal(store.getState().view, "fleet");
  const fleet = streams.get("fleet.watch:{}")!;
  let applied!: () => void;
  const flushed = new Promise<void>((resolve) => (applied = resolve));
  const off = store.subscribe((s) => s.nodes.a && applied());
  fleet.message({ type: "snapshot", node: "a", snapshot: snap("a") });
  assert.equal(series.get("a")?.time.length, 1, "the ring has it before any render");
  await flushed;
  off();
  assert.equal(store.getState().nodes.a?.snapshot?.node, "a");
  await controller.disconnect();
});

test("a failed connect stays on profiles with the agent's reason", async () => {
  const store = createAppStore();
  await new Controller(fakeApi({}).api, store, new SeriesStore(1)).connect("p");
  assert.equal(store.getState().sessionError, "refused cluster.connect");
});

test("drain of several nodes runs one stream each; progress and the end land per node", () => {
  const { api, streams } = fakeApi({});
  const store = createAppStore();
  new Controller(api, store, new SeriesStore(1)).drain(["a", "b"], "kernel update");
  const a = streams.get('node.drain:{"node":"a","reason":"kernel update","deadlineSeconds":0}')!;
  const b = streams.get('node.drain:{"node":"b","reason":"kernel update","deadlineSeconds":0}')!;
  a.message({
    node: "a",
    state: "NODE_STATE_DRAINED",
    requestsInFlight: 0,
    requestsQueued: 0,
    deadlineAtMs: 0,
    requestsCutOff: 0,
    done: true,
  });
  a.end();
  b.end("Drain needs the operator role");
  assert.equal(store.getState().drains.a?.done, true);
  assert.equal(store.getState().drains.b?.error, "Drain needs the operator role");
  assert.match(store.getState().notices.at(-1)?.text ?? "", /Drain of b failed/);
});
