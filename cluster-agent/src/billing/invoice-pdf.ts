import PDFDocument from "pdfkit";
import { ratePercent } from "../domain/eu-vat-rates.js";
import { formatCents } from "../store/billing.js";
import type { CreditNote } from "../store/credit-notes.js";
import { type Invoice, type InvoiceLine, LATE_USAGE_NOTE, lineLabel } from "../store/invoices.js";

/**
 * The invoice (or credit note) as the customer receives it: A4, the standard Helvetica fonts (no font
 * files to ship), and deterministic: the document's dates come from the invoice, so the same invoice
 * renders to the same bytes every time.
 */

const VAT_WORDING: Record<string, string> = {
  domestic: "VAT",
  eu_consumer: "VAT",
  eu_reverse_charge: "VAT (reverse charge)",
  non_eu: "VAT (not applicable)",
};

function day(date: Date | null): string {
  return date ? date.toISOString().slice(0, 10) : "-";
}

function render(build: (doc: PDFKit.PDFDocument) => void, title: string, createdAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: {
      Title: title,
      Producer: "entrim",
      Creator: "entrim",
      CreationDate: createdAt,
      ModDate: createdAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  build(doc);
  doc.end();
  return done;
}

function parties(doc: PDFKit.PDFDocument, invoice: Invoice): void {
  const seller = invoice.seller;
  const buyer = invoice.buyer;
  const top = doc.y;
  doc.font("Helvetica-Bold").fontSize(10).text("Seller", 50, top);
  doc
    .font("Helvetica")
    .text(
      seller
        ? [
            seller.legalName,
            seller.address,
            `VAT ID: ${seller.vatId}`,
            seller.registration,
            seller.email,
            seller.phone,
          ]
            .filter(Boolean)
            .join("\n")
        : "-",
      50,
      doc.y,
      { width: 230 },
    );
  const sellerBottom = doc.y;
  doc.font("Helvetica-Bold").text("Buyer", 310, top);
  doc
    .font("Helvetica")
    .text(
      buyer
        ? [
            buyer.company,
            buyer.name,
            buyer.address,
            buyer.country,
            buyer.vatId ? `VAT ID: ${buyer.vatId}` : null,
          ]
            .filter(Boolean)
            .join("\n")
        : invoice.accountId,
      310,
      doc.y,
      { width: 230 },
    );
  doc.y = Math.max(sellerBottom, doc.y) + 20;
  doc.x = 50;
}

function row(doc: PDFKit.PDFDocument, cells: string[], bold = false): void {
  const widths = [200, 110, 110, 75];
  const y = doc.y;
  doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(9);
  let x = 50;
  let bottom = y;
  cells.forEach((cell, i) => {
    doc.text(cell, x, y, { width: widths[i], align: i === 0 ? "left" : "right" });
    bottom = Math.max(bottom, doc.y);
    x += widths[i]! + 5;
  });
  // A label that wraps (a late line's) pushes the next row down, not under it.
  doc.x = 50;
  doc.y = bottom;
  doc.moveDown(0.4);
}

export function invoicePdf(invoice: Invoice, lines: InvoiceLine[]): Promise<Buffer> {
  if (!invoice.number || !invoice.issuedAt)
    throw new Error(`invoice ${invoice.id} is not issued: a draft has no PDF`);
  const [year, month] = invoice.month.split("-").map(Number) as [number, number];
  const periodEnd = new Date(Date.UTC(year, month, 0));
  return render(
    (doc) => {
      doc.font("Helvetica-Bold").fontSize(18).text(`Invoice ${invoice.number}`);
      doc.font("Helvetica").fontSize(10).moveDown(0.5);
      doc.text(`Invoice date: ${day(invoice.issuedAt)}`);
      doc.text(`Supply period: ${invoice.month}-01 to ${day(periodEnd)}`);
      doc.text(`Due date: ${day(invoice.dueAt)}`);
      doc.moveDown();
      parties(doc, invoice);
      row(doc, ["Model", "Input tokens", "Output tokens", "Amount EUR"], true);
      for (const line of lines) {
        row(doc, [
          lineLabel(line, invoice.month),
          String(line.promptTokens),
          String(line.completionTokens),
          formatCents(line.amountCents),
        ]);
      }
      doc.moveDown();
      row(doc, ["Subtotal", "", "", formatCents(invoice.subtotalCents)]);
      row(doc, [
        `${VAT_WORDING[invoice.vatRule ?? "domestic"]} ${ratePercent(invoice.taxRate)}`,
        "",
        "",
        formatCents(invoice.taxCents),
      ]);
      row(doc, ["Total EUR", "", "", formatCents(invoice.totalCents)], true);
      if (lines.some((line) => line.usagePeriod !== invoice.month))
        doc.moveDown().font("Helvetica").fontSize(9).text(LATE_USAGE_NOTE, 50, doc.y, { width: 495 });
      if (invoice.vatNote)
        doc.moveDown().font("Helvetica").fontSize(9).text(invoice.vatNote, 50, doc.y, { width: 495 });
      if (invoice.seller) {
        const { bank } = invoice.seller;
        doc.moveDown().font("Helvetica-Bold").fontSize(10).text("Payment", 50);
        doc.font("Helvetica").fontSize(9);
        doc.text(`Bank: ${bank.name}  IBAN: ${bank.iban}  BIC: ${bank.bic}`);
        doc.text(`Reference: ${invoice.number}`);
      }
    },
    `Invoice ${invoice.number}`,
    invoice.issuedAt,
  );
}

export function creditNotePdf(note: CreditNote, invoice: Invoice): Promise<Buffer> {
  return render(
    (doc) => {
      doc.font("Helvetica-Bold").fontSize(18).text(`Credit note ${note.number}`);
      doc.font("Helvetica").fontSize(10).moveDown(0.5);
      doc.text(`Date: ${day(note.createdAt)}`);
      doc.text(`Credits invoice ${invoice.number ?? invoice.id} of ${day(invoice.issuedAt)}`);
      doc.text(`Reason: ${note.reason}`);
      doc.moveDown();
      parties(doc, invoice);
      row(doc, ["Credited subtotal", "", "", `-${formatCents(note.subtotalCents)}`]);
      row(doc, [
        `${VAT_WORDING[invoice.vatRule ?? "domestic"]} ${ratePercent(invoice.taxRate)}`,
        "",
        "",
        `-${formatCents(note.taxCents)}`,
      ]);
      row(doc, ["Total credited EUR", "", "", `-${formatCents(note.amountCents)}`], true);
      if (invoice.vatNote)
        doc.moveDown().font("Helvetica").fontSize(9).text(invoice.vatNote, 50, doc.y, { width: 495 });
    },
    `Credit note ${note.number}`,
    note.createdAt,
  );
}
