import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openTestStore } from "../test-support/postgres.js";
import {
  type AbuseTrip,
  deleteResolvedFlagsBefore,
  listAbuseFlags,
  resolveAbuseFlag,
  TIMELINE_LIMIT,
  upsertAbuseFlags,
} from "./abuse-flags.js";
import { StoreError } from "./db.js";
import { listPartitions } from "./partitions.js";
import { insertSecurityEvents, listSecurityEvents, type SecurityEvent } from "./security-events.js";
import { runSecurityMaintenance } from "./security-maintenance.js";
import type { Store } from "./store.js";

let store: Store;
let closeStore: () => Promise<void>;

before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

const event = (iso: string, over: Partial<SecurityEvent> = {}): SecurityEvent => ({
  occurredAt: new Date(iso),
  node: "node-a",
  kind: "auth_failure",
  ip: "203.0.113.7",
  accountId: null,
  keyId: null,
  code: "invalid_api_key",
  detail: { status: 401 },
  ...over,
});

describe("security events", () => {
  before(async () => {
    // Maintenance first, so most rows land in day partitions; 2026-11-30 has none and lands in DEFAULT.
    const client = await store.pool.connect();
    try {
      await runSecurityMaintenance(client, 30, new Date("2026-11-22T12:00:00Z"));
    } finally {
      client.release();
    }
    const inserted = await insertSecurityEvents(store.pool, [
      event("2026-11-22T10:00:00Z"),
      event("2026-11-22T11:00:00Z", { ip: "203.0.113.200" }),
      event("2026-11-22T12:00:00Z", { ip: "2001:db8::1" }),
      event("2026-11-23T09:00:00Z", {
        kind: "rate_limited",
        code: "rate_limit_exceeded",
        ip: "198.51.100.4",
        accountId: "acct_aaaaaaaaaaaaaaaa",
        keyId: "abcdefghijkl",
        detail: { status: 429, route: "/v1/chat/completions" },
      }),
      event("2026-11-30T09:00:00Z", {
        kind: "usage_spike",
        code: null,
        ip: null,
        accountId: "acct_aaaaaaaaaaaaaaaa",
      }),
    ]);
    assert.equal(inserted, 5);
  });

  it("are stored in their day's partition, named by the day", async () => {
    const { rows } = await store.pool.query(
      "SELECT tableoid::regclass::text AS part FROM security_events ORDER BY occurred_at",
    );
    assert.deepEqual(
      rows.map((r) => r.part),
      [
        "security_events_20261122",
        "security_events_20261122",
        "security_events_20261122",
        "security_events_20261123",
        "security_events_default",
      ],
    );
  });

  it("are found by account, key, address or network, kind and time, newest first", async () => {
    const ids = (list: { occurredAt: Date }[]) => list.map((e) => e.occurredAt.toISOString().slice(0, 13));
    assert.deepEqual(ids(await listSecurityEvents(store.pool, { accountId: "acct_aaaaaaaaaaaaaaaa" })), [
      "2026-11-30T09",
      "2026-11-23T09",
    ]);
    const [limited] = await listSecurityEvents(store.pool, { keyId: "abcdefghijkl" });
    assert.deepEqual(limited?.detail, { status: 429, route: "/v1/chat/completions" });
    assert.equal(limited?.ip, "198.51.100.4");
    assert.equal(limited?.node, "node-a");
    assert.deepEqual(ids(await listSecurityEvents(store.pool, { ip: "203.0.113.7" })), ["2026-11-22T10"]);
    assert.deepEqual(ids(await listSecurityEvents(store.pool, { ip: "203.0.113.0/24" })), [
      "2026-11-22T11",
      "2026-11-22T10",
    ]);
    assert.deepEqual(ids(await listSecurityEvents(store.pool, { ip: "2001:db8::/32" })), ["2026-11-22T12"]);
    assert.deepEqual(
      ids(
        await listSecurityEvents(store.pool, {
          since: new Date("2026-11-22T11:00:00Z"),
          until: new Date("2026-11-23T09:00:00Z"),
        }),
      ),
      ["2026-11-22T12", "2026-11-22T11"],
      "since is inclusive, until exclusive",
    );
    assert.equal((await listSecurityEvents(store.pool, { kind: "usage_spike" })).length, 1);
    assert.equal((await listSecurityEvents(store.pool, { limit: 2 })).length, 2);
  });

  it("refuse a kind the table does not know", async () => {
    await assert.rejects(
      insertSecurityEvents(store.pool, [event("2026-11-22T10:00:00Z", { kind: "prompt" as "auth_failure" })]),
      (error: { code?: string }) => error.code === "23514",
    );
  });
});

describe("abuse flags", () => {
  const trip = (iso: string, over: Partial<AbuseTrip> = {}): AbuseTrip => ({
    subjectType: "ip",
    subject: "203.0.113.7",
    rule: "auth_failures",
    firstSeen: new Date(iso),
    lastSeen: new Date(iso),
    count: 1,
    evidence: { threshold: 20, windowSeconds: 60, timeline: [{ at: iso, observed: 20 }] },
    ...over,
  });

  it("keep one open flag per subject and rule that counts up, with a bounded timeline", async () => {
    await upsertAbuseFlags(store.pool, [trip("2026-11-23T08:00:00Z")]);
    for (let i = 0; i < TIMELINE_LIMIT + 5; i++) {
      await upsertAbuseFlags(store.pool, [trip(`2026-11-23T09:${String(i).padStart(2, "0")}:00Z`)]);
    }
    await upsertAbuseFlags(store.pool, [trip("2026-11-23T10:00:00Z", { rule: "rate_limited" })]);
    const flags = await listAbuseFlags(store.pool, { open: true });
    assert.equal(flags.length, 2);
    const auth = flags.find((f) => f.rule === "auth_failures")!;
    assert.equal(auth.count, TIMELINE_LIMIT + 6);
    assert.equal(auth.firstSeen.toISOString(), "2026-11-23T08:00:00.000Z");
    assert.equal(auth.lastSeen.toISOString(), "2026-11-23T09:24:00.000Z");
    assert.equal(auth.evidence.timeline?.length, TIMELINE_LIMIT);
    assert.equal(auth.evidence.timeline?.at(-1)?.at, "2026-11-23T09:24:00Z", "the latest entries are kept");
    assert.equal(auth.evidence.threshold, 20);
  });

  it("are resolved once with a note; the next trip opens a new flag", async () => {
    const [open] = await listAbuseFlags(store.pool, { open: true });
    const resolved = await resolveAbuseFlag(store.pool, open!.id, "cli:ops", "  customer load test  ");
    assert.equal(resolved.status, "resolved");
    assert.equal(resolved.resolvedNote, "customer load test");
    const isStoreError = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;
    await assert.rejects(
      resolveAbuseFlag(store.pool, open!.id, "cli:ops", "again"),
      isStoreError("conflict"),
    );
    await assert.rejects(resolveAbuseFlag(store.pool, "999999", "cli:ops", "x"), isStoreError("not_found"));
    await assert.rejects(resolveAbuseFlag(store.pool, "x1", "cli:ops", "x"), isStoreError("invalid"));
    await assert.rejects(resolveAbuseFlag(store.pool, open!.id, "cli:ops", "   "), isStoreError("invalid"));

    await upsertAbuseFlags(store.pool, [trip("2026-11-24T08:00:00Z", { rule: open!.rule })]);
    const all = await listAbuseFlags(store.pool);
    assert.equal(all.filter((f) => f.rule === open!.rule).length, 2);
    assert.equal((await listAbuseFlags(store.pool, { open: true })).length, 2);
  });

  it("resolved ones go with the security retention; open ones stay", async () => {
    const deleted = await deleteResolvedFlagsBefore(store.pool, new Date(Date.now() + 1000));
    assert.equal(deleted, 1);
    assert.equal((await listAbuseFlags(store.pool)).length, 2);
  });
});

describe("security retention", () => {
  it("runs over the real table: DEFAULT drained, partitions ahead, 30 days kept", async () => {
    const client = await store.pool.connect();
    try {
      const report = await runSecurityMaintenance(client, 30, new Date("2026-12-23T00:00:00Z"));
      assert.deepEqual(report.dropped, ["security_events_20261122"]);
      assert.equal(report.drained, 1);
      assert.ok(report.created.includes("security_events_20261130"));
      const parts = await listPartitions(client, "security_events");
      assert.ok(parts.includes("security_events_20261226"), "three days ahead");
      assert.ok(parts.includes("security_events_20261123"), "the day straddling the cutoff stays");
    } finally {
      client.release();
    }
  });
});
