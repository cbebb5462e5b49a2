import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { dropCachedPromptsOnSanctions, type SanctionNotice } from "./cache-drops.js";
import type { Runtime } from "./types.js";

function setup() {
  const dropped: string[] = [];
  const caching = { dropScope: async (scope: string) => void dropped.push(scope) } as unknown as Runtime;
  // An external runtime has no cache and no dropScope: it is skipped, not an error.
  const plain = {} as Runtime;
  const suspensions = new EventEmitter();
  const keys = new EventEmitter();
  dropCachedPromptsOnSanctions({ runtimes: () => [caching, plain], suspensions, keys });
  return { dropped, suspensions, keys };
}

// Shaped like admission's SuspensionNotice, which the suspension gate emits.
const notice = (extra: Partial<SanctionNotice>): SanctionNotice & Record<string, unknown> => ({
  id: "s1",
  targetType: "account",
  target: "acct-1",
  state: "suspended",
  reason: "abuse",
  expiresAt: null,
  lifted: false,
  ...extra,
});

test("an account suspension drops that account's cached prompts; warnings, lifts, keys and IPs do not", () => {
  const { dropped, suspensions } = setup();
  suspensions.emit("applied", notice({}));
  suspensions.emit("applied", notice({ target: "acct-2", state: "warned" }));
  suspensions.emit("applied", notice({ target: "acct-3", lifted: true }));
  suspensions.emit("applied", notice({ targetType: "key", target: "key-1" }));
  suspensions.emit("applied", notice({ targetType: "ip", target: "10.0.0.1/32" }));
  assert.deepEqual(dropped, ["acct-1"]);
});

test("a restricted or closed (erased) account's cached prompts are dropped; key changes do not", () => {
  const { dropped, keys } = setup();
  keys.emit("change", { kind: "account", id: "acct-r", status: "restricted" });
  keys.emit("change", { kind: "account", id: "acct-c", status: "closed" });
  keys.emit("change", { kind: "account", id: "acct-a", status: "active" });
  keys.emit("change", { kind: "key", id: "k", accountId: "acct-k", op: "update", revoked: true });
  assert.deepEqual(dropped, ["acct-r", "acct-c"]);
});
