import assert from "node:assert/strict";
import { test } from "node:test";
import { UnshippedSpend } from "./unshipped-spend.js";

const event = (requestId: string, accountId: string, costPicoEur: bigint) => ({
  requestId,
  accountId,
  costPicoEur,
});

test("spend counts from the spool until a read that began after its shipment is applied", () => {
  const spend = new UnshippedSpend();
  spend.recorded(event("r1", "acct_a", 5n));
  spend.recorded(event("r2", "acct_a", 7n));
  spend.recorded(event("r1", "acct_a", 5n)); // the same request twice is one cost
  assert.equal(spend.of("acct_a"), 12n);

  const before = spend.mark(); // a read begins before r1 ships: it cannot count r1
  spend.shippedEvents([{ requestId: "r1" }]);
  spend.settle(before);
  assert.equal(spend.of("acct_a"), 12n, "still waiting for a read that counts r1");

  const after = spend.mark();
  spend.shippedEvents([{ requestId: "r2" }]);
  spend.settle(after);
  assert.equal(spend.of("acct_a"), 7n, "r1 is in the store's figure now; r2 shipped during the read");
  spend.settle(spend.mark());
  assert.equal(spend.of("acct_a"), 0n);
});

test("free requests, untracked accounts and events from before a restart cost nothing here", () => {
  const spend = new UnshippedSpend((account) => account === "acct_prepaid");
  spend.recorded(event("r1", "acct_postpaid", 9n));
  spend.recorded(event("r2", "acct_prepaid", 0n));
  spend.shippedEvents([{ requestId: "from-before-restart" }]);
  spend.settle(spend.mark());
  assert.equal(spend.of("acct_postpaid"), 0n);
  assert.equal(spend.of("acct_prepaid"), 0n);
});

test("an event the spool refused is billed nowhere and leaves the local count", () => {
  const spend = new UnshippedSpend();
  spend.recorded(event("r1", "acct_a", 5n));
  spend.recorded(event("r2", "acct_a", 7n));
  spend.dropped("r1");
  spend.dropped("unknown");
  assert.equal(spend.of("acct_a"), 7n);
  spend.shippedEvents([{ requestId: "r1" }, { requestId: "r2" }]);
  spend.settle(spend.mark());
  assert.equal(spend.of("acct_a"), 0n);
});
