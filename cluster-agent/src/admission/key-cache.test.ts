import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { EventEmitter } from "node:events";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { generateApiKey } from "../domain/api-key.js";
import { createAccount, setAccountStatus } from "../store/accounts.js";
import { createApiKey, getApiKey, revokeApiKey } from "../store/api-keys.js";
import { type EmbeddedServer, startEmbeddedPostgres } from "../store/embedded.js";
import { openStore, type Store } from "../store/store.js";
import { forgeNotifications } from "../test-support/forge.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { until } from "../test-support/until.js";
import { type AuthResult, KeyCache, type KeyNotification } from "./key-cache.js";

const pepper = randomBytes(32);
let dataDir: string;
let server: EmbeddedServer;
let store: Store;
let cache: KeyCache;

const bearer = (token: string) => `Bearer ${token}`;

function waitFor<T>(emitter: EventEmitter, event: string, match: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (value: T) => {
      if (!match(value)) return;
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

async function newKey(accountId?: string) {
  const account = accountId ?? (await newAccount());
  const created = await createApiKey(store.pool, { accountId: account, createdBy: "test", pepper });
  return { accountId: account, keyId: created.key.id, token: created.token };
}

async function newAccount(): Promise<string> {
  const tag = randomBytes(4).toString("hex");
  return (await createAccount(store.pool, { name: `Customer ${tag}`, email: `ops-${tag}@example.eu` })).id;
}

before(async () => {
  dataDir = await makeTempDataDir();
  server = await startEmbeddedPostgres({ dir: join(dataDir, "postgres"), fast: true });
  store = await openStore({ databaseUrl: server.url, dataDir, listenBackoff: { initialMs: 20, maxMs: 200 } });
});

after(async () => {
  await cache?.stop();
  await store.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("key cache", () => {
  let known: Awaited<ReturnType<typeof newKey>>;

  it("authenticates keys loaded at start synchronously, and says why others fail", async () => {
    known = await newKey();
    cache = new KeyCache({ store, pepper, negativeTtlMs: 60_000 });
    await cache.start();
    const result = cache.authenticate(bearer(known.token));
    assert.ok(!(result instanceof Promise), "a cached key is checked without waiting");
    assert.deepEqual(result, { ok: true, keyId: known.keyId, accountId: known.accountId });
    assert.deepEqual(cache.authenticate(`bearer ${known.token}`), result, "scheme is case-insensitive");
    assert.equal(cache.authenticate(bearer(known.token)), result, "repeat is served from the memo");

    assert.deepEqual(cache.authenticate(undefined), { ok: false, reason: "missing" });
    assert.deepEqual(cache.authenticate(""), { ok: false, reason: "missing" });
    assert.deepEqual(cache.authenticate(`Basic ${known.token}`), { ok: false, reason: "malformed" });
    assert.deepEqual(cache.authenticate("Bearer sk-entrim-nope"), { ok: false, reason: "malformed" });
    const forged = `sk-entrim-${known.keyId}-${generateApiKey().secret}`;
    assert.deepEqual(
      cache.authenticate(bearer(forged)),
      { ok: false, reason: "unknown" },
      "known id, wrong secret",
    );
    assert.deepEqual(cache.authenticate(bearer(known.token)), result, "the memo was not replaced");

    const stranger = generateApiKey().token;
    const first = cache.authenticate(bearer(stranger));
    assert.ok(first instanceof Promise, "an uncached id is looked up in the store");
    assert.deepEqual(await first, { ok: false, reason: "unknown" });
    const second = cache.authenticate(bearer(stranger));
    assert.ok(!(second instanceof Promise), "and then remembered as unknown for a while");
    assert.deepEqual(second, { ok: false, reason: "unknown" });
  });

  it("accepts a key created after start", async () => {
    const fresh = await newKey(known.accountId);
    const result: AuthResult = await cache.authenticate(bearer(fresh.token));
    assert.deepEqual(result, { ok: true, keyId: fresh.keyId, accountId: fresh.accountId });
  });

  it("stops accepting a revoked key within a second", async () => {
    const victim = await newKey(known.accountId);
    assert.equal((await cache.authenticate(bearer(victim.token))).ok, true);
    const seen = waitFor<KeyNotification>(cache, "change", (n) => n.id === victim.keyId && n.kind === "key");
    const started = performance.now();
    await revokeApiKey(store.pool, victim.keyId);
    await seen;
    assert.ok(performance.now() - started < 1000, "revocation reached the cache within 1 s");
    assert.deepEqual(cache.authenticate(bearer(victim.token)), { ok: false, reason: "revoked" });
    assert.equal((cache.authenticate(bearer(known.token)) as AuthResult).ok, true, "other keys unaffected");
  });

  it("refuses an expired key like a revoked one, by the agent's clock, with no event needed", async () => {
    const created = await createApiKey(store.pool, {
      accountId: known.accountId,
      createdBy: "test",
      pepper,
      expiresAt: new Date(Date.now() + 1_500),
    });
    assert.equal(created.key.expiresAt?.getTime() !== undefined, true);
    const token = bearer(created.token);
    assert.equal((await cache.authenticate(token)).ok, true, "usable until it expires");
    // The cached entry carries the expiry: past it, the same cached key is refused.
    const refused = await until("the key expired", async () => {
      const result = await cache.authenticate(token);
      return result.ok ? false : result;
    });
    assert.deepEqual(refused, { ok: false, reason: "expired" });
    assert.equal((cache.authenticate(bearer(known.token)) as AuthResult).ok, true, "other keys unaffected");
    // A fresh agent loading it from the store refuses it too.
    const fresh = new KeyCache({ store, pepper });
    await fresh.start();
    try {
      assert.deepEqual(await fresh.authenticate(token), { ok: false, reason: "expired" });
    } finally {
      await fresh.stop();
    }
  });

  it("follows account status changes", async () => {
    const other = await newKey();
    assert.equal((await cache.authenticate(bearer(other.token))).ok, true);
    let seen = waitFor<KeyNotification>(cache, "change", (n) => n.id === other.accountId);
    await setAccountStatus(store.pool, other.accountId, "restricted");
    await seen;
    assert.deepEqual(cache.authenticate(bearer(other.token)), { ok: false, reason: "account_inactive" });
    seen = waitFor<KeyNotification>(cache, "change", (n) => n.id === other.accountId);
    await setAccountStatus(store.pool, other.accountId, "active");
    await seen;
    assert.equal((cache.authenticate(bearer(other.token)) as AuthResult).ok, true);
  });

  it("ignores forged notifications: a payload cannot reactivate an account or revoke a key", async () => {
    const restricted = await newKey();
    const good = await newKey();
    assert.equal((await cache.authenticate(bearer(restricted.token))).ok, true);
    assert.equal((await cache.authenticate(bearer(good.token))).ok, true);
    const seen = waitFor<KeyNotification>(cache, "change", (n) => n.id === restricted.accountId);
    await setAccountStatus(store.pool, restricted.accountId, "restricted");
    await seen;
    await forgeNotifications(server.url, "entrim_keys", [
      { kind: "account", id: restricted.accountId, status: "active" },
      { kind: "key", id: good.keyId, accountId: good.accountId, op: "update", revoked: true },
      "not json",
    ]);
    // Notifications arrive in commit order: once a real change made after the forgeries took effect,
    // the forgeries have been handled too.
    const marker = await newKey();
    const revoked = waitFor<KeyNotification>(
      cache,
      "change",
      (n) => n.kind === "key" && n.id === marker.keyId && n.revoked,
    );
    await revokeApiKey(store.pool, marker.keyId);
    await revoked;
    // (The unreadable payload made the cache reload, which keeps usable keys only: hence the awaits.)
    assert.deepEqual(await cache.authenticate(bearer(restricted.token)), {
      ok: false,
      reason: "account_inactive",
    });
    assert.equal((await cache.authenticate(bearer(good.token))).ok, true);
    assert.deepEqual(await cache.authenticate(bearer(marker.token)), { ok: false, reason: "revoked" });
  });

  it("records last use in batches, off the request path", async () => {
    assert.equal((cache.authenticate(bearer(known.token)) as AuthResult).ok, true);
    await cache.flushUsage();
    const info = await getApiKey(store.pool, known.keyId);
    assert.ok(info?.lastUsedAt instanceof Date);
  });

  it("keeps serving known keys while the store is down, refuses unknown ones, and resyncs when it returns", async () => {
    // The creation's own notification makes the cache fetch the key; let that finish first, or its
    // fetch could land after the silent revocation below and see it.
    const changed = new Set<string>();
    const record = (n: KeyNotification) => changed.add(n.id);
    cache.on("change", record);
    const silent = await newKey(known.accountId);
    await until("the cache hears of the new key", () => changed.has(silent.keyId), { intervalMs: 10 });
    cache.off("change", record);
    assert.equal((await cache.authenticate(bearer(silent.token))).ok, true);
    // Revoke without a notification (replica role skips triggers): only a resync can learn of it.
    const client = await store.pool.connect();
    await client.query("SET session_replication_role = replica");
    await client.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [silent.keyId]);
    await client.query("RESET session_replication_role");
    client.release();
    assert.equal((cache.authenticate(bearer(silent.token)) as AuthResult).ok, true);

    await server.stop();
    assert.deepEqual(cache.authenticate(bearer(known.token)), {
      ok: true,
      keyId: known.keyId,
      accountId: known.accountId,
    });
    assert.deepEqual(await cache.authenticate(bearer(generateApiKey().token)), {
      ok: false,
      reason: "unknown",
    });

    const resynced = waitFor<{ reason: string }>(cache, "resync", (e) => e.reason === "reconnect");
    server = await startEmbeddedPostgres({ dir: join(dataDir, "postgres"), fast: true });
    await resynced;
    assert.deepEqual(await cache.authenticate(bearer(silent.token)), { ok: false, reason: "revoked" });
    assert.equal((cache.authenticate(bearer(known.token)) as AuthResult).ok, true);
  });
});
