import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import { after, before, describe, it } from "node:test";
import { createAccount } from "../store/accounts.js";
import { createApiKey } from "../store/api-keys.js";
import { StoreError } from "../store/db.js";
import { effectiveLimits, getLimits, setLimits } from "../store/limits.js";
import { upsertNode } from "../store/nodes.js";
import { openStore, type Store } from "../store/store.js";
import { forgeNotifications } from "../test-support/forge.js";
import { makeTempDataDir, startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import { ClusterShare } from "./cluster-share.js";
import { type LimitNotification, LimitsCache } from "./limits-cache.js";

let server: TestPostgres;
let store: Store;
const pepper = randomBytes(32);

function next<T>(
  emitter: EventEmitter,
  event: string,
  match: (value: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (value: T) => {
      if (!match(value)) return;
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

async function newAccountWithKey() {
  const tag = randomBytes(4).toString("hex");
  const account = await createAccount(store.pool, { name: `Limits ${tag}`, email: `l-${tag}@example.eu` });
  const key = await createApiKey(store.pool, { accountId: account.id, createdBy: "test", pepper });
  return { accountId: account.id, keyId: key.key.id };
}

before(async () => {
  server = await startTestPostgres();
  store = await openStore({ databaseUrl: server.url, dataDir: await makeTempDataDir() });
});
after(async () => {
  await store.close();
  await server.stop();
});

describe("limits in the store", () => {
  it("sets some fields, keeps the others, clears on request, and says where each value comes from", async () => {
    const { accountId, keyId } = await newAccountWithKey();
    await setLimits(store.pool, { accountId, set: { rpm: 60, tpm: 10_000 }, updatedBy: "cli:ops" });
    await setLimits(store.pool, { accountId, set: { spendCapEur: 99.9 }, updatedBy: "cli:ops" });
    await setLimits(store.pool, { accountId, keyId, set: { rpm: 5 }, updatedBy: "cli:ops" });
    let rows = await getLimits(store.pool, accountId, keyId);
    assert.deepEqual(
      { ...rows.account, updatedAt: null },
      {
        accountId,
        keyId: null,
        rpm: 60,
        tpm: 10_000,
        concurrency: null,
        spendCapEur: 99.9,
        updatedAt: null,
        updatedBy: "cli:ops",
      },
    );
    assert.deepEqual(effectiveLimits(rows.account, rows.key), {
      rpm: { value: 5, source: "key" },
      tpm: { value: 10_000, source: "account" },
      concurrency: { value: null, source: "none" },
      spendCapEur: { value: 99.9, source: "account" },
    });
    await setLimits(store.pool, { accountId, keyId, set: {}, clear: ["rpm"], updatedBy: "cli:ops" });
    rows = await getLimits(store.pool, accountId, keyId);
    assert.equal(effectiveLimits(rows.account, rows.key).rpm.source, "account");
  });

  it("refuses nonsense with a reason", async () => {
    const { accountId, keyId } = await newAccountWithKey();
    const other = await newAccountWithKey();
    const invalid = (message: RegExp) => (e: unknown) => e instanceof StoreError && message.test(e.message);
    await assert.rejects(
      setLimits(store.pool, { accountId, set: { rpm: 0 }, updatedBy: "t" }),
      invalid(/rpm must be a whole number/),
    );
    await assert.rejects(
      setLimits(store.pool, { accountId, keyId: other.keyId, set: { rpm: 1 }, updatedBy: "t" }),
      invalid(/does not belong to account/),
    );
    await assert.rejects(
      setLimits(store.pool, { accountId: "acct_nope000000000000", set: { rpm: 1 }, updatedBy: "t" }),
      (e: unknown) => e instanceof StoreError && e.code === "not_found",
    );
    await assert.rejects(
      setLimits(store.pool, { accountId, keyId, set: { rpm: 1 }, clear: ["rpm"], updatedBy: "t" }),
      invalid(/both set and cleared/),
    );
  });
});

describe("limits cache", () => {
  let cache: LimitsCache;
  before(async () => {
    cache = new LimitsCache({ store, resyncIntervalMs: 60_000 });
    await cache.start();
  });
  after(() => cache.stop());

  it("applies a change from its notification, and forgets rows without any limit", async () => {
    const { accountId, keyId } = await newAccountWithKey();
    const applied = next<LimitNotification>(cache, "change", (n) => n.keyId === keyId);
    await setLimits(store.pool, { accountId, keyId, set: { tpm: 500, spendCapEur: 12.5 }, updatedBy: "t" });
    await applied;
    assert.deepEqual(cache.key(keyId), { rpm: null, tpm: 500, concurrency: null, spendCapEur: 12.5 });
    assert.equal(cache.account(accountId), undefined);
    const cleared = next<LimitNotification>(cache, "change", (n) => n.keyId === keyId);
    await setLimits(store.pool, { accountId, keyId, set: {}, clear: ["tpm", "spendCapEur"], updatedBy: "t" });
    await cleared;
    assert.equal(cache.key(keyId), undefined);
  });

  it("ignores forged notifications: a payload cannot remove or raise a limit", async () => {
    const { accountId, keyId } = await newAccountWithKey();
    let applied = next<LimitNotification>(
      cache,
      "change",
      (n) => n.accountId === accountId && n.keyId === null,
    );
    await setLimits(store.pool, { accountId, set: { rpm: 10, spendCapEur: 5 }, updatedBy: "t" });
    await applied;
    applied = next<LimitNotification>(cache, "change", (n) => n.keyId === keyId);
    await setLimits(store.pool, { accountId, keyId, set: { tpm: 100 }, updatedBy: "t" });
    await applied;
    const other = await newAccountWithKey();
    await forgeNotifications(server.url, "entrim_limits", [
      { op: "delete", accountId, keyId: null, rpm: null, tpm: null, concurrency: null, spendCapEur: null },
      {
        op: "update",
        accountId: other.accountId,
        keyId,
        rpm: 1_000_000,
        tpm: null,
        concurrency: null,
        spendCapEur: null,
      },
      "not json",
    ]);
    // Notifications arrive in commit order: once a real change made after the forgeries took effect,
    // the forgeries have been handled too.
    const marker = await newAccountWithKey();
    applied = next<LimitNotification>(cache, "change", (n) => n.accountId === marker.accountId);
    await setLimits(store.pool, { accountId: marker.accountId, set: { concurrency: 2 }, updatedBy: "t" });
    await applied;
    assert.deepEqual(cache.account(accountId), { rpm: 10, tpm: null, concurrency: null, spendCapEur: 5 });
    assert.deepEqual(cache.key(keyId), { rpm: null, tpm: 100, concurrency: null, spendCapEur: null });
    assert.equal(cache.account(marker.accountId)?.concurrency, 2);
  });

  it("loads everything on resync and keeps enforcing what it knows when the store is away", async () => {
    const { accountId } = await newAccountWithKey();
    await setLimits(store.pool, { accountId, set: { concurrency: 3 }, updatedBy: "t" });
    const away = await openStore({ databaseUrl: server.url, dataDir: await makeTempDataDir() });
    const cold = new LimitsCache({ store: away });
    await cold.start();
    assert.equal(cold.account(accountId)?.concurrency, 3);
    await away.close();
    await assert.rejects(cold.resync("test"));
    assert.equal(cold.account(accountId)?.concurrency, 3, "fail-static");
    await cold.stop();
  });
});

describe("cluster share from the node registry", () => {
  it("hears a node join and leave, and splits limits in name order", async () => {
    const register = (name: string, state: "ready" | "stopped") =>
      upsertNode(store.pool, { name, region: "eu", addresses: [], version: "0", state });
    const share = new ClusterShare({ store, self: "node-b", refreshMs: 60_000 });
    await share.start();
    try {
      assert.deepEqual(share.nodes, ["node-b"]);
      await register("node-a", "ready");
      await register("node-c", "ready");
      await until("the joins are heard through NOTIFY", () => share.nodes.length === 3, {
        timeoutMs: 2_000,
        intervalMs: 10,
      });
      assert.deepEqual(share.nodes, ["node-a", "node-b", "node-c"]);
      assert.equal(share.share(10), 3, "node-a gets the remainder");
      await register("node-a", "stopped");
      await share.refresh();
      assert.deepEqual(share.nodes, ["node-b", "node-c"]);
      assert.equal(share.share(10), 5);
    } finally {
      await share.stop();
    }
  });
});
