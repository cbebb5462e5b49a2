import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { DrainProgress__Output } from "@entrim/proto";
import { status } from "@grpc/grpc-js";
import type { AuditAction } from "../../domain/audit-action.js";
import { makeTempDataDir } from "../../test-support/postgres.js";
import type { AuditRecorder } from "../audit.js";
import { DrainController } from "../drain.js";
import { type CallContext, RpcError } from "../rpc.js";
import { nodeDrainMethods } from "./node-drain.js";

let dataDir: string;
before(async () => {
  dataDir = await makeTempDataDir();
});
after(() => rm(dataDir, { recursive: true, force: true }));

class MemoryRecorder implements AuditRecorder {
  readonly entries: AuditAction[] = [];
  async record(action: AuditAction): Promise<void> {
    this.entries.push(action);
  }
}

const context = (signal = new AbortController().signal): CallContext => ({
  operator: { name: "alice", role: "operator" },
  peer: "ipv4:127.0.0.1:5555",
  signal,
});

const isRpc = (code: status, message: RegExp) => (error: unknown) =>
  error instanceof RpcError && error.code === code && message.test(error.message);

let n = 0;
async function setup(load = { inFlight: 0, queued: 0 }) {
  const current = { ...load };
  const drain = await DrainController.open({
    dataDir: `${dataDir}/n${++n}`,
    load: () => current,
    inFlight: { cutWhere: () => 0 },
    retryAfterSeconds: 30,
    defaultDeadlineMs: 300_000,
    pollMs: 5,
  });
  const recorder = new MemoryRecorder();
  const methods = nodeDrainMethods({ drain, recorder, node: "gpu-1", defaultDeadlineSeconds: 300 });
  return { drain, recorder, methods, load: current };
}

describe("NodeService Drain and Undrain", () => {
  it("need the operator role and a reason", async () => {
    const { methods, recorder } = await setup();
    assert.equal(methods.Drain.role, "operator");
    assert.equal(methods.Undrain.role, "operator");
    await assert.rejects(
      methods.Drain.handle({ reason: "  ", deadlineSeconds: 0 }, async () => {}, context()),
      isRpc(status.INVALID_ARGUMENT, /reason/),
    );
    await assert.rejects(
      methods.Undrain.handle({ reason: "" }, context()),
      isRpc(status.INVALID_ARGUMENT, /reason/),
    );
    assert.deepEqual(recorder.entries, [], "nothing happened, nothing to audit");
  });

  it("Drain streams progress until done, audited, with the default deadline for 0", async () => {
    const { methods, recorder, drain, load } = await setup({ inFlight: 1, queued: 0 });
    const sent: DrainProgress__Output[] = [];
    await methods.Drain.handle(
      { reason: "kernel update", deadlineSeconds: 0 },
      async (message) => {
        sent.push(message);
        load.inFlight = 0; // the request in flight finishes once the first progress is out
      },
      context(),
    );
    assert.equal(sent[0]?.state, "NODE_STATE_DRAINING");
    assert.equal(sent[0]?.requestsInFlight, 1);
    assert.deepEqual(sent.at(-1), {
      state: "NODE_STATE_DRAINED",
      requestsInFlight: 0,
      requestsQueued: 0,
      deadlineAtMs: drain.status().deadlineAtMs,
      requestsCutOff: 0,
      done: true,
    });
    assert.equal(drain.status().deadlineAtMs - drain.status().requestedAtMs, 300_000);
    const entry = {
      operator: "alice",
      role: "operator",
      source: "grpc",
      action: "node.drain",
      target: "node:gpu-1",
      reason: "kernel update",
    };
    // Written before the drain acts, then its outcome.
    assert.deepEqual(recorder.entries, [
      { ...entry, result: "started" },
      { ...entry, result: "ok" },
    ]);
  });

  it("does not drain when its audit entry cannot be written", async () => {
    const { drain } = await setup();
    const broken: AuditRecorder = {
      record: async () => {
        throw new Error("the audit log is unreachable");
      },
    };
    const methods = nodeDrainMethods({ drain, recorder: broken, node: "gpu-1", defaultDeadlineSeconds: 300 });
    await assert.rejects(
      methods.Drain.handle({ reason: "kernel update", deadlineSeconds: 0 }, async () => {}, context()),
      /the audit log is unreachable/,
    );
    assert.equal(drain.state, "serving", "no entry, no drain");
    assert.equal(drain.isAccepting(), true);
  });

  it("a cancelled Drain call ends its stream but not the drain", async () => {
    const { methods, drain } = await setup({ inFlight: 1, queued: 0 });
    const cancel = new AbortController();
    await methods.Drain.handle(
      { reason: "r", deadlineSeconds: 60 },
      async () => cancel.abort(), // the client goes away after the first message
      context(cancel.signal),
    );
    assert.equal(drain.state, "draining");
    drain.close();
  });

  it("Undrain returns to serving, and refuses a serving node with FAILED_PRECONDITION", async () => {
    const { methods, recorder, drain } = await setup();
    await assert.rejects(
      methods.Undrain.handle({ reason: "oops" }, context()),
      isRpc(status.FAILED_PRECONDITION, /node gpu-1 is not draining/),
    );
    await drain.drain({ by: "bob", reason: "r" });
    assert.deepEqual(await methods.Undrain.handle({ reason: "done" }, context()), {
      state: "NODE_STATE_SERVING",
    });
    assert.equal(drain.isAccepting(), true);
    assert.deepEqual(
      recorder.entries.map((e) => `${e.action} ${e.target} ${e.reason}: ${e.result}`),
      [
        "node.undrain node:gpu-1 oops: started",
        "node.undrain node:gpu-1 oops: error: node gpu-1 is not draining",
        "node.undrain node:gpu-1 done: started",
        "node.undrain node:gpu-1 done: ok",
      ],
    );
  });
});
