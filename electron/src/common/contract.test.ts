import assert from "node:assert/strict";
import { test } from "node:test";
import { channels } from "./channels.js";
import { clientFrame } from "./wire.js";

test("every channel has its own id", () => {
  const ids = Object.values(channels).map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
});

test("drain requests need a node and a reason; the deadline defaults to the node's", () => {
  const parse = (v: unknown) => channels.drain.request.safeParse(v);
  assert.deepEqual(parse({ node: "gpu-01", reason: "kernel update" }).data, {
    node: "gpu-01",
    reason: "kernel update",
    deadlineSeconds: 0,
  });
  assert.equal(parse({ node: "gpu-01", reason: " " }).success, false);
  assert.equal(parse({ node: "", reason: "kernel update" }).success, false);
  assert.equal(parse({ node: "gpu-01", reason: "kernel update", deadlineSeconds: -1 }).success, false);
  // Unknown keys are refused, not ignored: a confused or hostile page learns nothing by probing.
  assert.equal(parse({ node: "gpu-01", reason: "kernel update", force: true }).success, false);
});

test("profiles need host:port addresses and certificate paths", () => {
  const parse = (v: unknown) => channels.saveProfile.request.safeParse(v);
  const good = {
    name: "prod",
    addresses: ["10.0.0.5:9443", "[::1]:9443"],
    caFile: "ca.pem",
    certFile: "c.pem",
    keyFile: "k.pem",
  };
  assert.equal(parse(good).data?.readOnly, false);
  assert.equal(parse({ ...good, addresses: ["10.0.0.5"] }).success, false);
  assert.equal(parse({ ...good, addresses: [] }).success, false);
  assert.equal(parse({ ...good, addresses: ["http://x:1"] }).success, false);
  assert.equal(parse({ ...good, caFile: "" }).success, false);
});

test("suspensions take only the contract's target types and reasons", () => {
  const parse = (v: unknown) => channels.suspend.request.safeParse(v);
  const good = {
    kind: "suspend",
    targetType: "TARGET_TYPE_IP",
    target: "203.0.113.0/24",
    reason: "SUSPENSION_REASON_ABUSE",
  };
  assert.equal(parse(good).success, true);
  assert.equal(parse({ ...good, targetType: "TARGET_TYPE_UNSPECIFIED" }).success, false);
  assert.equal(parse({ ...good, kind: "delete" }).success, false);
});

test("WebSocket frames are parsed strictly", () => {
  assert.equal(
    clientFrame.safeParse({ type: "call", id: 1, channel: "profiles.list", payload: {} }).success,
    true,
  );
  assert.equal(clientFrame.safeParse({ type: "hello", token: "short" }).success, false);
  assert.equal(clientFrame.safeParse({ type: "call", id: -1, channel: "x", payload: {} }).success, false);
  assert.equal(clientFrame.safeParse({ type: "eval", code: "1" }).success, false);
});
