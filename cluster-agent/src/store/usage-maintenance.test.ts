import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { insertUsageEvent } from "../test-support/data-protection.js";
import { openTestStore } from "../test-support/postgres.js";
import { createAccount } from "./accounts.js";
import { addCredit, prepaidBalances, setBillingMode } from "./credit.js";
import { listPartitions } from "./partitions.js";
import { startSecurityMaintenance } from "./security-maintenance.js";
import type { Store } from "./store.js";
import {
  invoiceRetentionCutoff,
  mustKeepInvoice,
  runUsageMaintenance,
  startUsageMaintenance,
} from "./usage-maintenance.js";

let store: Store;
let closeStore: () => Promise<void>;

before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

const retention = { usageDays: 90, taxYears: 10 };
const at = (iso: string) => new Date(iso);

async function requestTimes(): Promise<string[]> {
  const result = await store.pool.query<{ received_at: Date }>(
    "SELECT received_at FROM usage_events ORDER BY received_at",
  );
  return result.rows.map((r) => r.received_at.toISOString());
}

describe("usage retention", () => {
  it("keeps exactly 90 days: whole older days dropped, the straddling day trimmed", async () => {
    // Maintenance at 2026-06-30 12:00 UTC: the cutoff is 2026-04-01 12:00 UTC (90 × 24 h before).
    const now = at("2026-06-30T12:00:00Z");
    const rows = [
      "2026-03-31T23:59:59.999Z", // the whole day lies before the cutoff: its partition is dropped
      "2026-04-01T11:59:59.999Z", // straddling day, older than 90 days: trimmed
      "2026-04-01T12:00:00.000Z", // exactly 90 days old: kept
      "2026-04-01T18:00:00.000Z",
      "2026-06-30T11:00:00.000Z",
    ];
    const client = await store.pool.connect();
    try {
      // Days without a partition land in DEFAULT; a first pass at the older time makes their partitions.
      await runUsageMaintenance(client, { ...retention, usageDays: 200 }, now);
      for (const iso of rows) {
        await insertUsageEvent(client, { accountId: "acct_x", keyId: "k", receivedAt: at(iso) });
      }
      await runUsageMaintenance(client, { ...retention, usageDays: 200 }, now);
      assert.ok((await listPartitions(client, "usage_events")).includes("usage_events_20260331"));

      const report = await runUsageMaintenance(client, retention, now);
      assert.ok(report.dropped.includes("usage_events_20260331"));
      assert.ok(!report.dropped.includes("usage_events_20260401"), "the straddling day's partition stays");
      assert.equal(report.trimmed, 1);
      assert.equal(report.invoicesKeptFrom, "2016-01-01T00:00:00.000Z");
      assert.deepEqual(await requestTimes(), rows.slice(2));
      const partitions = await listPartitions(client, "usage_events");
      for (const ahead of ["20260630", "20260701", "20260702", "20260703"]) {
        assert.ok(partitions.includes(`usage_events_${ahead}`), `partition for ${ahead}`);
      }
    } finally {
      client.release();
    }
  });

  it("keeps a prepaid balance when retention deletes the usage it was drawn down by", async () => {
    const now = at("2026-09-30T12:00:00Z");
    const account = await createAccount(store.pool, { name: "Prepaid", email: "pp@retention.example" });
    await setBillingMode(store.pool, account.id, "prepaid", at("2026-05-01T00:00:00Z"));
    await addCredit(store.pool, {
      accountId: account.id,
      kind: "top_up",
      amountPicoEur: 10n ** 17n,
      by: "t",
    });
    const client = await store.pool.connect();
    try {
      await runUsageMaintenance(client, { ...retention, usageDays: 200 }, now);
      // Before it was prepaid (not drawn from credit), two expiring days, and one that stays.
      for (const iso of [
        "2026-04-20T10:00:00Z",
        "2026-05-10T10:00:00Z",
        "2026-06-01T10:00:00Z",
        "2026-09-01T10:00:00Z",
      ])
        await insertUsageEvent(client, { accountId: account.id, keyId: "k", receivedAt: at(iso) });
      const balance = async () => (await prepaidBalances(store.pool, account.id))[0]!.balancePicoEur;
      const before = await balance();
      assert.equal(before, 10n ** 17n - 3n * 9_007_199_254_740_993n);

      const report = await runUsageMaintenance(client, retention, now);
      assert.equal(report.prepaidCarried, 1);
      assert.deepEqual(
        (await requestTimes()).filter((t) => t >= "2026-04-20" && t < "2026-09-02"),
        ["2026-09-01T10:00:00.000Z"],
        "the expired events are gone",
      );
      assert.equal(await balance(), before, "the balance did not grow back");
      const again = await runUsageMaintenance(client, retention, at("2026-09-30T13:00:00Z"));
      assert.equal(again.prepaidCarried, 0);
      assert.equal(await balance(), before, "carried once");
      const ledger = await store.pool.query(
        "SELECT kind, amount_pico_eur::text AS amount FROM credit_ledger WHERE account_id = $1 ORDER BY id",
        [account.id],
      );
      assert.deepEqual(
        ledger.rows.map((r) => [r.kind, r.amount]),
        [
          ["top_up", "100000000000000000"],
          ["usage", (-2n * 9_007_199_254_740_993n).toString()],
        ],
      );
    } finally {
      client.release();
    }
  });

  it("keeps invoices for the tax period counted from the end of their year", () => {
    const now = at("2037-01-01T00:00:00Z");
    assert.equal(invoiceRetentionCutoff(now, 10).toISOString(), "2027-01-01T00:00:00.000Z");
    // Issued on the last instant of 2026: kept through 2036, may go on 1 January 2037.
    assert.equal(mustKeepInvoice(at("2026-12-31T23:59:59.999Z"), now, 10), false);
    assert.equal(mustKeepInvoice(at("2026-12-31T23:59:59.999Z"), at("2036-12-31T23:59:59.999Z"), 10), true);
    assert.equal(mustKeepInvoice(at("2027-01-01T00:00:00Z"), now, 10), true);
    assert.throws(() => invoiceRetentionCutoff(now, 0), /positive integer/);
  });

  it("runs beside security retention on the same leader: separate locks, both jobs done", async () => {
    const interval = 3_600_000;
    const usage = startUsageMaintenance({ pool: store.pool, retention, intervalMs: interval });
    const security = startSecurityMaintenance({ pool: store.pool, retentionDays: 30, intervalMs: interval });
    try {
      await Promise.all([usage.runNow(), security.runNow()]);
    } finally {
      await Promise.all([usage.stop(), security.stop()]);
    }
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    assert.ok((await listPartitions(store.pool, "usage_events")).includes(`usage_events_${today}`));
    assert.ok((await listPartitions(store.pool, "security_events")).includes(`security_events_${today}`));
  });
});
