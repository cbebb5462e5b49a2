// Side effects of the record views: invoices and the data-subject export of an account, a node's
// security events and audit entries. Like the controller's, results go into the store; files the
// Node side returns are saved by the page (saveDocument), so the carrier stays a plain call.
import { channels, type SavedDocument } from "@entrim/electron/common";
import type { Controller } from "./controller.js";

/** How many of a node's newest security events and audit entries the node view lists. */
export const NODE_RECORDS_LIMIT = 15;

function fail(controller: Controller, context: string, error: unknown): void {
  controller.store.getState().notify("error", `${context}: ${(error as Error).message ?? error}`);
}

export async function loadInvoices(controller: Controller, accountId: string): Promise<void> {
  try {
    const list = await controller.api.call(channels.listInvoices, { accountId });
    controller.store.getState().invoicesLoaded(accountId, list);
  } catch (error) {
    fail(controller, `Invoices of ${accountId}`, error);
  }
}

export async function openInvoice(controller: Controller, id: string): Promise<void> {
  try {
    controller.store.getState().invoiceOpened(await controller.api.call(channels.getInvoice, { id }));
  } catch (error) {
    fail(controller, `Invoice ${id}`, error);
  }
}

export async function downloadInvoice(controller: Controller, id: string, format: "json" | "csv" | "pdf") {
  try {
    saveDocument(await controller.api.call(channels.exportInvoice, { id, format }));
  } catch (error) {
    fail(controller, `Invoice ${id}`, error);
  }
}

/** Resolves true once the document is saved; a refusal (role, reason) is shown and resolves false. */
export async function exportAccount(controller: Controller, accountId: string, reason: string) {
  try {
    saveDocument(await controller.api.call(channels.exportAccount, { accountId, reason }));
    controller.store.getState().notify("info", `Exported the personal data of ${accountId}.`);
    return true;
  } catch (error) {
    fail(controller, `Export of ${accountId}`, error);
    return false;
  }
}

export async function refreshNodeRecords(controller: Controller, node: string): Promise<void> {
  const request = { node, limit: NODE_RECORDS_LIMIT };
  try {
    const [events, audit] = await Promise.all([
      controller.api.call(channels.nodeSecurityEvents, request),
      controller.api.call(channels.nodeAudit, request),
    ]);
    controller.store.getState().nodeRecordsLoaded({ node, events, audit });
  } catch (error) {
    controller.store
      .getState()
      .nodeRecordsLoaded({ node, events: [], audit: [], error: (error as Error).message ?? String(error) });
  }
}

/**
 * Saves a document as a file: a download in the browser; in the desktop app Electron asks where. The
 * object URL lives only as long as the click needs it.
 */
export function saveDocument(file: SavedDocument): void {
  const body =
    file.encoding === "base64" ? Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0)) : file.content;
  const url = URL.createObjectURL(new Blob([body], { type: file.contentType }));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
