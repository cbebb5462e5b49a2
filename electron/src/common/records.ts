// Channels of an account's invoices and data-subject export, and of a node's security events and
// audit entries. Kept apart from channels.ts (which spreads them in) so each concern reads on its own.
import type {
  Invoice__Output,
  InvoiceDetail__Output,
  InvoiceDocument__Output,
  SecurityEvent__Output,
} from "@entrim/proto";
import { z } from "zod";
import { getRequestChannel as req, returns } from "./channel.js";
import type { AuditEntry } from "./types.js";

export type Invoice = Invoice__Output;
export type InvoiceDetail = InvoiceDetail__Output;
export type InvoiceDocument = InvoiceDocument__Output;
export type SecurityEvent = SecurityEvent__Output;

/** A file for the renderer to save: it picks where (a download in the browser, a save dialog in the app). */
export interface SavedDocument {
  filename: string;
  contentType: string;
  /** The text, or with `encoding: "base64"` the bytes of a binary document (an invoice PDF). */
  content: string;
  encoding?: "base64";
}

const accountId = z.string().regex(/^acct_[a-z0-9]{16,40}$/, "expected an account id (acct_…)");
const invoiceId = z.string().regex(/^inv_\d{6}_[A-Za-z0-9_-]{1,64}$/, "expected an invoice id (inv_…)");
const nodeName = z.string().min(1).max(253);

export const listInvoicesRequest = z.object({ accountId }).strict();
export const getInvoiceRequest = z.object({ id: invoiceId }).strict();
export const exportInvoiceRequest = z
  .object({ id: invoiceId, format: z.enum(["json", "csv", "pdf"]) })
  .strict();
/** The reason goes to the audit log and the data-protection log: a ticket, never the person's data. */
export const exportAccountRequest = z
  .object({
    accountId,
    reason: z.string().trim().min(3, "say why (a ticket or request reference)").max(500),
  })
  .strict();
export const nodeRecordsRequest = z
  .object({ node: nodeName, limit: z.number().int().min(1).max(200).default(20) })
  .strict();

export const recordChannels = {
  listInvoices: req("accounts.invoices", listInvoicesRequest, returns<Invoice[]>),
  getInvoice: req("accounts.invoice", getInvoiceRequest, returns<InvoiceDetail>),
  exportInvoice: req("accounts.invoiceExport", exportInvoiceRequest, returns<SavedDocument>),
  /** The data-subject export (admin): the same JSON document `entrim-agent accounts export` writes. */
  exportAccount: req("accounts.export", exportAccountRequest, returns<SavedDocument>),
  /** A node's newest security events (the ones it saw). */
  nodeSecurityEvents: req("node.securityEvents", nodeRecordsRequest, returns<SecurityEvent[]>),
  /** A node's newest audit entries (the ones it recorded). */
  nodeAudit: req("node.audit", nodeRecordsRequest, returns<AuditEntry[]>),
} as const;
