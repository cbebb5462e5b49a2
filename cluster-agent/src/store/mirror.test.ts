import assert from "node:assert/strict";
import { test } from "node:test";
import { StoreMirror } from "./mirror.js";

/** A store whose listen() records the order of events and lets the test deliver payloads and reconnects. */
function fakeStore(events: string[]) {
  const handlers: { onPayload?: (payload: string) => void; onReconnect?: () => void } = {};
  return {
    handlers,
    store: {
      listen: async (
        channel: string,
        onPayload: (payload: string) => void,
        options?: { onReconnect?: () => void },
      ) => {
        events.push(`listen ${channel}`);
        handlers.onPayload = onPayload;
        handlers.onReconnect = options?.onReconnect;
        return async () => {
          events.push(`unlisten ${channel}`);
        };
      },
    },
  };
}

test("the mirror LISTENs before its first load, so no change falls between the two", async () => {
  const events: string[] = [];
  const { store } = fakeStore(events);
  const mirror = new StoreMirror({
    store: store as never,
    channel: "c",
    load: async (reason) => void events.push(`load ${reason}`),
    resyncIntervalMs: 60_000,
  });
  await mirror.start();
  await mirror.stop();
  assert.deepEqual(events, ["listen c", "load start", "unlisten c"]);
});

test("without hints a notification reloads; with hints it re-reads the named row, and reloads when unreadable", async () => {
  const events: string[] = [];
  const { store, handlers } = fakeStore(events);
  const reads: string[][] = [];
  const mirror = new StoreMirror({
    store: store as never,
    channel: "c",
    load: async (reason) => void events.push(`load ${reason}`),
    resyncIntervalMs: 60_000,
    hints: {
      key: (payload) => (payload.startsWith("id:") ? payload.slice(3) : undefined),
      read: async (keys) => void reads.push(keys),
    },
  });
  await mirror.start();
  handlers.onPayload?.("id:7");
  handlers.onPayload?.("garbage");
  handlers.onReconnect?.();
  await mirror.running;
  await mirror.stop();
  assert.deepEqual(reads, [["7"]]);
  assert.ok(events.includes("load unreadable notification") || events.includes("load reconnect"));
  assert.equal(events.at(-1), "unlisten c");
});

test("a failed first load rejects start; background failures go to onBackgroundError", async () => {
  const events: string[] = [];
  const { store, handlers } = fakeStore(events);
  let fail = true;
  const errors: string[] = [];
  const mirror = new StoreMirror({
    store: store as never,
    channel: "c",
    load: async () => {
      if (fail) throw new Error("store away");
    },
    resyncIntervalMs: 60_000,
    onBackgroundError: (error, reason) => errors.push(`${reason}: ${error.message}`),
  });
  await assert.rejects(mirror.start(), /store away/);
  handlers.onPayload?.("anything");
  await mirror.running?.catch(() => {});
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(errors, ["notify: store away"]);
  fail = false;
  await mirror.resync("manual");
  await mirror.stop();
});
