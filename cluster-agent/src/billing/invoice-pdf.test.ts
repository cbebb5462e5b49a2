import assert from "node:assert/strict";
import { test } from "node:test";
import { REVERSE_CHARGE_NOTE } from "../domain/vat.js";
import type { Invoice } from "../store/invoices.js";
import { testBilling } from "../test-support/billing.js";
import { pdfText } from "../test-support/pdf-text.js";
import { creditNotePdf, invoicePdf } from "./invoice-pdf.js";

const seller = testBilling().seller!;
const invoice: Invoice = {
  id: "inv_202611_abc",
  accountId: "acct_abc",
  month: "2026-11",
  status: "issued",
  currency: "EUR",
  taxRate: "0",
  costPicoEur: 123_450_000_000_000n,
  subtotalCents: 12345n,
  taxCents: 0n,
  totalCents: 12345n,
  generatedAt: new Date("2026-12-01T06:00:00Z"),
  generatedBy: "leader",
  issuedAt: new Date("2026-12-01T06:00:00Z"),
  issuedBy: "leader",
  dueAt: new Date("2026-12-15T06:00:00Z"),
  paidAt: null,
  paidBy: null,
  disputedAt: null,
  disputedBy: null,
  disputeReason: null,
  number: "2026-000042",
  vatRule: "eu_reverse_charge",
  vatNote: REVERSE_CHARGE_NOTE,
  seller,
  buyer: {
    name: "Max Muster",
    company: "Muster GmbH",
    address: "Hauptstr. 1\n10115 Berlin",
    country: "DE",
    vatId: "DE123456789",
  },
};
const lines = [
  {
    usagePeriod: "2026-11",
    model: "llama-70b",
    requests: 10n,
    promptTokens: 1_000_000n,
    cachedTokens: 0n,
    completionTokens: 250_000n,
    costPicoEur: 123_450_000_000_000n,
    amountCents: 12345n,
  },
];

test("the invoice PDF names seller, buyer, number, dates, VAT rule wording, totals and payment details", async () => {
  const text = await pdfText(await invoicePdf(invoice, lines));
  for (const expected of [
    "Invoice 2026-000042",
    "Entrim d.o.o.",
    "SI12345678",
    "District Court of Ljubljana",
    "Muster GmbH",
    "DE123456789",
    "Invoice date: 2026-12-01",
    "Supply period: 2026-11-01 to 2026-11-30",
    "Due date: 2026-12-15",
    "llama-70b",
    "123.45",
    "VAT (reverse charge) 0 %",
    "Article 196 of Council Directive 2006/112/EC",
    "SI56191000000123438",
    "Reference: 2026-000042",
  ]) {
    assert.ok(text.includes(expected), `missing "${expected}" in: ${text}`);
  }
});

test("usage of an earlier month delivered late is its own line, named as such, with a note", async () => {
  const late = { ...lines[0]!, usagePeriod: "2026-10", requests: 1n, amountCents: 99n };
  const text = await pdfText(await invoicePdf(invoice, [...lines, late]));
  assert.ok(text.includes("llama-70b (usage of 2026-10, delivered late)"), text);
  assert.ok(text.includes("0.99"), text);
  assert.ok(text.includes("reached billing after that month's invoice was issued"), text);
  const plain = await pdfText(await invoicePdf(invoice, lines));
  assert.ok(!plain.includes("delivered late"), plain);
});

test("an EU consumer's invoice prints the member state's rate and the One-Stop Shop note", async () => {
  const note =
    "VAT of Finland (25.5 %) charged under the One-Stop Shop, Article 58 of Council Directive 2006/112/EC";
  const finnish = {
    ...invoice,
    vatRule: "eu_consumer",
    vatNote: note,
    taxRate: "0.255",
    subtotalCents: 10000n,
    taxCents: 2550n,
    totalCents: 12550n,
    buyer: { ...invoice.buyer!, country: "FI", vatId: null },
  };
  const text = await pdfText(await invoicePdf(finnish, lines));
  for (const expected of ["VAT 25.5 %", "25.50", "125.50", note])
    assert.ok(text.includes(expected), `missing "${expected}" in: ${text}`);
});

test("the same invoice renders to the same bytes", async () => {
  assert.deepEqual(await invoicePdf(invoice, lines), await invoicePdf(invoice, lines));
});

test("the credit note PDF references the invoice and shows the credited amounts", async () => {
  const note = {
    id: "cn_x",
    number: "CN-2026-000001",
    invoiceId: invoice.id,
    accountId: invoice.accountId,
    amountCents: 5000n,
    subtotalCents: 5000n,
    taxCents: 0n,
    reason: "Dispute resolved in the customer's favour",
    createdAt: new Date("2026-12-10T00:00:00Z"),
    createdBy: "ops",
    refundState: null,
  };
  const text = await pdfText(await creditNotePdf(note, invoice));
  for (const expected of [
    "Credit note CN-2026-000001",
    "Credits invoice 2026-000042",
    "-50.00",
    "Muster GmbH",
  ]) {
    assert.ok(text.includes(expected), `missing "${expected}" in: ${text}`);
  }
});
