// Records behind the accounts and node views: the open account's invoices and the invoice whose lines
// are showing, the data-subject export dialog, and the focused node's security events and audit
// entries. Answers about an account or node the operator has since left are dropped.
import type { AuditEntry, Invoice, InvoiceDetail, SecurityEvent } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export interface NodeRecords {
  node: string;
  events: SecurityEvent[];
  audit: AuditEntry[];
  error?: string;
  loadedAtMs: number;
}

export interface RecordsSlice {
  /** Invoices of `accountId`, newest period first. */
  invoices: { accountId: string; list: Invoice[] } | undefined;
  invoiceDetail: InvoiceDetail | undefined;
  /** The account the "Export personal data" dialog is for, while it is open. */
  exportDialog: { accountId: string } | undefined;
  nodeRecords: NodeRecords | undefined;
  invoicesLoaded(accountId: string, list: Invoice[]): void;
  invoiceOpened(detail: InvoiceDetail | undefined): void;
  openExportDialog(accountId: string | undefined): void;
  nodeRecordsLoaded(records: Omit<NodeRecords, "loadedAtMs">, now?: number): void;
}

export const createRecordsSlice: StateCreator<AppState, [], [], RecordsSlice> = (set, get) => ({
  invoices: undefined,
  invoiceDetail: undefined,
  exportDialog: undefined,
  nodeRecords: undefined,
  invoicesLoaded: (accountId, list) => {
    const open = get().accountDetail?.account?.id;
    if (open !== undefined && open !== accountId) return;
    const keepDetail = get().invoiceDetail?.invoice?.accountId === accountId;
    set({
      invoices: { accountId, list: sortInvoices(list) },
      ...(keepDetail ? {} : { invoiceDetail: undefined }),
    });
  },
  invoiceOpened: (invoiceDetail) => set({ invoiceDetail }),
  openExportDialog: (accountId) =>
    set({ exportDialog: accountId ? { accountId } : undefined, paletteOpen: false }),
  nodeRecordsLoaded: (records, now = Date.now()) => {
    if (get().focusedNode !== records.node) return;
    // A failed refresh keeps the rows it had and says why, rather than blanking the panels.
    const previous = get().nodeRecords;
    const keep = records.error && previous?.node === records.node ? previous : undefined;
    set({
      nodeRecords: keep ? { ...keep, error: records.error } : { ...records, loadedAtMs: now },
    });
  },
});

/** Newest period first; one account has one invoice per month. */
export function sortInvoices(list: Invoice[]): Invoice[] {
  return [...list].sort((a, b) => b.period.localeCompare(a.period) || a.id.localeCompare(b.id));
}

/**
 * Invoices the customer disputed (in the portal or through an operator), newest dispute first: open
 * disputes and those since settled, which keep their date and reason.
 */
export function disputedInvoices(list: Invoice[]): Invoice[] {
  return list
    .filter((i) => i.status === "disputed" || Number(i.disputedAtMs) > 0)
    .sort((a, b) => Number(b.disputedAtMs) - Number(a.disputedAtMs) || a.id.localeCompare(b.id));
}

/** Euros with two decimals from integer cents as decimal text ("123456" → "€1,234.56"), no floats. */
export function centsText(cents: string): string {
  const negative = cents.startsWith("-");
  const digits = (negative ? cents.slice(1) : cents).padStart(3, "0");
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}€${whole}.${digits.slice(-2)}`;
}

/** One short line for a security event's subject: account, key or address, whichever it names. */
export function eventSubject(e: SecurityEvent): string {
  return [e.accountId, e.keyId, e.ip].filter(Boolean).join(" · ") || "–";
}
