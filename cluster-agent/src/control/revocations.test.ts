import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, it } from "node:test";
import { status } from "@grpc/grpc-js";
import pg from "pg";
import { revokeCertificate } from "../store/certificate-revocations.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { checkNotRevoked, RevocationList } from "./revocations.js";
import { RpcError } from "./rpc.js";

let t: TestStore;
let list: RevocationList;
before(async () => {
  t = await openTestStore();
  list = new RevocationList({ store: t.store });
  await list.start();
});
after(async () => {
  await list.stop();
  await t.close();
});

// As TLS reports a peer certificate: upper-case serial (a leading zero kept), colon-separated fingerprint.
const alice = { serialNumber: "0A1B2C", fingerprint256: `${"AB:".repeat(31)}CD` };
const bob = { serialNumber: "0D0E0F", fingerprint256: `${"12:".repeat(31)}34` };

it("applies a revocation by NOTIFY, matching serial or fingerprint however they are written", async () => {
  assert.equal(list.revocationOf(alice), undefined);
  const applied = once(list, "resync");
  await revokeCertificate(t.store.pool, {
    serialNumber: "a1b2c",
    revokedBy: "ada",
    reason: "left the company",
  });
  await applied;
  assert.equal(list.revocationOf(alice)?.reason, "left the company");
  assert.equal(list.revocationOf(bob), undefined);
  const byFingerprint = once(list, "resync");
  await revokeCertificate(t.store.pool, {
    fingerprint: bob.fingerprint256.replaceAll(":", "").toLowerCase(),
    revokedBy: "ada",
    reason: "key on a pastebin",
  });
  await byFingerprint;
  assert.throws(
    () => checkNotRevoked(list, bob),
    (error: unknown) =>
      error instanceof RpcError &&
      error.code === status.UNAUTHENTICATED &&
      /revoked on \S+ by ada \(reason: key on a pastebin\)/.test(error.message),
  );
});

it("keeps the list it has while the store is unreachable", async () => {
  // The same store, until its address stops answering (a closed port: the database is away).
  const away = new pg.Pool({
    connectionString: "postgresql://entrim@127.0.0.1:1/entrim",
    connectionTimeoutMillis: 2000,
  });
  let pool: pg.Pool = t.store.pool;
  const mirror = new RevocationList({
    store: {
      get pool() {
        return pool;
      },
      listen: (...a) => t.store.listen(...a),
    },
  });
  await mirror.start();
  try {
    assert.ok(mirror.revocationOf(alice));
    pool = away;
    await mirror.resync("test");
    assert.ok(mirror.revocationOf(alice), "still revoked without a store");
    assert.ok(mirror.revocationOf(bob));
  } finally {
    await mirror.stop();
    await away.end();
  }
});
