import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBilling } from "../test-support/billing.js";
import { openTestStore } from "../test-support/postgres.js";
import { createAccount } from "./accounts.js";
import { formatCents, rollUpDay, taxCents, usageByDay } from "./billing.js";
import { disputeInvoice, issueInvoice, markInvoicePaid, suspendOverdueAccounts } from "./invoice-states.js";
import { generateInvoices, getInvoice, listInvoices } from "./invoices.js";
import type { Store } from "./store.js";
import { createSuspension } from "./suspensions.js";

let store: Store;
let closeStore: () => Promise<void>;

const DAY = 86_400_000;
const NOV = Date.UTC(2026, 10, 1);
const DEC = Date.UTC(2026, 11, 1);
const AFTER_NOV = new Date(DEC + 2 * DAY);
const MODELS = ["llama-70b", "mistral-7b", "qwen-coder"];

/** A seeded generator: the same month of usage on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Event {
  id: string;
  at: number;
  account: string;
  model: string;
  version: number | null;
  prompt: number;
  cached: number;
  completion: number;
  cost: bigint;
}

let sequence = 0;
async function insertEvents(events: Event[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    const batch = events.slice(i, i + 1000);
    await store.pool.query(
      `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
         http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur, price_version)
       SELECT r, t, t, a, 'keykeykeykey', m, 'node-1', 'completed', 200, p, c, o, x, v
       FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[],
         $8::bigint[], $9::bigint[]) AS u(r, t, a, m, p, c, o, x, v)`,
      [
        batch.map((e) => e.id),
        batch.map((e) => new Date(e.at)),
        batch.map((e) => e.account),
        batch.map((e) => e.model),
        batch.map((e) => e.prompt),
        batch.map((e) => e.cached),
        batch.map((e) => e.completion),
        batch.map((e) => e.cost.toString()),
        batch.map((e) => e.version),
      ],
    );
  }
}

function event(at: number, account: string, model: string, cost: bigint, version: number | null = 1): Event {
  sequence++;
  return {
    id: `req_${sequence.toString(36).padStart(16, "0")}`,
    at,
    account,
    model,
    version,
    prompt: 10,
    cached: 2,
    completion: 5,
    cost,
  };
}

/** Half-cent amounts, nine-digit tails, zero-cost (unpriced) events, and the month's first and last ms. */
function monthOfUsage(accounts: string[], count: number): Event[] {
  const next = random(42);
  const events: Event[] = [];
  for (let i = 0; i < count; i++) {
    const account = accounts[Math.floor(next() * accounts.length)]!;
    const model = MODELS[Math.floor(next() * MODELS.length)]!;
    const at = NOV + Math.floor(next() * (DEC - NOV));
    const kind = Math.floor(next() * 4);
    const cost =
      kind === 0
        ? BigInt(Math.floor(next() * 1000)) * 10_000_000_000n + 5_000_000_000n
        : kind === 1
          ? BigInt(Math.floor(next() * 2 ** 40)) * 1_000_003n + 999_999_999n
          : kind === 2
            ? 0n
            : BigInt(Math.floor(next() * 1e9)) * 7n;
    events.push(event(at, account, model, cost, kind === 2 ? null : 1 + Math.floor(next() * 3)));
  }
  events.push(event(NOV, accounts[0]!, MODELS[0]!, 4_999_999_999n));
  events.push(event(DEC - 1, accounts[0]!, MODELS[0]!, 5_000_000_001n));
  return events;
}

before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

describe("billing", () => {
  let accounts: string[];
  let events: Event[];

  before(async () => {
    accounts = [];
    for (const name of ["Alpha GmbH", "Beta SAS", "Gamma BV", "Delta Oy"]) {
      accounts.push((await createAccount(store.pool, { name, email: `${name[0]}@example.eu` })).id);
    }
    events = monthOfUsage(accounts, 4000);
    // Outside the month by one millisecond each way: never on November's invoices.
    events.push(event(NOV - 1, accounts[1]!, MODELS[1]!, 123_456_789_012n));
    events.push(event(DEC, accounts[1]!, MODELS[1]!, 987_654_321_098n));
    await insertEvents(events);
  });

  it("invoices add up to the usage events' costs to the cent, with tax rounded once", async () => {
    const result = await generateInvoices(store.pool, {
      month: "2026-11",
      taxRate: "0.19",
      generatedBy: "test",
      now: AFTER_NOV,
    });
    assert.equal(result.drafts.length, accounts.length);
    const inMonth = events.filter((e) => e.at >= NOV && e.at < DEC);
    let allPico = 0n;
    for (const account of accounts) {
      const mine = inMonth.filter((e) => e.account === account);
      const { invoice, lines } = await getInvoice(
        store.pool,
        result.drafts.find((d) => d.accountId === account)!.id,
      );
      assert.equal(invoice.status, "draft");
      let expectedSubtotal = 0n;
      let pico = 0n;
      for (const model of MODELS) {
        const ofModel = mine.filter((e) => e.model === model);
        const sum = ofModel.reduce((s, e) => s + e.cost, 0n);
        // Independently: half a cent (5e9 pico) and more rounds up.
        const cents = sum / 10_000_000_000n + (sum % 10_000_000_000n >= 5_000_000_000n ? 1n : 0n);
        const line = lines.find((l) => l.model === model);
        assert.ok(line, `a line for ${model}`);
        assert.equal(line.costPicoEur, sum);
        assert.equal(line.amountCents, cents, `${account} ${model}`);
        assert.equal(line.requests, BigInt(ofModel.length));
        assert.equal(line.completionTokens, BigInt(ofModel.length * 5));
        expectedSubtotal += cents;
        pico += sum;
      }
      assert.equal(lines.length, MODELS.length);
      assert.equal(invoice.subtotalCents, expectedSubtotal);
      assert.equal(invoice.costPicoEur, pico);
      assert.equal(invoice.taxCents, (expectedSubtotal * 19n + 50n) / 100n);
      assert.equal(invoice.totalCents, invoice.subtotalCents + invoice.taxCents);
      allPico += pico;
    }
    assert.equal(
      allPico,
      inMonth.reduce((s, e) => s + e.cost, 0n),
    );
  });

  it("rolls a day up idempotently, and a late event is counted once on regeneration", async () => {
    const day = new Date(NOV + 9 * DAY);
    const before = await store.pool.query("SELECT * FROM usage_daily WHERE day = $1 ORDER BY 2, 3, 4, 5", [
      day,
    ]);
    const again = await rollUpDay(store.pool, day);
    assert.equal(again.replaced, true);
    const after = await store.pool.query("SELECT * FROM usage_daily WHERE day = $1 ORDER BY 2, 3, 4, 5", [
      day,
    ]);
    assert.deepEqual(
      after.rows.map(({ rolled_up_at: _, ...r }) => r),
      before.rows.map(({ rolled_up_at: _, ...r }) => r),
    );
    const [draft] = await listInvoices(store.pool, { month: "2026-11", accountId: accounts[2] });
    await insertEvents([event(NOV + 9 * DAY + 5, accounts[2]!, MODELS[2]!, 10_000_000_000n)]);
    await generateInvoices(store.pool, {
      month: "2026-11",
      taxRate: "0.19",
      generatedBy: "test",
      now: AFTER_NOV,
    });
    await generateInvoices(store.pool, {
      month: "2026-11",
      taxRate: "0.19",
      generatedBy: "test",
      now: AFTER_NOV,
    });
    const { invoice } = await getInvoice(store.pool, draft!.id);
    assert.equal(invoice.costPicoEur, draft!.costPicoEur + 10_000_000_000n);
  });

  it("keeps a day's roll-up when its events are gone", async () => {
    const day = new Date(NOV + 3 * DAY);
    const rows = (await rollUpDay(store.pool, day)).rows;
    const client = await store.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("DELETE FROM usage_events WHERE received_at >= $1 AND received_at < $2", [
        day,
        new Date(day.getTime() + DAY),
      ]);
      const kept = await rollUpDay(client, day);
      assert.deepEqual(kept, { day: "2026-11-04", rows, replaced: false });
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("issues only after the month, then never changes an issued invoice", async () => {
    const [first] = await listInvoices(store.pool, { month: "2026-11", accountId: accounts[0] });
    await assert.rejects(
      issueInvoice(store.pool, first!.id, {
        by: "test",
        now: new Date(DEC - 1),
        billing: testBilling({}, "0.19"),
      }),
      /not over yet/,
    );
    const issued = await issueInvoice(store.pool, first!.id, {
      by: "test",
      now: AFTER_NOV,
      billing: testBilling({}, "0.19"),
    });
    assert.equal(issued.status, "issued");
    assert.equal(issued.dueAt!.getTime(), AFTER_NOV.getTime() + 14 * DAY);
    await insertEvents([event(NOV + DAY, accounts[0]!, MODELS[0]!, 50_000_000_000_000n)]);
    const result = await generateInvoices(store.pool, {
      month: "2026-11",
      taxRate: "0.20",
      generatedBy: "test",
      now: AFTER_NOV,
    });
    assert.deepEqual(
      result.kept.map((i) => i.id),
      [first!.id],
    );
    const { invoice } = await getInvoice(store.pool, first!.id);
    assert.deepEqual(invoice, issued);
    await assert.rejects(
      store.pool.query("UPDATE invoices SET subtotal_cents = 1, total_cents = 1 + tax_cents WHERE id = $1", [
        first!.id,
      ]),
      /cannot change/,
    );
    await assert.rejects(
      store.pool.query("DELETE FROM invoices WHERE id = $1", [first!.id]),
      /cannot be deleted/,
    );
    await assert.rejects(
      store.pool.query("DELETE FROM invoice_lines WHERE invoice_id = $1", [first!.id]),
      /cannot change/,
    );
    await assert.rejects(
      issueInvoice(store.pool, first!.id, { by: "test", now: AFTER_NOV, billing: testBilling({}, "0.19") }),
      /only draft/,
    );
  });

  it("accepts a dispute exactly 30 days after the invoice date and refuses one 1 ms later", async () => {
    const [a, b] = await listInvoices(store.pool, { month: "2026-11", status: "draft" });
    for (const invoice of [a!, b!])
      await issueInvoice(store.pool, invoice.id, {
        by: "test",
        now: AFTER_NOV,
        billing: testBilling({}, "0.19"),
      });
    const closes = new Date(AFTER_NOV.getTime() + 30 * DAY);
    const disputed = await disputeInvoice(store.pool, a!.id, {
      reason: "tokens counted twice?",
      by: "test",
      now: closes,
    });
    assert.equal(disputed.status, "disputed");
    assert.equal(disputed.disputeReason, "tokens counted twice?");
    await assert.rejects(
      disputeInvoice(store.pool, b!.id, { reason: "late", by: "test", now: new Date(closes.getTime() + 1) }),
      /dispute window .* closed/,
    );
    assert.equal((await getInvoice(store.pool, b!.id)).invoice.status, "issued");
    assert.equal((await markInvoicePaid(store.pool, a!.id, { by: "test" })).status, "paid");
  });

  it("suspends accounts with overdue invoices for non_payment, once, and only after a recorded warning", async () => {
    const late = new Date(AFTER_NOV.getTime() + 15 * DAY);
    const overdue = (await listInvoices(store.pool, { status: "issued" })).map((i) => i.accountId).sort();
    // Without a warning on record the terms forbid the suspension: reported, not made.
    const unwarned = await suspendOverdueAccounts(store.pool, { by: "test", now: late });
    assert.deepEqual(unwarned.map((s) => s.accountId).sort(), overdue);
    assert.ok(
      unwarned.every((s) => s.suspension === null && s.refused === "no recorded non-payment warning"),
    );
    for (const accountId of overdue) {
      await createSuspension(store.pool, {
        targetType: "account",
        target: accountId,
        state: "warned",
        reason: "non_payment",
        createdBy: "test",
      });
    }
    const suspended = await suspendOverdueAccounts(store.pool, { by: "test", now: late });
    assert.deepEqual(suspended.map((s) => s.accountId).sort(), overdue);
    assert.ok(suspended.length >= 2);
    for (const s of suspended) assert.equal(s.suspension?.reason, "non_payment");
    const again = await suspendOverdueAccounts(store.pool, { by: "test", now: late });
    assert.ok(again.every((s) => s.suspension === null));
    // Not yet due: nothing to suspend.
    assert.deepEqual(await suspendOverdueAccounts(store.pool, { by: "test", now: AFTER_NOV }), []);
  });

  it("reports usage per day and model, days inclusive", async () => {
    const rows = await usageByDay(store.pool, accounts[1]!, new Date(NOV - DAY), new Date(NOV - DAY));
    assert.deepEqual(
      rows.map((r) => [r.day, r.model, r.costPicoEur]),
      [["2026-10-31", MODELS[1], 123_456_789_012n]],
    );
  });

  it("formats cents and rounds tax half away from zero without floats", () => {
    assert.equal(formatCents(123_456n), "1234.56");
    assert.equal(formatCents(5n), "0.05");
    assert.equal(taxCents(50n, "0.19"), 10n); // 9.5 → 10
    assert.equal(taxCents(49n, "0.19"), 9n); // 9.31 → 9
    assert.equal(taxCents(1000n, "1"), 1000n);
    assert.throws(() => taxCents(1n, "0.123456"), /not a tax rate/);
  });
});
