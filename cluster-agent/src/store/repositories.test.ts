import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { hashSecret, parseApiKey } from "../domain/api-key.js";
import { openTestStore } from "../test-support/postgres.js";
import { createAccount, getAccount, listAccounts, setAccountStatus } from "./accounts.js";
import { createApiKey, getApiKey, getApiKeyCredential, listApiKeys, revokeApiKey } from "./api-keys.js";
import { StoreError } from "./db.js";
import { heartbeat, listNodes, upsertNode } from "./nodes.js";
import type { Store } from "./store.js";

const pepper = randomBytes(32);
let store: Store;
let closeStore: () => Promise<void>;

before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

const isStoreError = (code: StoreError["code"], message: RegExp) => (error: unknown) =>
  error instanceof StoreError && error.code === code && message.test(error.message);

describe("accounts", () => {
  it("are created active with a random id, and listed and fetched", async () => {
    const account = await createAccount(store.pool, {
      name: " Acme GmbH ",
      email: "ops@acme.eu",
      company: "Acme",
    });
    assert.match(account.id, /^acct_[a-z0-9]{16}$/);
    assert.equal(account.name, "Acme GmbH");
    assert.equal(account.status, "active");
    assert.deepEqual(await getAccount(store.pool, account.id), account);
    assert.ok((await listAccounts(store.pool)).some((a) => a.id === account.id));
    assert.equal(await getAccount(store.pool, "acct_missing"), undefined);
  });

  it("refuse bad emails and a second open account for the same address", async () => {
    await assert.rejects(
      createAccount(store.pool, { name: "X", email: "not-an-email" }),
      isStoreError("invalid", /email/),
    );
    await assert.rejects(
      createAccount(store.pool, { name: " ", email: "a@b.eu" }),
      isStoreError("invalid", /name/),
    );
    const first = await createAccount(store.pool, { name: "Dup", email: "dup@example.eu" });
    await assert.rejects(
      createAccount(store.pool, { name: "Dup 2", email: "DUP@example.eu" }),
      isStoreError("conflict", /already exists/),
    );
    await setAccountStatus(store.pool, first.id, "closed");
    const again = await createAccount(store.pool, { name: "Dup 3", email: "dup@example.eu" });
    assert.equal(again.status, "active", "a closed account's address can sign up again");
  });
});

describe("API keys", () => {
  it("are stored as an HMAC only and listed without secrets", async () => {
    const account = await createAccount(store.pool, { name: "Keys", email: "keys@example.eu" });
    const { key, token } = await createApiKey(store.pool, {
      accountId: account.id,
      name: "prod",
      createdBy: "cli:test",
      pepper,
    });
    const parsed = parseApiKey(token)!;
    assert.equal(parsed.id, key.id);
    const credential = await getApiKeyCredential(store.pool, key.id);
    assert.deepEqual(credential?.hmac, hashSecret(parsed.secret, pepper));
    const listed = await listApiKeys(store.pool, { accountId: account.id });
    assert.deepEqual(listed, [key]);
    assert.deepEqual(Object.keys(listed[0]!).sort(), [
      "accountId",
      "createdAt",
      "createdBy",
      "expiresAt",
      "id",
      "lastUsedAt",
      "name",
      "revokedAt",
    ]);
    const raw = JSON.stringify(await store.pool.query("SELECT * FROM api_keys"));
    assert.ok(!raw.includes(parsed.secret), "the secret is nowhere in the table");
  });

  it("are revoked once, and unknown ids and accounts are reported", async () => {
    const account = await createAccount(store.pool, { name: "Rev", email: "rev@example.eu" });
    const { key } = await createApiKey(store.pool, { accountId: account.id, createdBy: "test", pepper });
    const revoked = await revokeApiKey(store.pool, key.id);
    assert.ok(revoked.revokedAt instanceof Date);
    assert.deepEqual(await getApiKey(store.pool, key.id), revoked);
    await assert.rejects(revokeApiKey(store.pool, key.id), isStoreError("conflict", /already revoked/));
    await assert.rejects(revokeApiKey(store.pool, "aaaaaaaaaaaa"), isStoreError("not_found", /no API key/));
    await assert.rejects(
      createApiKey(store.pool, { accountId: "acct_nobody", createdBy: "test", pepper }),
      isStoreError("not_found", /no account/),
    );
    await setAccountStatus(store.pool, account.id, "closed");
    await assert.rejects(
      createApiKey(store.pool, { accountId: account.id, createdBy: "test", pepper }),
      isStoreError("invalid", /closed/),
    );
  });

  it("announce changes on entrim_keys with ids and state, never secrets", async () => {
    const payloads: string[] = [];
    let wake: () => void = () => {};
    const unlisten = await store.listen("entrim_keys", (payload) => {
      payloads.push(payload);
      wake();
    });
    const arrived = (n: number) =>
      new Promise<void>((resolve) => {
        wake = () => payloads.length >= n && resolve();
        wake();
      });
    try {
      const account = await createAccount(store.pool, { name: "Notify", email: "notify@example.eu" });
      const { key } = await createApiKey(store.pool, { accountId: account.id, createdBy: "test", pepper });
      await store.pool.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1", [key.id]);
      await revokeApiKey(store.pool, key.id);
      await setAccountStatus(store.pool, account.id, "restricted");
      await arrived(3);
      assert.deepEqual(
        payloads.map((p) => JSON.parse(p)),
        [
          { kind: "key", id: key.id, accountId: account.id, op: "insert", revoked: false },
          { kind: "key", id: key.id, accountId: account.id, op: "update", revoked: true },
          { kind: "account", id: account.id, status: "restricted" },
        ],
        "last_used_at updates do not notify",
      );
    } finally {
      await unlisten();
    }
  });
});

describe("nodes", () => {
  it("register, heartbeat and list", async () => {
    const started = new Date(Date.now() - 1000);
    const node = await upsertNode(store.pool, {
      name: "gpu-fra-01",
      region: "eu-central",
      addresses: ["10.0.0.5:7443"],
      version: "0.1.0",
      models: [{ id: "tiny" }],
      startedAt: started,
    });
    assert.equal(node.state, "starting");
    assert.deepEqual(node.addresses, ["10.0.0.5:7443"]);
    const beat = await heartbeat(store.pool, "gpu-fra-01", { state: "ready" });
    assert.equal(beat.state, "ready");
    assert.ok(beat.heartbeatAt >= node.heartbeatAt);
    assert.deepEqual(beat.models, [{ id: "tiny" }], "models kept when not given");
    const again = await upsertNode(store.pool, {
      name: "gpu-fra-01",
      region: "eu-central",
      addresses: [],
      version: "0.2.0",
    });
    assert.equal(again.version, "0.2.0");
    assert.deepEqual(
      (await listNodes(store.pool)).map((n) => n.name),
      ["gpu-fra-01"],
    );
    await assert.rejects(heartbeat(store.pool, "ghost"), isStoreError("not_found", /not registered/));
  });

  it("keep control addresses, state reason, drain and labels; heartbeats change only what they carry", async () => {
    const node = await upsertNode(store.pool, {
      name: "gpu-ams-01",
      region: "us-east-1",
      addresses: [],
      version: "0.1.0",
      state: "refusing",
      stateReason: "region us-east-1 is not in node.allowedRegions [eu-*]",
      controlAddress: "10.0.0.7:9443",
      metricsAddress: "10.0.0.7:9464",
      labels: { rack: "r1" },
    });
    assert.deepEqual(
      [node.state, node.controlAddress, node.metricsAddress, node.drain, node.labels],
      ["refusing", "10.0.0.7:9443", "10.0.0.7:9464", null, { rack: "r1" }],
    );
    const drain = { by: "alice", reason: "disk", requestedAt: 1, deadlineAt: 2 };
    const draining = await heartbeat(store.pool, "gpu-ams-01", {
      state: "draining",
      drain,
      stateReason: "d",
    });
    assert.deepEqual([draining.state, draining.drain, draining.stateReason], ["draining", drain, "d"]);
    const kept = await heartbeat(store.pool, "gpu-ams-01");
    assert.deepEqual(
      [kept.drain, kept.controlAddress, kept.labels],
      [drain, "10.0.0.7:9443", { rack: "r1" }],
    );
    const cleared = await heartbeat(store.pool, "gpu-ams-01", {
      state: "ready",
      drain: null,
      stateReason: "",
    });
    assert.deepEqual([cleared.state, cleared.drain, cleared.stateReason], ["ready", null, ""]);
    await assert.rejects(
      store.pool.query("UPDATE nodes SET state = 'bogus' WHERE name = 'gpu-ams-01'"),
      /nodes_state_check/,
    );
  });
});
