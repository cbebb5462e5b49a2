import assert from "node:assert/strict";
import { test } from "node:test";
import { type NodeHealth, type NodeHealthInput, nodeHealth } from "./health.js";

const drainRecord = { by: "ops", reason: "kernel update", requestedAt: 1, deadlineAt: 2 };
const draining = {
  state: "draining" as const,
  reason: "draining by ops: kernel update",
  record: drainRecord,
};

const cases: { name: string; input: NodeHealthInput; expect: NodeHealth }[] = [
  {
    name: "a healthy node serves and is ready",
    input: {},
    expect: {
      registry: { state: "ready", stateReason: "", drain: null },
      control: { state: "NODE_STATE_SERVING", stateReason: "" },
      readiness: { ready: true },
    },
  },
  {
    name: "a region refusal outranks a drain and keeps the drain record",
    input: { regionRefusal: "region eu-x is not allowed", drain: draining },
    expect: {
      registry: { state: "refusing", stateReason: "region eu-x is not allowed", drain: drainRecord },
      control: { state: "NODE_STATE_REFUSING", stateReason: "region eu-x is not allowed" },
      readiness: { ready: false, reason: undefined },
    },
  },
  {
    name: "a drain is reported with its reason and makes the node not ready",
    input: { drain: draining, storeConnected: false },
    expect: {
      registry: { state: "draining", stateReason: "draining by ops: kernel update", drain: drainRecord },
      control: { state: "NODE_STATE_DRAINING", stateReason: "draining by ops: kernel update" },
      readiness: { ready: false, reason: undefined },
    },
  },
  {
    name: "a serving drain controller is plain serving, with no drain record",
    input: { drain: { state: "serving", reason: "", record: null } },
    expect: {
      registry: { state: "ready", stateReason: "", drain: null },
      control: { state: "NODE_STATE_SERVING", stateReason: "" },
      readiness: { ready: true },
    },
  },
  {
    name: "store away, spool alarm and a failing engine degrade the control state; still ready",
    input: {
      storeConnected: false,
      spoolAlarm: true,
      runtimes: [
        { id: "a", ok: true, detail: "" },
        { id: "b", ok: false, detail: "connection refused" },
      ],
    },
    expect: {
      registry: { state: "ready", stateReason: "", drain: null },
      control: {
        state: "NODE_STATE_DEGRADED",
        stateReason:
          "the cluster store is unreachable (serving known keys; usage waits in the spool); usage events are backing up in the spool; model b is not answering: connection refused",
      },
      readiness: { ready: true },
    },
  },
  {
    name: "an unwritable spool is named instead of its alarm, and its refusal makes the node not ready",
    input: { spoolWriteError: "ENOSPC", spoolAlarm: true, refusal: { code: "spool_unwritable" } },
    expect: {
      registry: { state: "ready", stateReason: "", drain: null },
      control: {
        state: "NODE_STATE_DEGRADED",
        stateReason:
          "usage events cannot be written to the spool (ENOSPC); new requests are refused until its disk takes writes",
      },
      readiness: { ready: false, reason: "spool_unwritable" },
    },
  },
  {
    name: "loaded models that all fail to answer: not ready, model_unavailable",
    input: { modelsReady: true, anyModelAnswering: false },
    expect: {
      registry: { state: "ready", stateReason: "", drain: null },
      control: { state: "NODE_STATE_SERVING", stateReason: "" },
      readiness: { ready: false, reason: "model_unavailable" },
    },
  },
  {
    name: "a model not loaded yet: degraded and not ready, without a reason code",
    input: { modelsReady: false, anyModelAnswering: false },
    expect: {
      registry: { state: "ready", stateReason: "", drain: null },
      control: { state: "NODE_STATE_DEGRADED", stateReason: "a model is not loaded" },
      readiness: { ready: false, reason: undefined },
    },
  },
  {
    name: "not accepting traffic (as the API is told) is not ready",
    input: { accepting: false },
    expect: {
      registry: { state: "ready", stateReason: "", drain: null },
      control: { state: "NODE_STATE_SERVING", stateReason: "" },
      readiness: { ready: false, reason: undefined },
    },
  },
];

for (const { name, input, expect } of cases) {
  test(`node health: ${name}`, () => {
    assert.deepEqual(nodeHealth(input), expect);
  });
}
