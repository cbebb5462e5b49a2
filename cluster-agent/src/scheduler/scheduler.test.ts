import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../common/errors.js";
import { ClientGoneError, Scheduler } from "./scheduler.js";

const never = new AbortController().signal;

function scheduler(slots: number, queueLimit = 10, queueTimeoutMs = 60_000, accountQueueShare?: number) {
  return new Scheduler({ name: "m", slots, queueLimit, queueTimeoutMs, accountQueueShare });
}

test("admits up to the slot count at once and queues the rest", async () => {
  const s = scheduler(2);
  const a = await s.acquire("acct", never);
  await s.acquire("acct", never);
  let third = false;
  const pending = s.acquire("acct", never).then((r) => {
    third = true;
    return r;
  });
  assert.deepEqual({ active: s.stats().active, queued: s.stats().queued }, { active: 2, queued: 1 });
  assert.equal(third, false);
  a();
  a(); // a second release of the same lease is ignored
  await pending;
  assert.equal(third, true);
  assert.deepEqual({ active: s.stats().active, queued: s.stats().queued }, { active: 2, queued: 0 });
});

test("a full queue answers 503 with Retry-After instead of growing", async () => {
  const s = scheduler(1, 2, 60_000, 1);
  await s.acquire("a", never);
  const gone = new AbortController();
  const waiting = [s.acquire("a", gone.signal), s.acquire("a", gone.signal)];
  await assert.rejects(s.acquire("b", never), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 503);
    assert.equal(error.code, "model_overloaded");
    assert.match(error.headers["retry-after"] ?? "", /^\d+$/);
    return true;
  });
  assert.equal(s.stats().queued, 2);
  gone.abort();
  for (const w of waiting) await assert.rejects(w, ClientGoneError);
});

test("freed slots go round-robin across accounts, not first come first served", async () => {
  const s = scheduler(1, 100);
  const first = await s.acquire("busy", never);
  const order: string[] = [];
  const leases: Promise<void>[] = [];
  const enqueue = (account: string) =>
    leases.push(
      s.acquire(account, never).then((release) => {
        order.push(account);
        release();
      }),
    );
  for (let i = 0; i < 4; i++) enqueue("busy");
  enqueue("quiet");
  first();
  await Promise.all(leases);
  assert.deepEqual(order, ["busy", "quiet", "busy", "busy", "busy"]);
});

test("a client that disconnects while queued leaves the queue and frees nothing it did not hold", async () => {
  const s = scheduler(1);
  const held = await s.acquire("a", never);
  const controller = new AbortController();
  const waiting = s.acquire("a", controller.signal);
  controller.abort();
  await assert.rejects(waiting, ClientGoneError);
  assert.deepEqual({ active: s.stats().active, queued: s.stats().queued }, { active: 1, queued: 0 });
  held();
  assert.equal(s.stats().active, 0);
});

test("a waiter that gets no slot in time gets 503", async () => {
  const s = scheduler(1, 10, 100);
  await s.acquire("a", never);
  await assert.rejects(
    s.acquire("a", never),
    (error: unknown) => error instanceof ApiError && error.status === 503,
  );
  assert.equal(s.stats().queued, 0);
});

test("one account may hold only its share of the queue; other accounts still queue and are served", async () => {
  const s = scheduler(1, 6); // default share 0.5: 3 places per account
  assert.equal(s.accountQueueLimit, 3);
  const running = await s.acquire("a", never);
  const served: string[] = [];
  const wait = (account: string) =>
    s.acquire(account, never).then((release) => {
      served.push(account);
      release();
    });
  const a = [wait("a"), wait("a"), wait("a")];
  const refused = (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.deepEqual([error.status, error.type, error.code], [429, "requests", "queue_share_exceeded"]);
    assert.match(error.headers["retry-after"] ?? "", /^[1-9]\d*$/);
    assert.match(error.message, /Too many requests of this account are waiting for the model `m`/);
    return true;
  };
  await assert.rejects(s.acquire("a", never), refused);
  assert.throws(() => s.checkRoom("a"), refused);
  s.checkRoom("b");
  const b = wait("b");
  assert.equal(s.stats().queued, 4, "b queued beside a's three");
  running();
  await Promise.all([...a, b]);
  // Round robin still holds: b is served right after a's first waiter, not after all of them.
  assert.deepEqual(served, ["a", "b", "a", "a"]);
});

test("the share is at least one place, and a full queue is still 503 for an account within its share", async () => {
  const single = new Scheduler({ name: "m", slots: 1, queueLimit: 1, queueTimeoutMs: 60_000 });
  assert.equal(single.accountQueueLimit, 1);
  // A queue of one place has no share smaller than itself: when it is full, that is overload (503).
  const hold = await single.acquire("a", never);
  const gone1 = new AbortController();
  const queuedOne = single.acquire("a", gone1.signal);
  await assert.rejects(single.acquire("a", never), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    return error.status === 503 && error.code === "model_overloaded";
  });
  gone1.abort();
  await assert.rejects(queuedOne, ClientGoneError);
  hold();
  const s = scheduler(1, 2, 60_000, 0.5);
  await s.acquire("a", never);
  const gone = new AbortController();
  const waiting = [s.acquire("a", gone.signal), s.acquire("b", gone.signal)];
  await assert.rejects(s.acquire("c", never), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    return error.status === 503 && error.code === "model_overloaded";
  });
  gone.abort();
  for (const w of waiting) await assert.rejects(w, ClientGoneError);
});
