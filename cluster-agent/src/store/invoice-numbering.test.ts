import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { REVERSE_CHARGE_NOTE } from "../domain/vat.js";
import { testBilling } from "../test-support/billing.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { createAccount } from "./accounts.js";
import { deleteExpiredBillingRecords } from "./billing-retention.js";
import { createCreditNote, splitGross } from "./credit-notes.js";
import { endPool } from "./db.js";
import { issueInvoice } from "./invoice-states.js";
import { getInvoice, invoiceId } from "./invoices.js";

const DEC = new Date(Date.UTC(2026, 11, 2));
const billing = testBilling();

let t: TestStore;
let second: pg.Pool;

/** A November draft of 100.00 EUR (placeholder rate 0.19) for a new account. */
async function draft(identity: { country?: string; vatId?: string } = {}): Promise<string> {
  const account = await createAccount(t.store.pool, {
    name: "Ana Novak",
    email: `ana${Math.random().toString(36).slice(2)}@example.eu`,
    company: "Novak s.p.",
  });
  await t.store.pool.query(
    "UPDATE accounts SET billing_address = $2, country = $3, vat_id = $4 WHERE id = $1",
    [account.id, "Dunajska 5\n1000 Ljubljana", identity.country ?? null, identity.vatId ?? null],
  );
  const id = invoiceId(account.id, "2026-11");
  await t.store.pool.query(
    `INSERT INTO invoices (id, account_id, period, tax_rate, cost_pico_eur, subtotal_cents, tax_cents, total_cents,
       generated_at, generated_by)
     VALUES ($1, $2, '2026-11-01', 0.19, 100000000000000, 10000, 1900, 11900, now(), 'test')`,
    [id, account.id],
  );
  return id;
}

describe("invoice numbering and issuing", () => {
  before(async () => {
    t = await openTestStore();
    second = new pg.Pool({ connectionString: t.url, max: 4 });
  });
  after(async () => {
    await endPool(second);
    await t.close();
  });

  it("numbers invoices issued at once from two pools without a gap or a repeat", async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => draft({ country: "SI" })));
    const issued = await Promise.all(
      ids.map((id, i) => issueInvoice(i % 2 ? second : t.store.pool, id, { by: "test", billing, now: DEC })),
    );
    const numbers = issued.map((invoice) => invoice.number).sort();
    assert.deepEqual(
      numbers,
      Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(6, "0")}`),
    );
  });

  it("hands a rolled-back issue's number to the next invoice", async () => {
    const failing = await draft({ country: "SI" });
    await assert.rejects(
      issueInvoice(t.store.pool, failing, {
        by: "test",
        billing,
        now: DEC,
        onIssued: async () => {
          throw new Error("mail queue down");
        },
      }),
      /mail queue down/,
    );
    assert.equal((await getInvoice(t.store.pool, failing)).invoice.status, "draft");
    const next = await issueInvoice(t.store.pool, await draft({ country: "SI" }), {
      by: "test",
      billing,
      now: DEC,
    });
    assert.equal(next.number, "2026-000013");
    assert.equal(
      (await issueInvoice(t.store.pool, failing, { by: "test", billing, now: DEC })).number,
      "2026-000014",
    );
  });

  it("recomputes tax with the buyer's rule and snapshots both parties", async () => {
    const domestic = await issueInvoice(t.store.pool, await draft({ country: "SI" }), {
      by: "test",
      billing,
      now: DEC,
    });
    assert.deepEqual(
      [domestic.vatRule, domestic.taxRate, domestic.taxCents, domestic.totalCents],
      ["domestic", "0.22", 2200n, 12200n],
    );
    const german = await issueInvoice(t.store.pool, await draft({ country: "DE", vatId: "DE123456789" }), {
      by: "test",
      billing,
      now: DEC,
    });
    assert.deepEqual(
      [german.vatRule, german.taxCents, german.totalCents, german.vatNote],
      ["eu_reverse_charge", 0n, 10000n, REVERSE_CHARGE_NOTE],
    );
    assert.equal(german.seller?.legalName, "Entrim d.o.o.");
    assert.deepEqual(german.buyer, {
      name: "Ana Novak",
      company: "Novak s.p.",
      address: "Dunajska 5\n1000 Ljubljana",
      country: "DE",
      vatId: "DE123456789",
    });
    // The account changes later; the issued invoice does not.
    await t.store.pool.query("UPDATE accounts SET company = 'Renamed GmbH' WHERE id = $1", [
      german.accountId,
    ]);
    assert.equal((await getInvoice(t.store.pool, german.id)).invoice.buyer?.company, "Novak s.p.");
  });

  it("charges an EU consumer their own country's rate under OSS and says so on the invoice", async () => {
    const finnish = await issueInvoice(t.store.pool, await draft({ country: "FI" }), {
      by: "test",
      billing,
      now: DEC,
    });
    assert.deepEqual(
      [finnish.vatRule, finnish.taxRate, finnish.taxCents, finnish.totalCents],
      ["eu_consumer", "0.255", 2550n, 12550n],
    );
    const note =
      "VAT of Finland (25.5 %) charged under the One-Stop Shop, Article 58 of Council Directive 2006/112/EC";
    assert.equal(finnish.vatNote, note);
    // The PDF prints both (billing/invoice-pdf.test.ts).

    // Below the EUR 10 000 threshold the seller may keep its own rate: no OSS note then.
    const small = testBilling({ vat: { domesticRate: "0.22", oss: false } });
    const german = await issueInvoice(t.store.pool, await draft({ country: "DE" }), {
      by: "test",
      billing: small,
      now: DEC,
    });
    assert.deepEqual(
      [german.vatRule, german.taxRate, german.taxCents, german.vatNote],
      ["eu_consumer", "0.22", 2200n, null],
    );
  });

  it("refuses to change an issued invoice's number, parties or VAT rule, or to delete it", async () => {
    const id = await draft({ country: "SI" });
    await issueInvoice(t.store.pool, id, { by: "test", billing, now: DEC });
    for (const change of [
      "number = 'X-1'",
      "vat_rule = 'non_eu'",
      "buyer = '{}'::jsonb",
      "seller = '{}'::jsonb",
      "vat_note = 'x'",
    ]) {
      await assert.rejects(
        t.store.pool.query(`UPDATE invoices SET ${change} WHERE id = $1`, [id]),
        /cannot change/,
        change,
      );
    }
    await assert.rejects(t.store.pool.query("DELETE FROM invoices WHERE id = $1", [id]), /cannot be deleted/);
  });

  it("refuses to issue without a configured seller, saying what to configure", async () => {
    const id = await draft({ country: "SI" });
    assert.throws(
      () =>
        issueInvoice(t.store.pool, id, { by: "test", billing: { ...billing, seller: undefined }, now: DEC }),
      /billing\.seller/,
    );
  });

  it("credits an issued invoice in its own series, never above what is left, and keeps the note unchanged", async () => {
    const invoice = await issueInvoice(t.store.pool, await draft({ country: "SI" }), {
      by: "test",
      billing,
      now: DEC,
    });
    const first = await createCreditNote(t.store.pool, {
      invoiceId: invoice.id,
      amountCents: 6100n,
      reason: "Dispute resolved in the customer's favour",
      by: "test",
      billing,
      now: DEC,
    });
    assert.deepEqual([first.number, first.subtotalCents, first.taxCents], ["CN-2026-000001", 5000n, 1100n]);
    await assert.rejects(
      createCreditNote(t.store.pool, {
        invoiceId: invoice.id,
        amountCents: 6101n,
        reason: "again",
        by: "test",
        billing,
      }),
      /6100 cents left to credit/,
    );
    const rest = await createCreditNote(t.store.pool, {
      invoiceId: invoice.id,
      amountCents: 6100n,
      reason: "rest",
      by: "test",
      billing,
      now: DEC,
    });
    assert.equal(rest.number, "CN-2026-000002");
    await assert.rejects(
      t.store.pool.query(
        "UPDATE credit_notes SET amount_cents = 1, subtotal_cents = 1, tax_cents = 0 WHERE id = $1",
        [first.id],
      ),
      /cannot change/,
    );
    await assert.rejects(
      t.store.pool.query("DELETE FROM credit_notes WHERE id = $1", [first.id]),
      /cannot be deleted/,
    );
    await t.store.pool.query("UPDATE credit_notes SET refund_state = 'pending' WHERE id = $1", [first.id]);
  });

  it("splits a gross amount so that subtotal + tax is exact at the invoice's rounding", () => {
    for (const gross of [1n, 2n, 99n, 122n, 12345n]) {
      const { subtotal, tax } = splitGross(gross, "0.22");
      assert.equal(subtotal + tax, gross);
      assert.ok(tax - (subtotal * 22n) / 100n <= 1n, `${gross}: ${subtotal} + ${tax}`);
    }
  });

  it("deletes issued invoices and their credit notes only once their tax period ended", async () => {
    const before = (
      await t.store.pool.query("SELECT count(*)::int AS n FROM invoices WHERE status <> 'draft'")
    ).rows[0].n;
    assert.deepEqual(await deleteExpiredBillingRecords(t.store.pool, 10, new Date("2036-12-31T23:59:59Z")), {
      invoices: 0,
      creditNotes: 0,
      cutoff: "2026-01-01T00:00:00.000Z",
    });
    const after = await deleteExpiredBillingRecords(t.store.pool, 10, new Date("2037-01-01T00:00:00Z"));
    assert.deepEqual([after.invoices, after.creditNotes], [before, 2]);
    const series = await t.store.pool.query("SELECT count(*)::int AS n FROM invoice_series");
    assert.equal(series.rows[0].n, 2, "the counters stay: numbers never repeat");
  });
});
