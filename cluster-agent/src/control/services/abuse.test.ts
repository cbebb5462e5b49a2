import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type {
  SuspensionChange__Output as SuspensionChange,
  Suspension__Output as WireSuspension,
} from "@entrim/proto";
import { status } from "@grpc/grpc-js";
import { SuspensionGate } from "../../admission/suspensions.js";
import type { AuditAction } from "../../domain/audit-action.js";
import { createAccount } from "../../store/accounts.js";
import { insertSecurityEvents } from "../../store/security-events.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import type { AuditRecorder } from "../audit.js";
import { type CallContext, RpcError, type StreamMethod, type UnaryMethod } from "../rpc.js";
import { abuseService } from "./abuse.js";

let t: TestStore;
let gate: SuspensionGate;
const recorded: AuditAction[] = [];
const recorder: AuditRecorder = { record: async (a) => void recorded.push(a) };

function context(
  role: "viewer" | "operator" | "admin" = "operator",
  name = "otto",
): CallContext & {
  cancel(): void;
} {
  const controller = new AbortController();
  return {
    operator: { name, role },
    peer: "test",
    signal: controller.signal,
    cancel: () => controller.abort(),
  };
}

before(async () => {
  t = await openTestStore();
  gate = new SuspensionGate({ store: t.store });
  await gate.start();
});

after(async () => {
  await gate.stop();
  await t.close();
});

describe("abuse service", () => {
  const service = () => abuseService({ store: t.store, suspensions: gate, recorder, securityPollMs: 20 });
  const unary = <Req, Res>(name: string) => service().methods[name] as UnaryMethod<Req, Res>;

  it("suspends, lists, lifts by id, and records each change with the operator and reason", async () => {
    const account = await createAccount(t.store.pool, { name: "Spammer", email: "spam@example.com" });
    const suspend = unary<object, WireSuspension>("Suspend");
    const made = await suspend.handle(
      {
        targetType: "TARGET_TYPE_ACCOUNT",
        target: account.id,
        reason: "SUSPENSION_REASON_ABUSE",
        expiresInSeconds: 3600,
        note: "phishing pages",
      },
      context(),
    );
    assert.equal(made.state, "SUSPENSION_STATE_SUSPENDED");
    assert.equal(made.createdBy, "otto");
    assert.ok(made.expiresAtMs > Date.now());

    const listed = await unary<object, { suspensions: WireSuspension[] }>("ListSuspensions").handle(
      { activeOnly: true, targetType: "TARGET_TYPE_ACCOUNT", target: account.id, limit: 0 },
      context("viewer"),
    );
    assert.deepEqual(
      listed.suspensions.map((s) => s.id),
      [made.id],
    );

    const lifted = await unary<object, WireSuspension>("Unsuspend").handle(
      { id: made.id, reason: "paid and apologised", targetType: "TARGET_TYPE_UNSPECIFIED", target: "" },
      context(),
    );
    assert.equal(lifted.active, false);
    assert.equal(lifted.liftedBy, "otto");
    assert.deepEqual(
      recorded.slice(-2).map((a) => [a.action, a.target, a.operator, a.role, a.result]),
      [
        ["suspension.create", `account:${account.id}`, "otto", "operator", "ok"],
        ["suspension.lift", `account:${account.id}`, "otto", "operator", "ok"],
      ],
    );
  });

  it("answers bad requests with INVALID_ARGUMENT or NOT_FOUND, and records failed changes", async () => {
    const suspend = unary<object, WireSuspension>("Suspend");
    const invalid = (error: unknown) => error instanceof RpcError && error.code === status.INVALID_ARGUMENT;
    await assert.rejects(
      suspend.handle(
        { targetType: "TARGET_TYPE_UNSPECIFIED", target: "x", reason: "SUSPENSION_REASON_ABUSE" },
        context(),
      ),
      invalid,
    );
    await assert.rejects(
      suspend.handle(
        { targetType: "TARGET_TYPE_IP", target: "", reason: "SUSPENSION_REASON_ABUSE" },
        context(),
      ),
      invalid,
    );
    await assert.rejects(
      suspend.handle(
        { targetType: "TARGET_TYPE_IP", target: "10.0.0.0/8", reason: "SUSPENSION_REASON_UNSPECIFIED" },
        context(),
      ),
      invalid,
    );
    await assert.rejects(
      unary("Unsuspend").handle(
        { id: "susp_nope", reason: "x", targetType: "TARGET_TYPE_UNSPECIFIED", target: "" },
        context(),
      ),
      (error: unknown) => error instanceof RpcError && error.code === status.NOT_FOUND,
    );
    await assert.rejects(
      unary("Unsuspend").handle(
        { id: "", reason: " ", targetType: "TARGET_TYPE_IP", target: "10.0.0.1" },
        context(),
      ),
      invalid,
    );
    // The store refuses an unknown account; the attempt is still in the audit log.
    await assert.rejects(
      suspend.handle(
        { targetType: "TARGET_TYPE_ACCOUNT", target: "acct_ghost", reason: "SUSPENSION_REASON_ABUSE" },
        context(),
      ),
    );
    assert.match(recorded.at(-1)!.result, /^error: /);
  });

  it("warns a network, and streams the change to watchers", async () => {
    const watch = service().methods.WatchSuspensions as StreamMethod<object, SuspensionChange>;
    const ctx = context("viewer", "vera");
    const seen: SuspensionChange[] = [];
    // The lift from the test before may still reach watchers (caches re-read what a notification
    // names): wait for this network's change, not the first one.
    const first = new Promise<void>((resolve) => {
      void watch.handle(
        {},
        async (change) => {
          if (change.suspension?.target !== "203.0.113.0/24") return;
          seen.push(change);
          resolve();
        },
        ctx,
      );
    });
    const warned = await unary<object, WireSuspension>("Warn").handle(
      { targetType: "TARGET_TYPE_IP", target: "203.0.113.0/24", reason: "SUSPENSION_REASON_SECURITY" },
      context(),
    );
    assert.equal(warned.state, "SUSPENSION_STATE_WARNED");
    await first;
    ctx.cancel();
    assert.equal(seen[0]?.change, "created");
    assert.equal(seen[0]?.suspension?.id, warned.id);
    assert.equal(seen[0]?.suspension?.target, "203.0.113.0/24");
  });

  it("lists and watches security events without their content", async () => {
    const watch = service().methods.WatchSecurityEvents as StreamMethod<object, { kind: string; ip: string }>;
    const ctx = context("viewer");
    const got = new Promise<{ kind: string; ip: string }>((resolve) => {
      void watch.handle({ kind: "auth_failure" }, async (event) => resolve(event), ctx);
    });
    await insertSecurityEvents(t.store.pool, [
      {
        occurredAt: new Date(),
        node: "n1",
        kind: "auth_failure",
        ip: "198.51.100.7",
        accountId: null,
        keyId: null,
        code: "invalid_api_key",
        detail: { reason: "unknown" },
      },
    ]);
    const event = await got;
    ctx.cancel();
    assert.equal(event.ip, "198.51.100.7");
    const listed = await unary<object, { events: { detailJson: string }[] }>("ListSecurityEvents").handle(
      { accountId: "", keyId: "", ip: "198.51.100.0/24", kind: "", sinceMs: 0, untilMs: 0, limit: 10 },
      context("viewer"),
    );
    assert.equal(listed.events.length, 1);
    assert.deepEqual(JSON.parse(listed.events[0]!.detailJson), { reason: "unknown" });
    await assert.rejects(
      unary("ListSecurityEvents").handle(
        { kind: "nonsense", limit: 0, sinceMs: 0, untilMs: 0 },
        context("viewer"),
      ),
      RpcError,
    );
    await assert.rejects(
      unary("ListSecurityEvents").handle(
        { kind: "", limit: 5000, sinceMs: 0, untilMs: 0 },
        context("viewer"),
      ),
      /at most 1000/,
    );
  });
  it("does not create a suspension whose audit entry cannot be written", async () => {
    const broken: AuditRecorder = {
      record: async () => {
        throw new Error("the audit log is unreachable");
      },
    };
    const suspend = abuseService({ store: t.store, suspensions: gate, recorder: broken }).methods
      .Suspend as UnaryMethod<object, WireSuspension>;
    await assert.rejects(
      suspend.handle(
        { targetType: "TARGET_TYPE_IP", target: "198.51.100.7", reason: "SUSPENSION_REASON_ABUSE" },
        context(),
      ),
      /the audit log is unreachable/,
    );
    const rows = await t.store.pool.query("SELECT id FROM suspensions WHERE network = '198.51.100.7/32'");
    assert.equal(rows.rowCount, 0, "no entry, no suspension");
  });

  it("lets only an admin suspend networks wider than /16 (IPv4) or /32 (IPv6)", async () => {
    const suspend = unary<object, WireSuspension>("Suspend");
    const denied = (error: unknown) =>
      error instanceof RpcError &&
      error.code === status.PERMISSION_DENIED &&
      /needs the admin role/.test(error.message);
    for (const target of ["10.0.0.0/8", "172.16.0.0/15", "2001:db8::/31"])
      await assert.rejects(
        suspend.handle(
          { targetType: "TARGET_TYPE_IP", target, reason: "SUSPENSION_REASON_ABUSE" },
          context("operator"),
        ),
        denied,
        target,
      );
    const open = await t.store.pool.query(
      "SELECT id FROM suspensions WHERE network = '10.0.0.0/8' AND lifted_at IS NULL",
    );
    assert.equal(open.rowCount, 0);
    // A /16 is an operator's to suspend; a /8 an admin's.
    const narrow = await suspend.handle(
      { targetType: "TARGET_TYPE_IP", target: "10.1.0.0/16", reason: "SUSPENSION_REASON_ABUSE" },
      context("operator"),
    );
    assert.equal(narrow.active, true);
    const wide = await suspend.handle(
      { targetType: "TARGET_TYPE_IP", target: "10.0.0.0/8", reason: "SUSPENSION_REASON_ABUSE" },
      context("admin", "ada"),
    );
    assert.equal(wide.target, "10.0.0.0/8");
  });
});
