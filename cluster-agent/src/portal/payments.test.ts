// Card payments end to end over real HTTP: the portal's routes call the official Stripe SDK, pointed
// at the local stand-in (test-support/stripe.ts); webhooks arrive signed by the SDK's own test helper.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { errorHandling } from "../api/errors.js";
import { refundPendingCreditNotes } from "../billing/credit-refunds.js";
import { createAccount } from "../store/accounts.js";
import { createApiKey } from "../store/api-keys.js";
import { auditCheckpointKey, listAudit } from "../store/audit-log.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { PICO_PER_CENT, prepaidBalances, setBillingMode } from "../store/credit.js";
import { createCreditNote, creditNotesOf } from "../store/credit-notes.js";
import { issueInvoice } from "../store/invoice-states.js";
import { generateInvoices, getInvoice, invoiceId } from "../store/invoices.js";
import { paymentsOfInvoice, refundPayment } from "../store/payments.js";
import { stripeClient } from "../store/stripe-client.js";
import { testBilling } from "../test-support/billing.js";
import { insertUsageEvent } from "../test-support/data-protection.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { type StripeStandIn, startStripeStandIn } from "../test-support/stripe.js";
import type { PortalPrincipal } from "./context.js";
import { paymentRoutes } from "./payment-routes.js";

const pepper = randomBytes(32);
let t: TestStore;
let stripe: StripeStandIn;
let app: FastifyInstance;
let base: string;
let accountId: string;
let invoice: string;
const now = new Date();
const lastMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));

async function call(method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = { "x-test-as": accountId };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

const webhook = () => `${base}/webhooks/stripe`;
const sessionIdOf = (url: string) => url.split("/").pop()!;

before(async () => {
  t = await openTestStore();
  stripe = await startStripeStandIn();
  const created = await createAccount(t.store.pool, { name: "Payer", email: "payer@pay.example.eu" });
  accountId = created.id;
  const { key } = await createApiKey(t.store.pool, { accountId, name: "k", createdBy: "test", pepper });
  await insertUsageEvent(t.store.pool, {
    accountId,
    keyId: key.id,
    receivedAt: new Date(lastMonthStart.getTime() + 3 * 86_400_000),
  });
  await generateInvoices(t.store.pool, {
    month: lastMonthStart.toISOString().slice(0, 7),
    taxRate: "0.22",
    generatedBy: "test",
  });
  invoice = invoiceId(accountId, lastMonthStart.toISOString().slice(0, 7));
  await issueInvoice(t.store.pool, invoice, { by: "test", now, billing: testBilling() });
  const client = stripeClient(
    { secretKeyEnv: "SK", webhookSecretEnv: "WH", apiBase: stripe.url, currency: "eur" },
    {
      SK: stripe.secretKey,
    },
  );
  app = Fastify({ logger: false });
  errorHandling(app, { logger: pino({ level: "silent" }), bodyLimitBytes: 1 << 20 });
  app.addHook("onRequest", async (request) => {
    const who = request.headers["x-test-as"];
    if (typeof who === "string")
      request.portal = {
        accountId: who,
        role: "owner",
        userId: "usr_payerowner00000",
        sessionId: "ses_test",
      } as PortalPrincipal;
  });
  await app.register(async (scope) =>
    paymentRoutes(scope, {
      store: t.store,
      recorder: new StoreAuditRecorder(t.store, "test-node", auditCheckpointKey(pepper)),
      pepper,
      logger: pino({ level: "silent" }),
      node: "test-node",
      now: () => new Date(),
      payments: { client, webhookSecret: stripe.webhookSecret },
      baseUrl: () => base,
    }),
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app?.close();
  await stripe?.close();
  await t?.close();
});

describe("paying an invoice by card", () => {
  let url: string;

  it("opens a Checkout Session through the SDK for the invoice's total, and reuses it while open", async () => {
    const paid = await call("POST", `/api/invoices/${invoice}/pay`);
    assert.equal(paid.status, 200);
    url = paid.json.url;
    assert.ok(url.startsWith(stripe.url));
    const session = stripe.sessions.get(sessionIdOf(url))!;
    const { invoice: inv } = await getInvoice(t.store.pool, invoice);
    assert.equal(session.amount_total, Number(inv.totalCents));
    assert.deepEqual(
      { invoice: session.metadata.invoice_id, account: session.metadata.account_id },
      { invoice, account: accountId },
    );
    assert.equal(session.success_url, `${base}/invoices/${invoice}?paid=1`);
    const again = await call("POST", `/api/invoices/${invoice}/pay`);
    assert.equal(again.json.url, url);
    assert.equal(stripe.sessions.size, 1);
    const signedOut = await fetch(`${base}/pay/${invoice}`, { redirect: "manual" });
    assert.equal(signedOut.status, 303);
    assert.equal(
      signedOut.headers.get("location"),
      `/login?next=${encodeURIComponent(`/invoices/${invoice}`)}`,
    );
    const link = await call("GET", `/pay/${invoice}`);
    assert.equal(link.status, 303);
    assert.equal(link.headers.get("location"), url);
  });

  it("refuses a webhook whose signature does not verify, changing nothing", async () => {
    const event = stripe.completedEvent(sessionIdOf(url));
    const forged = await stripe.sendEvent(webhook(), event, `whsec_${randomBytes(16).toString("hex")}`);
    assert.equal(forged.status, 400);
    const unsigned = await fetch(webhook(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
    });
    assert.equal(unsigned.status, 400);
    assert.equal((await getInvoice(t.store.pool, invoice)).invoice.status, "issued");
    assert.equal((await t.store.pool.query("SELECT count(*)::int AS n FROM stripe_events")).rows[0].n, 0);
  });

  it("marks the invoice paid on a signed checkout.session.completed, once however often it is replayed", async () => {
    const event = stripe.completedEvent(sessionIdOf(url));
    const first = await stripe.sendEvent(webhook(), event);
    assert.equal(first.status, 200);
    const { invoice: inv } = await getInvoice(t.store.pool, invoice);
    assert.equal(inv.status, "paid");
    assert.equal(inv.paidBy, "stripe");
    const replay = await stripe.sendEvent(webhook(), event);
    assert.equal(replay.status, 200);
    assert.equal(JSON.parse(replay.body).outcome, "replayed");
    const entries = await listAudit(t.store.pool, { action: "payment.invoice_paid" });
    assert.equal(entries.length, 1);
    assert.equal((await call("POST", `/api/invoices/${invoice}/pay`)).status, 409);
  });

  it("answers 200 to event types it does not handle", async () => {
    const response = await stripe.sendEvent(webhook(), {
      id: "evt_other_1",
      object: "event",
      type: "customer.created",
      data: { object: {} },
    });
    assert.equal(response.status, 200);
    assert.equal(JSON.parse(response.body).outcome, "ignored");
  });

  it("refunds part of the payment through Stripe; the charge.refunded webhook records it", async () => {
    const client = stripeClient(
      { secretKeyEnv: "SK", webhookSecretEnv: "WH", apiBase: stripe.url, currency: "eur" },
      { SK: stripe.secretKey },
    );
    const refund = await refundPayment(t.store.pool, client, {
      invoiceId: invoice,
      amountCents: 100,
      reason: "credit note CN-1",
    });
    assert.equal(refund.amountCents, 100);
    assert.equal(stripe.refunds.length, 1);
    assert.equal(stripe.refunds[0]!.metadata.invoice_id, invoice);
    const [payment] = await paymentsOfInvoice(t.store.pool, invoice);
    await stripe.sendEvent(webhook(), stripe.refundedEvent(payment!.paymentIntent!, 100));
    const [after] = await paymentsOfInvoice(t.store.pool, invoice);
    assert.equal(after!.refundedCents, 100);
    assert.equal(after!.status, "paid");
    await assert.rejects(
      refundPayment(t.store.pool, client, {
        invoiceId: invoice,
        amountCents: after!.amountCents,
        reason: "too much",
      }),
      /left to refund/,
    );
  });
});

describe("credit notes", () => {
  it("a credit note on a card-paid invoice is refunded once by the billing pass, even when asked again", async () => {
    const client = stripeClient(
      { secretKeyEnv: "SK", webhookSecretEnv: "WH", apiBase: stripe.url, currency: "eur" },
      { SK: stripe.secretKey },
    );
    const before = stripe.refunds.length;
    const note = await createCreditNote(t.store.pool, {
      invoiceId: invoice,
      amountCents: 50n,
      reason: "dispute resolved in the customer's favour",
      by: "cli:test",
      billing: testBilling(),
    });
    assert.equal(note.refundState, "pending");
    assert.deepEqual((await refundPendingCreditNotes(t.store.pool, client)).refunded, [note.number]);
    assert.equal(stripe.refunds.length, before + 1);
    assert.equal(stripe.refunds.at(-1)!.amount, 50);
    // A pass that died after Stripe refunded but before the note was marked asks again with the same key.
    await t.store.pool.query("UPDATE credit_notes SET refund_state = 'pending' WHERE id = $1", [note.id]);
    await refundPendingCreditNotes(t.store.pool, client);
    assert.equal(stripe.refunds.length, before + 1, "Stripe refunded once");
    const [after] = await creditNotesOf(t.store.pool, invoice).then((notes) =>
      notes.filter((n) => n.id === note.id),
    );
    assert.equal(after!.refundState, "refunded");
  });
});

describe("prepaid top-up", () => {
  it("credits the ledger exactly when Stripe reports the payment", async () => {
    await setBillingMode(t.store.pool, accountId, "prepaid");
    const before = (await prepaidBalances(t.store.pool, accountId))[0]!.balancePicoEur;
    assert.equal(before, 0n);
    const topUp = await call("POST", "/api/credit/top-up", { amountCents: 2500 });
    assert.equal(topUp.status, 200);
    const session = stripe.sessions.get(sessionIdOf(topUp.json.url))!;
    assert.equal(session.amount_total, 2500);
    await stripe.sendEvent(webhook(), stripe.completedEvent(session.id));
    const balance = (await prepaidBalances(t.store.pool, accountId))[0]!.balancePicoEur;
    assert.equal(balance, 2500n * PICO_PER_CENT);
    const shown = await call("GET", "/api/credit");
    assert.deepEqual(
      { mode: shown.json.mode, balance: shown.json.balance },
      { mode: "prepaid", balance: "25.00" },
    );
    assert.equal((await call("POST", "/api/credit/top-up", { amountCents: 1 })).status, 400);
  });
});
