import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../common/errors.js";
import { type InFlightRequest, InFlightRequests } from "./in-flight.js";

const suspended = new ApiError(403, "access_terminated", "suspended", null, "account_suspended");

/** A request of `account` that records the error it was cut with. */
function request(account: string, cuts: string[]): InFlightRequest {
  return {
    principal: { accountId: account, keyId: `key_${account}` },
    ip: "192.0.2.1",
    model: "tiny",
    cut: (error) => cuts.push(`${account}:${error.code}`),
  };
}

test("entries leave in any order, each exactly once, and a cut reaches only the ones that match", () => {
  const registry = new InFlightRequests();
  const cuts: string[] = [];
  const names = ["a", "b", "c", "d", "e"];
  const leave = new Map(names.map((name) => [name, registry.add(request(name, cuts))]));
  assert.equal(registry.size, 5);

  // The middle one, the first, the last: each takes the last one's place, or is the last.
  leave.get("c")!();
  leave.get("a")!();
  leave.get("e")!();
  assert.equal(registry.size, 2);
  // Leaving twice (a request that was cut also unregisters when it ends) changes nothing.
  leave.get("c")!();
  assert.equal(registry.size, 2);

  assert.equal(
    registry.cutWhere((entry) => entry.principal.accountId === "d", suspended),
    1,
  );
  assert.deepEqual(cuts, ["d:account_suspended"]);
  assert.equal(registry.size, 1);
  // The cut request's own unregister, when it ends, must not take another entry out.
  leave.get("d")!();
  assert.equal(registry.size, 1);

  assert.equal(
    registry.cutWhere(() => true, suspended),
    1,
  );
  assert.deepEqual(cuts, ["d:account_suspended", "b:account_suspended"]);
  assert.equal(registry.size, 0);
  leave.get("b")!();
  assert.equal(registry.size, 0);
});

test("many requests coming and going leave exactly the ones still running", () => {
  const registry = new InFlightRequests();
  const cuts: string[] = [];
  const running = new Map<number, () => void>();
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 5000; i++) {
    if (running.size > 0 && random() < 0.5) {
      const ids = [...running.keys()];
      const id = ids[Math.floor(random() * ids.length)]!;
      running.get(id)!();
      running.delete(id);
    } else {
      running.set(i, registry.add(request(`acct${i}`, cuts)));
    }
    assert.equal(registry.size, running.size);
  }
  const cut = registry.cutWhere(() => true, suspended);
  assert.equal(cut, running.size);
  assert.deepEqual(
    cuts.map((c) => Number(c.slice(4, c.indexOf(":")))).sort((a, b) => a - b),
    [...running.keys()].sort((a, b) => a - b),
  );
});
