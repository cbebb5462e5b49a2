import { formatCents } from "../store/billing.js";
import type { Db } from "../store/db.js";
import type { Invoice, InvoiceLine } from "../store/invoices.js";
import { enqueueMail } from "../store/mail.js";
import { invoicePdf } from "./invoice-pdf.js";

/**
 * Who receives an account's invoices: its portal users with the owner or billing role, else the
 * account's own address.
 */
export async function billingRecipients(db: Db, accountId: string): Promise<string[]> {
  const users = await db.query<{ email: string }>(
    "SELECT email FROM portal_users WHERE account_id = $1 AND role IN ('owner', 'billing') ORDER BY email",
    [accountId],
  );
  if (users.rows.length > 0) return [...new Set(users.rows.map((row) => row.email))];
  const account = await db.query<{ email: string }>("SELECT email FROM accounts WHERE id = $1", [accountId]);
  return account.rows.map((row) => row.email);
}

/**
 * Queues the "invoice issued" email with the PDF attached, in the issuing transaction: the invoice
 * and its email commit together, so a retry neither issues nor sends twice.
 */
export async function queueInvoiceIssuedMail(
  db: Db,
  invoice: Invoice,
  lines: InvoiceLine[],
  /** The portal's public base URL when customers can pay online there (Stripe configured). */
  payBase?: string,
): Promise<number> {
  const pdf = await invoicePdf(invoice, lines);
  const recipients = await billingRecipients(db, invoice.accountId);
  const seller = invoice.seller?.legalName ?? "entrim";
  for (const to of recipients) {
    await enqueueMail(db, {
      kind: "billing.invoice_issued",
      accountId: invoice.accountId,
      to,
      subject: `Invoice ${invoice.number} from ${seller}`,
      text: [
        `Invoice ${invoice.number} for ${invoice.month} is attached.`,
        `Total: ${formatCents(invoice.totalCents)} EUR, due ${invoice.dueAt?.toISOString().slice(0, 10)}.`,
        invoice.seller
          ? `Pay by bank transfer to ${invoice.seller.bank.iban} (${invoice.seller.bank.bic}) with reference ${invoice.number}.`
          : "",
        payBase ? `Pay online: ${payBase.replace(/\/$/, "")}/pay/${encodeURIComponent(invoice.id)}` : "",
        "You can also download it from the portal (Invoices).",
      ]
        .filter(Boolean)
        .join("\n"),
      attachments: [
        {
          filename: `invoice-${invoice.number}.pdf`,
          contentType: "application/pdf",
          content: pdf.toString("base64"),
        },
      ],
    });
  }
  return recipients.length;
}
