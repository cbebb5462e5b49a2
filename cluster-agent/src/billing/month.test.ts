import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { createAccount } from "../store/accounts.js";
import { auditCheckpointKey, listAudit } from "../store/audit-log.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { getInvoice, listInvoices } from "../store/invoices.js";
import { createCheckout } from "../store/payments.js";
import { stripeClient } from "../store/stripe-client.js";
import { listSuspensions } from "../store/suspensions.js";
import { testBilling } from "../test-support/billing.js";
import { type PortalKit, startPortalKit } from "../test-support/portal.js";
import { type StripeStandIn, startStripeStandIn } from "../test-support/stripe.js";
import { until } from "../test-support/until.js";
import { DEFAULT_DUNNING, type DunningOptions, runDunning } from "./dunning.js";
import { startInvoiceSchedule } from "./schedule.js";

/**
 * Issue 16's month, with the clock in the test's hand and every other part real: usage on both sides
 * of a month boundary, the leader's pass on the 1st issuing numbered invoices whose PDFs reach a real
 * SMTP server, a Stripe webhook (signed as Stripe signs) marking one paid through the portal's
 * endpoint, the other going overdue through reminder, warning and suspension, and its payment
 * lifting the suspension.
 */
const DAY = 86_400_000;
const DEC1 = Date.UTC(2026, 11, 1);
const billing = testBilling();

let kit: PortalKit;
let stripe: StripeStandIn;
let dunning: DunningOptions;

before(async () => {
  stripe = await startStripeStandIn();
  const client = stripeClient(
    { secretKeyEnv: "SK", webhookSecretEnv: "WH", apiBase: stripe.url, currency: "eur" },
    { SK: stripe.secretKey },
  );
  kit = await startPortalKit({ payments: { client, webhookSecret: stripe.webhookSecret } });
  dunning = {
    config: DEFAULT_DUNNING,
    recorder: new StoreAuditRecorder(kit.db.store, "leader-1", auditCheckpointKey(kit.pepper)),
    by: "agent:leader-1",
    payUrl: (id) => `${kit.url}/invoices/${id}`,
  };
});

after(async () => {
  await kit?.close();
  await stripe?.close();
});

async function customer(name: string, email: string, identity: { country: string; vatId?: string }) {
  const account = await createAccount(kit.db.store.pool, { name, email, company: `${name} GmbH` });
  await kit.db.store.pool.query(
    "UPDATE accounts SET billing_address = $2, country = $3, vat_id = $4 WHERE id = $1",
    [account.id, `${name} street 1\n1000 City`, identity.country, identity.vatId ?? null],
  );
  // One request on the last evening of November, one on the first morning of December.
  for (const at of [DEC1 - 60_000, DEC1 + 60_000]) {
    await kit.db.store.pool.query(
      `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
         http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur, price_version)
       VALUES ($1, $2, $2, $3, 'keykeykeykey', 'm-1', 'node-1', 'completed', 200, 10, 0, 10, 1000000000000000, NULL)`,
      [`req_${randomBytes(10).toString("hex")}`, new Date(at), account.id],
    );
  }
  return account;
}

/** The text of the PDF attached to a received message. */
async function attachedPdfText(raw: string): Promise<string> {
  const part = raw.split(/\r?\n--/).find((p) => /Content-Type: application\/pdf/i.test(p));
  assert.ok(part, "the message has a PDF attachment");
  const base64 = part.slice(part.search(/\r?\n\r?\n/)).replace(/\s+/g, "");
  const pdf = await getDocument({ data: new Uint8Array(Buffer.from(base64, "base64")), verbosity: 0 })
    .promise;
  const texts: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    texts.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  return texts.join("\n");
}

test("a month: invoices issued on the 1st and mailed as PDFs, one paid by webhook, the other dunned and lifted on payment", async () => {
  const pool = kit.db.store.pool;
  const home = await customer("Domestic", "home@example.si", { country: "SI" });
  const abroad = await customer("Business", "abroad@example.de", { country: "DE", vatId: "DE123456789" });

  // Two agents' leader jobs on the 1st after the configured hour, each run twice: whichever holds the
  // lock issues November's invoices once, numbered without gaps; the other passes find nothing to do.
  const clock = { now: new Date(DEC1 + 7 * 3_600_000) };
  const leaders = ["agent-1", "agent-2"].map((node) =>
    startInvoiceSchedule({
      pool,
      billing,
      node,
      intervalMs: 3_600_000,
      taxYears: 10,
      clock: () => clock.now,
      recorder: new StoreAuditRecorder(kit.db.store, node, auditCheckpointKey(kit.pepper)),
    }),
  );
  try {
    await Promise.all(leaders.map((leader) => leader.runNow()));
    clock.now = new Date(DEC1 + 8 * 3_600_000);
    await Promise.all(leaders.map((leader) => leader.runNow()));
  } finally {
    await Promise.all(leaders.map((leader) => leader.stop()));
  }
  const issuedNumbers = (await listInvoices(pool, { month: "2026-11" })).map((i) => i.number).sort();
  assert.deepEqual(issuedNumbers, ["2026-000001", "2026-000002"], "issued once, numbered without gaps");
  const issueEntries = await listAudit(pool, { action: "billing.invoice.issue" });
  assert.equal(issueEntries.length, 2, "one audit entry per invoice");

  const invoices = await listInvoices(pool, { month: "2026-11" });
  const of = (accountId: string) => invoices.find((i) => i.accountId === accountId)!;
  for (const invoice of invoices) {
    const { lines } = await getInvoice(pool, invoice.id);
    assert.equal(lines[0]?.requests, 1n, "only November's request is on November's invoice");
  }
  assert.equal(of(home.id).vatRule, "domestic");
  assert.equal(Number(of(home.id).taxRate), 0.22);
  assert.equal(of(abroad.id).vatRule, "eu_reverse_charge");
  assert.equal(of(abroad.id).taxCents, 0n);

  const mailTo = (to: string) =>
    until(`the invoice mail to ${to}`, () => kit.smtp.received.find((m) => m.to.includes(to)));
  const homePdf = await attachedPdfText((await mailTo("home@example.si")).raw);
  assert.match(homePdf, /Entrim d\.o\.o\./, "the seller");
  assert.match(homePdf, /Domestic GmbH/, "the buyer");
  assert.match(homePdf, new RegExp(of(home.id).number!));
  assert.match(homePdf, /22 ?%/);
  const abroadPdf = await attachedPdfText((await mailTo("abroad@example.de")).raw);
  assert.match(abroadPdf, /Business GmbH/);
  assert.match(abroadPdf, /DE123456789/);
  assert.match(abroadPdf, /Reverse charge/);

  // The domestic customer pays by card: Stripe's signed webhook reaches the portal's endpoint.
  const client = stripeClient(
    { secretKeyEnv: "SK", webhookSecretEnv: "WH", apiBase: stripe.url, currency: "eur" },
    { SK: stripe.secretKey },
  );
  const checkout = await createCheckout(pool, client, {
    accountId: home.id,
    invoiceId: of(home.id).id,
    successUrl: `${kit.url}/invoices/${of(home.id).id}?paid=1`,
    cancelUrl: `${kit.url}/invoices/${of(home.id).id}`,
  });
  const session = checkout.url.split("/").pop()!;
  const paid = await stripe.sendEvent(`${kit.url}/webhooks/stripe`, stripe.completedEvent(session));
  assert.equal(paid.status, 200, paid.body);
  assert.equal((await getInvoice(pool, of(home.id).id)).invoice.status, "paid");

  // The business customer does not pay: reminder, warning, suspension after the warning's grace.
  // (The same pass thanks the customer who paid on time, once.)
  const due = of(abroad.id).dueAt!.getTime();
  const reminding = await runDunning(pool, dunning, new Date(due - 2 * DAY));
  assert.equal(reminding.reminded, 1);
  assert.equal(reminding.thanked, 1);
  await until("the on-time payer's payment confirmation", () =>
    kit.smtp.received.some((m) => m.to.includes("home@example.si") && /Payment received/.test(m.subject)),
  );
  assert.equal((await runDunning(pool, dunning, new Date(due + 2 * DAY))).warned, 1);
  assert.equal(
    (await runDunning(pool, dunning, new Date(due + 10 * DAY))).suspended,
    0,
    "grace still running",
  );
  assert.equal((await runDunning(pool, dunning, new Date(due + 17 * DAY))).suspended, 1);
  const active = () => listSuspensions(pool, { accountId: abroad.id, activeOnly: true });
  assert.deepEqual(
    (await active()).map((s) => [s.state, s.reason]),
    [["suspended", "non_payment"]],
  );
  // An agent's admission refuses the suspended account's requests (the suspension's NOTIFY reaches it).
  const principal = { accountId: abroad.id, keyId: "keykeykeykey" };
  await until("the agent refuses the suspended account", () => {
    try {
      kit.suspensions.checkPrincipal(principal);
      return undefined;
    } catch (error) {
      return /suspended/i.test((error as Error).message) ? true : undefined;
    }
  });
  assert.equal((await runDunning(pool, dunning, new Date(due + 17 * DAY))).reminded, 0, "nothing sent twice");

  // Then pays: the webhook marks the invoice paid, the next pass lifts the suspension.
  const late = await createCheckout(pool, client, {
    accountId: abroad.id,
    invoiceId: of(abroad.id).id,
    successUrl: `${kit.url}/invoices/${of(abroad.id).id}?paid=1`,
    cancelUrl: `${kit.url}/invoices/${of(abroad.id).id}`,
  });
  const lateSession = late.url.split("/").pop()!;
  assert.equal(
    (await stripe.sendEvent(`${kit.url}/webhooks/stripe`, stripe.completedEvent(lateSession))).status,
    200,
  );
  assert.equal((await runDunning(pool, dunning, new Date(due + 18 * DAY))).lifted, 1);
  assert.deepEqual(await active(), []);
  await until("the agent serves the account again", () => {
    try {
      kit.suspensions.checkPrincipal(principal);
      return true;
    } catch {
      return undefined;
    }
  });
  for (const subject of [/Reminder/, /overdue/i, /suspended/i, /Payment received/i]) {
    await until(`a mail to the business customer matching ${subject}`, () =>
      kit.smtp.received.some((m) => m.to.includes("abroad@example.de") && subject.test(m.subject)),
    );
  }

  // Each step is in the audit log.
  const actions = new Set((await listAudit(pool, { limit: 1000 })).map((e) => e.action));
  for (const action of ["dunning.remind", "dunning.warn", "dunning.suspend", "dunning.lift"])
    assert.ok(actions.has(action), `audited: ${action} (${[...actions].join(", ")})`);
  assert.ok(
    [...actions].some((a) => a.startsWith("payment.") || a.startsWith("stripe.")),
    [...actions].join(", "),
  );
});
