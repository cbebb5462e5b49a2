import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, beforeEach, describe, it } from "node:test";
import { listAbuseFlags } from "../store/abuse-flags.js";
import type { Db } from "../store/db.js";
import { listSecurityEvents } from "../store/security-events.js";
import { openStore, type Store } from "../store/store.js";
import { makeTempDataDir, startTestPostgres, type TestPostgres } from "../test-support/postgres.js";
import type { AbuseRulesConfig } from "./abuse-rules.js";
import { classifyAuthFailure, classifyRefusal, SecurityEventsGate } from "./security-events.js";
import { normalizeIp, SecurityEventRecorder, safeDetail } from "./security-recorder.js";

describe("classification", () => {
  it("maps refusals by status and code, leaving auth codes to onAuthFailure", () => {
    const cases: [number, string | null, string | undefined][] = [
      [401, "invalid_api_key", undefined],
      [401, "missing_api_key", undefined],
      [403, "account_inactive", undefined],
      [403, "account_suspended", "suspended_access"],
      [403, "ip_blocked", "suspended_access"],
      [429, "rate_limit_exceeded", "rate_limited"],
      [429, "insufficient_quota", "rate_limited"],
      [413, "request_too_large", "oversized_request"],
      [400, "invalid_json", "malformed_request"],
      [400, "invalid_value", "malformed_request"],
      [400, "unrecognized_argument", "malformed_request"],
      [400, null, "malformed_request"],
      [415, "unsupported_media_type", "malformed_request"],
      [400, "context_length_exceeded", undefined],
      [404, "model_not_found", undefined],
      [404, "unknown_url", undefined],
      [503, "node_unavailable", undefined],
      [500, null, undefined],
    ];
    for (const [status, code, kind] of cases)
      assert.equal(classifyRefusal(status, code), kind, `${status} ${code}`);
  });

  it("tells revoked keys and inactive accounts from plain failures", () => {
    assert.deepEqual(classifyAuthFailure("revoked"), { kind: "revoked_key", code: "invalid_api_key" });
    assert.deepEqual(classifyAuthFailure("account_inactive"), {
      kind: "suspended_access",
      code: "account_inactive",
    });
    assert.deepEqual(classifyAuthFailure("missing"), { kind: "auth_failure", code: "missing_api_key" });
    assert.deepEqual(classifyAuthFailure("unknown"), { kind: "auth_failure", code: "invalid_api_key" });
  });

  it("keeps only numbers, booleans and identifier-like strings in details, and real addresses", () => {
    assert.deepEqual(
      safeDetail({ status: 400, route: "/v1/chat/completions", note: "hello world", n: Number.NaN }),
      {
        status: 400,
        route: "/v1/chat/completions",
      },
    );
    assert.equal(normalizeIp("::ffff:127.0.0.1"), "127.0.0.1");
    assert.equal(normalizeIp("2001:db8::1"), "2001:db8::1");
    assert.equal(normalizeIp("not an ip"), null);
  });
});

describe("recorder and gate over a real store", () => {
  let server: TestPostgres;
  let dataDir: string;
  let store: Store;
  /** The store as the recorder sees it; `down` makes every query fail as a lost connection would. */
  let down = false;
  let queries = 0;
  let db: Db;
  let clock = Date.UTC(2026, 10, 23, 8, 0, 0);
  const rules: AbuseRulesConfig = {
    authFailures: { threshold: 3, windowSeconds: 60 },
    rateLimited: { threshold: 2, windowSeconds: 60 },
    suspendedAccess: { threshold: 10, windowSeconds: 60 },
    usageSpike: { factor: 3, minTokens: 100, warmupMinutes: 1, alpha: 0.5 },
  };
  const newGate = (bufferLimit = 100) => {
    const recorder = new SecurityEventRecorder({
      store: { pool: db },
      node: "node-t",
      bufferLimit,
      now: () => clock,
    });
    return { recorder, gate: new SecurityEventsGate({ recorder, rules, now: () => clock }) };
  };

  before(async () => {
    server = await startTestPostgres();
    dataDir = await makeTempDataDir();
    store = await openStore({ databaseUrl: server.url, dataDir });
    db = {
      query: (...args: unknown[]) => {
        queries++;
        if (down)
          return Promise.reject(Object.assign(new Error("connection lost"), { code: "ECONNREFUSED" }));
        return (store.pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    } as unknown as Db;
  });
  after(async () => {
    await store.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    down = false;
    await store.pool.query("TRUNCATE security_events, abuse_flags");
  });

  it("records refusals with metadata only and writes a flush as one statement", async () => {
    const { recorder, gate } = newGate();
    gate.onAuthFailure("127.0.0.1", "unknown");
    gate.onAuthFailure("127.0.0.1", "revoked");
    gate.onRefused({
      ip: "127.0.0.1",
      principal: null,
      status: 401,
      code: "invalid_api_key",
      route: "/v1/models",
    });
    gate.onRefused({
      ip: "127.0.0.1",
      principal: null,
      status: 404,
      code: "unknown_url",
      route: "unmatched",
    });
    const principal = { accountId: "acct_bbbbbbbbbbbbbbbb", keyId: "bbbbbbbbbbbb" };
    gate.onRefused({
      ip: "::ffff:10.1.2.3",
      principal,
      status: 413,
      code: "request_too_large",
      route: "/v1/completions",
    });
    queries = 0;
    await recorder.flush();
    assert.equal(queries, 1);
    const events = await listSecurityEvents(store.pool, {});
    assert.deepEqual(events.map((e) => [e.kind, e.code, e.ip, e.keyId]).reverse(), [
      ["auth_failure", "invalid_api_key", "127.0.0.1", null],
      ["revoked_key", "invalid_api_key", "127.0.0.1", null],
      ["oversized_request", "request_too_large", "10.1.2.3", "bbbbbbbbbbbb"],
    ]);
    assert.deepEqual(events[0]?.detail, { status: 413, route: "/v1/completions" });
    assert.equal(events[0]?.node, "node-t");
  });

  it("flags an IP once its auth failures reach the threshold, counting up on the same open flag", async () => {
    const { recorder, gate } = newGate();
    for (let i = 0; i < 6; i++) gate.onAuthFailure("198.51.100.9", "unknown");
    await recorder.flush();
    const [flag, ...rest] = await listAbuseFlags(store.pool, { open: true });
    assert.equal(rest.length, 0);
    assert.equal(flag?.rule, "auth_failures");
    assert.equal(`${flag?.subjectType}:${flag?.subject}`, "ip:198.51.100.9");
    assert.equal(flag?.count, 2);
    assert.equal(flag?.evidence.threshold, 3);
    assert.equal(flag?.evidence.timeline?.length, 2);
    assert.equal((await listSecurityEvents(store.pool, { kind: "abuse_flagged" })).length, 2);
  });

  it("turns a token spike against the account's baseline into an event and a flag", async () => {
    const { recorder, gate } = newGate();
    const request = {
      principal: { accountId: "acct_cccccccccccccccc", keyId: "cccccccccccc" },
      ip: "127.0.0.1",
      model: "tiny",
      promptTokens: 10,
      maxTokens: 10,
    };
    const settle = (tokens: number) =>
      gate
        .reserve(request)!
        .settle({ promptTokens: tokens / 2, completionTokens: tokens / 2, cachedTokens: 0 });
    settle(100);
    clock += 60_000;
    settle(200);
    gate.reserve(request)!.settle(null);
    settle(200);
    await recorder.flush();
    const [spike] = await listSecurityEvents(store.pool, { kind: "usage_spike" });
    assert.equal(spike?.accountId, "acct_cccccccccccccccc");
    assert.deepEqual(spike?.detail, { tokens: 400, baselineTokensPerMinute: 100, factor: 3 });
    const [flag] = await listAbuseFlags(store.pool);
    assert.equal(flag?.rule, "usage_spike");
  });

  it("keeps events while the store is away, drops the oldest beyond its bound, and catches up", async () => {
    const { recorder, gate } = newGate(100);
    down = true;
    for (let i = 0; i < 150; i++) {
      gate.onRefused({
        ip: "127.0.0.1",
        principal: null,
        status: 400,
        code: "invalid_json",
        route: "/v1/chat/completions",
      });
      clock += 1;
    }
    await recorder.flush();
    assert.deepEqual(
      { buffered: recorder.stats.buffered, dropped: recorder.stats.dropped, stored: recorder.stats.stored },
      { buffered: 100, dropped: 50, stored: 0 },
    );
    down = false;
    await recorder.flush();
    const events = await listSecurityEvents(store.pool, { limit: 1000 });
    assert.equal(events.length, 100);
    assert.equal(recorder.stats.buffered, 0);
    // The newest 100 survived.
    assert.equal(events.at(-1)!.occurredAt.getTime(), clock - 100);
  });

  it("drops only the rows the store refuses as invalid, so one bad event cannot block the rest", async () => {
    const { recorder } = newGate();
    recorder.record({ kind: "ip_blocked", ip: "192.0.2.1", detail: { failures: 20 } });
    recorder.record({ kind: "not_a_kind" as "ip_blocked", ip: "192.0.2.2" });
    recorder.record({ kind: "ip_unblocked", ip: "192.0.2.1" });
    await recorder.flush();
    assert.equal(recorder.stats.rejected, 1);
    assert.deepEqual(
      (await listSecurityEvents(store.pool)).map((e) => e.kind),
      ["ip_unblocked", "ip_blocked"],
    );
  });
});
