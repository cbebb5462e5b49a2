import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ApiError } from "../common/errors.js";
import { InFlightRequests } from "../serving/in-flight.js";
import { createAccount } from "../store/accounts.js";
import { createApiKey } from "../store/api-keys.js";
import { type EmbeddedServer, startEmbeddedPostgres } from "../store/embedded.js";
import { openStore, type Store } from "../store/store.js";
import {
  createSuspension,
  liftSuspension,
  type NewSuspension,
  normalizeTarget,
} from "../store/suspensions.js";
import { forgeNotifications } from "../test-support/forge.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { SuspensionGate, type SuspensionNotice } from "./suspensions.js";

let dataDir: string;
let server: EmbeddedServer;
let store: Store;
let gate: SuspensionGate;
const inFlight = new InFlightRequests();
/** The gate's clock runs ahead of the wall clock by this much: expiry is tested without waiting. */
let skewMs = 0;

async function newPrincipal() {
  const tag = randomBytes(4).toString("hex");
  const account = await createAccount(store.pool, {
    name: `Customer ${tag}`,
    email: `ops-${tag}@example.eu`,
  });
  const key = await createApiKey(store.pool, {
    accountId: account.id,
    createdBy: "test",
    pepper: randomBytes(32),
  });
  return { accountId: account.id, keyId: key.key.id };
}

/** Resolves once the gate has applied the notice for which `match` holds. */
function applied(match: (notice: SuspensionNotice) => boolean): Promise<SuspensionNotice> {
  return new Promise((resolve) => {
    const listener = (notice: SuspensionNotice) => {
      if (!match(notice)) return;
      gate.off("applied", listener);
      resolve(notice);
    };
    gate.on("applied", listener);
  });
}

/** The NOTIFY can overtake the INSERT's own reply, so the wait begins before the statement. */
async function suspend(
  input: Omit<NewSuspension, "createdBy" | "state"> & { state?: NewSuspension["state"] },
) {
  const target = normalizeTarget(input.targetType, input.target);
  const seen = applied((n) => n.target === target && !n.lifted && n.state === (input.state ?? "suspended"));
  const row = await createSuspension(store.pool, { state: "suspended", createdBy: "test", ...input });
  assert.equal((await seen).id, row.id);
  return row;
}

async function lift(targetType: NewSuspension["targetType"], target: string) {
  const seen = applied((n) => n.target === normalizeTarget(targetType, target) && n.lifted);
  const row = await liftSuspension(store.pool, { targetType, target, liftedBy: "test", reason: "resolved" });
  assert.equal((await seen).id, row.id);
}

function refusal(fn: () => void): ApiError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error;
  }
}

before(async () => {
  dataDir = await makeTempDataDir();
  server = await startEmbeddedPostgres({ dir: join(dataDir, "postgres"), fast: true });
  store = await openStore({ databaseUrl: server.url, dataDir, listenBackoff: { initialMs: 20, maxMs: 200 } });
});

after(async () => {
  await gate?.stop();
  await store.close();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("suspension gate", () => {
  it("enforces suspensions that existed before it started, naming the reason and nothing else", async () => {
    const p = await newPrincipal();
    await createSuspension(store.pool, {
      targetType: "account",
      target: p.accountId,
      state: "suspended",
      reason: "non_payment",
      note: "invoice 2024-17 unpaid, internal",
      createdBy: "test",
    });
    gate = new SuspensionGate({ store, inFlight, now: () => Date.now() + skewMs });
    await gate.start();
    const error = refusal(() => gate.checkPrincipal(p));
    assert.equal(error?.status, 403);
    assert.equal(error?.code, "account_suspended");
    assert.equal(error?.message, "This account is suspended (reason: non_payment). Contact support.");
    assert.deepEqual(gate.stats().active, { account: 1, key: 0, ip: 0 });
  });

  it("applies a new key suspension from NOTIFY, and unsuspending restores service", async () => {
    const p = await newPrincipal();
    gate.checkPrincipal(p);
    await suspend({ targetType: "key", target: p.keyId, reason: "security" });
    assert.match(
      refusal(() => gate.checkPrincipal(p))?.message ?? "",
      /API key is suspended \(reason: security\)/,
    );
    const sibling = { accountId: p.accountId, keyId: "bbbbbbbbbbbb" };
    gate.checkPrincipal(sibling); // another key of the same account is not affected
    await lift("key", p.keyId);
    gate.checkPrincipal(p);
  });

  it("serves warned targets and counts them; a later suspension supersedes the warning", async () => {
    const p = await newPrincipal();
    await suspend({ targetType: "account", target: p.accountId, reason: "abuse", state: "warned" });
    const before = gate.stats().warningsServed;
    gate.checkPrincipal(p);
    assert.equal(gate.stats().warningsServed, before + 1);
    await suspend({ targetType: "account", target: p.accountId, reason: "abuse" });
    assert.equal(refusal(() => gate.checkPrincipal(p))?.code, "account_suspended");
    await lift("account", p.accountId);
    gate.checkPrincipal(p);
  });

  it("ends in-flight generations of a newly suspended account, and only those", async () => {
    const p = await newPrincipal();
    const other = await newPrincipal();
    const cuts: { who: string; error: ApiError }[] = [];
    for (const who of [p, other]) {
      inFlight.add({
        principal: who,
        ip: "127.0.0.1",
        model: "m",
        cut: (error) => cuts.push({ who: who.accountId, error }),
      });
    }
    await suspend({ targetType: "account", target: p.accountId, reason: "legal" });
    assert.deepEqual(
      cuts.map((c) => [c.who, c.error.status, c.error.code]),
      [[p.accountId, 403, "account_suspended"]],
    );
    assert.equal(inFlight.size, 1);
    assert.equal(gate.stats().cut, 1);
  });

  it("blocks single addresses and ranges, IPv4 and IPv6, and a temporary block says when to retry", async () => {
    gate.checkIp("203.0.113.9");
    await suspend({ targetType: "ip", target: "203.0.113.9", reason: "abuse" });
    const permanent = refusal(() => gate.checkIp("203.0.113.9"));
    assert.equal(permanent?.code, "ip_blocked");
    assert.deepEqual(permanent?.headers, {});
    assert.equal(refusal(() => gate.checkIp("::ffff:203.0.113.9"))?.code, "ip_blocked", "mapped form too");
    gate.checkIp("203.0.113.10");

    await suspend({
      targetType: "ip",
      target: "198.51.100.0/24",
      reason: "security",
      expiresAt: new Date(Date.now() + 600_000),
    });
    const temporary = refusal(() => gate.checkIp("198.51.100.77"));
    assert.match(temporary?.message ?? "", /temporarily blocked \(reason: security\)/);
    const retryAfter = Number(temporary?.headers["retry-after"]);
    assert.ok(retryAfter > 590 && retryAfter <= 600, `Retry-After ${retryAfter}`);
    gate.checkIp("198.51.101.1");

    await suspend({ targetType: "ip", target: "2001:db8::/48", reason: "legal" });
    assert.equal(refusal(() => gate.checkIp("2001:db8:0:1::5"))?.code, "ip_blocked");
    gate.checkIp("2001:db9::1");
    assert.deepEqual(gate.lookup("ip", "2001:db8::/48")?.reason, "legal");
    await lift("ip", "2001:db8::/48");
    gate.checkIp("2001:db8:0:1::5");
  });

  it("ignores forged notifications: a payload cannot lift a suspension or block every address", async () => {
    const p = await newPrincipal();
    const row = await suspend({ targetType: "account", target: p.accountId, reason: "abuse" });
    await forgeNotifications(server.url, "entrim_suspensions", [
      {
        id: row.id,
        targetType: "account",
        target: p.accountId,
        state: "suspended",
        reason: "abuse",
        expiresAt: null,
        lifted: true,
      },
      {
        id: "susp_forged",
        targetType: "ip",
        target: "0.0.0.0/0",
        state: "suspended",
        reason: "abuse",
        expiresAt: null,
        lifted: false,
      },
      "not json",
    ]);
    // Notifications arrive in commit order: once a real change made after the forgeries took effect,
    // the forgeries have been handled too.
    const marker = await newPrincipal();
    await suspend({ targetType: "key", target: marker.keyId, reason: "security" });
    assert.equal(refusal(() => gate.checkPrincipal(p))?.code, "account_suspended", "still suspended");
    assert.equal(
      refusal(() => gate.checkIp("203.0.113.200")),
      undefined,
      "the world is not blocked",
    );
    assert.equal(gate.lookup("ip", "0.0.0.0/0"), undefined);
    await lift("key", marker.keyId);
    await lift("account", p.accountId);
    gate.checkPrincipal(p);
  });

  it("lifts an expired suspension on its own", async () => {
    const p = await newPrincipal();
    await suspend({
      targetType: "account",
      target: p.accountId,
      reason: "abuse",
      expiresAt: new Date(Date.now() + 60_000),
    });
    assert.equal(refusal(() => gate.checkPrincipal(p))?.code, "account_suspended");
    const lifted = applied((n) => n.target === p.accountId && n.lifted);
    skewMs = 61_000;
    try {
      gate.checkPrincipal(p);
      await lifted;
      assert.equal(gate.lookup("account", p.accountId), undefined);
    } finally {
      skewMs = 0;
    }
  });

  it("keeps enforcing while the store is away, and a resync after reconnecting catches up on what it missed", async () => {
    const known = await newPrincipal();
    const missed = await newPrincipal();
    await suspend({ targetType: "account", target: known.accountId, reason: "abuse" });
    // Suspend without a notification (replica role skips triggers): only a resync can learn of it.
    const client = await store.pool.connect();
    await client.query("SET session_replication_role = replica");
    await client.query(
      "INSERT INTO suspensions (id, target_type, account_id, state, reason, created_by) VALUES ($1, 'account', $2, 'suspended', 'security', 'test')",
      [`susp_${randomBytes(8).toString("hex")}`, missed.accountId],
    );
    await client.query("RESET session_replication_role");
    client.release();
    const cuts: string[] = [];
    inFlight.add({ principal: missed, ip: "127.0.0.1", model: "m", cut: (e) => cuts.push(e.code ?? "") });
    gate.checkPrincipal(missed);

    await server.stop();
    assert.equal(refusal(() => gate.checkPrincipal(known))?.code, "account_suspended");
    await assert.rejects(gate.resync("test"), "a resync without a store fails and changes nothing");
    assert.equal(refusal(() => gate.checkPrincipal(known))?.code, "account_suspended");

    const resynced = new Promise((resolve) => gate.once("resync", resolve));
    server = await startEmbeddedPostgres({ dir: join(dataDir, "postgres"), fast: true });
    await resynced;
    assert.equal(refusal(() => gate.checkPrincipal(missed))?.code, "account_suspended");
    assert.deepEqual(cuts, ["account_suspended"], "a suspension learned by resync ends streams too");
    assert.equal(refusal(() => gate.checkPrincipal(known))?.code, "account_suspended");
  });
});
