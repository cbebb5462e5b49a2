import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { ListAuditRequest__Output, ListAuditResponse, VerifyAuditResponse } from "@entrim/proto";
import { status } from "@grpc/grpc-js";
import { auditCheckpointKey } from "../../store/audit-hash.js";
import { StoreAuditRecorder } from "../../store/audit-recorder.js";
import { openTestStore, type TestStore } from "../../test-support/postgres.js";
import { auditedChange } from "../audit.js";
import { type CallContext, RpcError, type UnaryMethod } from "../rpc.js";
import { auditService } from "./audit.js";

let test: TestStore;
const key = auditCheckpointKey(randomBytes(32));
const context: CallContext = {
  operator: { name: "alice", role: "operator" },
  peer: "ipv4:127.0.0.1:5000",
  signal: new AbortController().signal,
};
const request = (overrides: Partial<ListAuditRequest__Output> = {}): ListAuditRequest__Output => ({
  operator: "",
  action: "",
  target: "",
  sinceMs: 0,
  untilMs: 0,
  limit: 0,
  node: "",
  ...overrides,
});

before(async () => {
  test = await openTestStore();
  // Two state-changing gRPC calls through the seam the other services use: one works, one fails.
  const recorder = new StoreAuditRecorder(test.store, "gpu-01", key);
  const entry = { action: "node.drain", target: "node:gpu-01", reason: "kernel update" };
  await auditedChange(recorder, test.store.pool, context, entry, async () => "drained");
  await assert.rejects(
    auditedChange(
      recorder,
      test.store.pool,
      context,
      { ...entry, action: "key.revoke", target: "key:abc" },
      async () => {
        throw new Error("no such key");
      },
    ),
    /no such key/,
  );
});
after(async () => {
  await test.close();
});

describe("AuditService", () => {
  const service = () => auditService({ store: test.store, key });
  const list = (r: ListAuditRequest__Output) =>
    (service().methods.ListAudit as UnaryMethod<ListAuditRequest__Output, ListAuditResponse>).handle(
      r,
      context,
    );

  it("is open to viewers and implements the contract's methods", () => {
    const s = service();
    assert.equal(s.name, "entrim.agent.v1.AuditService");
    assert.deepEqual(Object.keys(s.methods).sort(), Object.keys(s.definition).sort());
    for (const method of Object.values(s.methods)) assert.equal(method.role, "viewer");
  });

  it("lists what auditedChange() recorded, newest first, in the contract's shape", async () => {
    const { entries } = await list(request());
    assert.equal(entries?.length, 2);
    const [failed, ok] = entries!;
    assert.equal(failed!.seq, "2");
    assert.equal(failed!.result, "error: no such key");
    assert.equal(failed!.prevHash, ok!.hash);
    assert.deepEqual(
      { ...ok, atMs: typeof ok!.atMs, hash: ok!.hash?.length },
      {
        seq: "1",
        atMs: "number",
        operator: "alice",
        role: "operator",
        source: "grpc",
        action: "node.drain",
        target: "node:gpu-01",
        reason: "kernel update",
        result: "ok",
        node: "gpu-01",
        hash: 64,
        prevHash: "0".repeat(64),
      },
    );
    assert.deepEqual(
      (await list(request({ action: "key.", limit: 5 }))).entries?.map((e) => e.seq),
      ["2"],
    );
    const future = Date.now() + 60_000;
    assert.deepEqual((await list(request({ sinceMs: future }))).entries, []);
  });

  it("refuses limits and times it cannot honour", async () => {
    const invalid = (error: unknown) => error instanceof RpcError && error.code === status.INVALID_ARGUMENT;
    await assert.rejects(list(request({ limit: 1001 })), invalid);
    await assert.rejects(list(request({ sinceMs: -1 })), invalid);
    await assert.rejects(list(request({ sinceMs: 2000, untilMs: 1000 })), invalid);
    assert.equal((await list(request({ limit: 1000 }))).entries?.length, 2);
  });

  it("verifies the chain", async () => {
    const verify = service().methods.VerifyAudit as UnaryMethod<object, VerifyAuditResponse>;
    assert.deepEqual(await verify.handle({}, context), {
      ok: true,
      entries: 2,
      firstBadSeq: "",
      problem: "",
      checkpointSeq: "0",
    });
  });
});
