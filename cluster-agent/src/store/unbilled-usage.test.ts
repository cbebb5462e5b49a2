import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { testBilling } from "../test-support/billing.js";
import { openTestStore } from "../test-support/postgres.js";
import { createAccount } from "./accounts.js";
import { issueInvoice } from "./invoice-states.js";
import { generateInvoices, getInvoice, type InvoiceLine, listInvoices } from "./invoices.js";
import type { Store } from "./store.js";

/**
 * Usage a node's spool delivers after its month's invoices were issued is billed on the account's
 * next invoice, once: never lost, never twice, whatever order drafts are made and issued in.
 */
let store: Store;
let closeStore: () => Promise<void>;

const DAY = 86_400_000;
const OCT = Date.UTC(2026, 9, 1);
const NOV = Date.UTC(2026, 10, 1);
const DEC = Date.UTC(2026, 11, 1);
const JAN = Date.UTC(2027, 0, 1);
const FEB = Date.UTC(2027, 1, 1);
const CENT = 10_000_000_000n;
const billing = testBilling({}, "0.19");

let sequence = 0;
async function use(account: string, at: number, cents: bigint, model = "llama-70b"): Promise<void> {
  sequence++;
  await store.pool.query(
    `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
       http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur, price_version)
     VALUES ($1, $2, $2, $3, 'keykeykeykey', $4, 'node-1', 'completed', 200, 10, 0, 5, $5, 1)`,
    [
      `req_${sequence.toString(36).padStart(16, "0")}`,
      new Date(at),
      account,
      model,
      (cents * CENT).toString(),
    ],
  );
}

async function generate(month: string, now: number) {
  return generateInvoices(store.pool, { month, taxRate: "0.19", generatedBy: "test", now: new Date(now) });
}

async function issueAll(month: string, now: number, except: string[] = []): Promise<void> {
  for (const draft of await listInvoices(store.pool, { month, status: "draft" })) {
    if (except.includes(draft.accountId)) continue;
    await issueInvoice(store.pool, draft.id, { by: "test", now: new Date(now), billing });
  }
}

async function linesOf(month: string, account: string): Promise<InvoiceLine[]> {
  const [invoice] = await listInvoices(store.pool, { month, accountId: account });
  return invoice ? (await getInvoice(store.pool, invoice.id)).lines : [];
}

const brief = (lines: InvoiceLine[]) => lines.map((l) => [l.usagePeriod, l.model, l.requests, l.amountCents]);

/** What every invoice of the account bills for a month, in cents and requests. */
async function billedFor(account: string, usagePeriod: string): Promise<[bigint, bigint]> {
  const { rows } = await store.pool.query(
    `SELECT coalesce(sum(l.requests), 0)::text AS requests, coalesce(sum(l.amount_cents), 0)::text AS cents
     FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
     WHERE i.account_id = $1 AND l.usage_period = $2::date`,
    [account, `${usagePeriod}-01`],
  );
  return [BigInt(rows[0].requests), BigInt(rows[0].cents)];
}

before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

describe("usage delivered late", () => {
  let a: string;
  let b: string;
  let held: string;

  before(async () => {
    a = (await createAccount(store.pool, { name: "Alpha", email: "a@example.eu" })).id;
    b = (await createAccount(store.pool, { name: "Beta", email: "b@example.eu" })).id;
    held = (await createAccount(store.pool, { name: "Held", email: "h@example.eu" })).id;
    // October was never invoiced (billing was not on yet): it stays unbilled, late or not.
    await use(a, OCT + 3 * DAY, 700n);
    for (const account of [a, b, held]) await use(account, NOV + 2 * DAY, 100n);
    await generate("2026-11", DEC + DAY);
    await issueAll("2026-11", DEC + DAY, [held]);
  });

  it("goes on the account's next invoice as its own line naming its month", async () => {
    // Shipped after November's invoices were issued, from the month's last evening.
    await use(a, DEC - 60_000, 25n);
    await use(a, DEC + 5 * DAY, 300n);
    const result = await generate("2026-12", JAN + DAY);
    const drafted = result.drafts.map((d) => d.accountId).sort();
    // Beta used nothing new; the held account's November draft still bills all of its November.
    assert.deepEqual(drafted, [a]);
    assert.deepEqual(brief(await linesOf("2026-12", a)), [
      ["2026-12", "llama-70b", 1n, 300n],
      ["2026-11", "llama-70b", 1n, 25n],
    ]);
    const [december] = await listInvoices(store.pool, { month: "2026-12", accountId: a });
    assert.equal(december!.subtotalCents, 325n);
    // November's issued invoice did not change.
    assert.deepEqual(brief(await linesOf("2026-11", a)), [["2026-11", "llama-70b", 1n, 100n]]);
  });

  it("is billed once however often drafts are regenerated and months issued", async () => {
    await generate("2026-12", JAN + DAY);
    await issueAll("2026-12", JAN + DAY, [held]);
    await generate("2026-12", JAN + 2 * DAY);
    const january = await generate("2027-01", FEB + DAY);
    assert.deepEqual(
      january.drafts.map((d) => d.accountId),
      [],
      "nothing new since December's invoices",
    );
    assert.deepEqual(await billedFor(a, "2026-11"), [2n, 125n]);
    assert.deepEqual(await billedFor(a, "2026-10"), [0n, 0n], "October was never invoiced");
  });

  it("alone makes an invoice for an account with nothing else to bill", async () => {
    await use(b, DEC - DAY, 40n);
    const january = await generate("2027-01", FEB + DAY);
    assert.deepEqual(
      january.drafts.map((d) => d.accountId),
      [b],
    );
    assert.deepEqual(brief(await linesOf("2027-01", b)), [["2026-11", "llama-70b", 1n, 40n]]);
    assert.deepEqual(await billedFor(b, "2026-11"), [2n, 140n]);
  });

  it("is shared between a held draft and the next month's without counting twice", async () => {
    // The held account's November draft bills what had arrived when it was made; the rest arrives later.
    await use(held, NOV + 20 * DAY, 7n);
    await generate("2027-01", FEB + DAY);
    assert.deepEqual(brief(await linesOf("2027-01", held)), [["2026-11", "llama-70b", 1n, 7n]]);
    // Regenerating the held November draft leaves out what January's draft already bills.
    await generate("2026-11", FEB + DAY);
    assert.deepEqual(brief(await linesOf("2026-11", held)), [["2026-11", "llama-70b", 1n, 100n]]);
    assert.deepEqual(await billedFor(held, "2026-11"), [2n, 107n]);
  });

  it("never takes back what was billed when retention drops a day's events", async () => {
    const day = new Date(NOV + 2 * DAY);
    const before = await store.pool.query("SELECT sum(requests)::int AS n FROM usage_daily WHERE day = $1", [
      day,
    ]);
    await store.pool.query(
      "DELETE FROM usage_events WHERE received_at >= $1 AND received_at < $2 AND account_id = $3",
      [day, new Date(day.getTime() + DAY), b],
    );
    const january = await generate("2027-01", FEB + DAY);
    for (const draft of january.drafts) {
      for (const line of (await getInvoice(store.pool, draft.id)).lines) assert.ok(line.amountCents >= 0n);
    }
    const kept = await store.pool.query("SELECT sum(requests)::int AS n FROM usage_daily WHERE day = $1", [
      day,
    ]);
    assert.equal(kept.rows[0].n, before.rows[0].n, "the roll-up keeps the billed requests");
    assert.deepEqual(await billedFor(a, "2026-11"), [2n, 125n]);
  });
});
