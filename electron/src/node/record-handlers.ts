// Handlers of the record channels (common/records.ts): invoices and the data-subject export of an
// account, a node's security events and audit entries. Cluster-wide reads go to any reachable agent:
// the store is shared, so a node that is down still has its records shown.
import type {
  AuditEntry__Output,
  ExportAccountChunk__Output,
  Invoice__Output,
  InvoiceDetail__Output,
  InvoiceDocument__Output,
  SecurityEvent__Output,
} from "@entrim/proto";
import type { recordChannels } from "../common/index.js";
import { type AgentLink, unaryCall } from "./agent-link.js";
import type { ClusterConnection } from "./cluster.js";
import type { Handlers } from "./router.js";

const INVOICE_FORMATS = {
  json: "INVOICE_FORMAT_JSON",
  csv: "INVOICE_FORMAT_CSV",
  pdf: "INVOICE_FORMAT_PDF",
} as const;

/** A large account's export (every usage event of 90 days) takes a while to gather and send. */
const EXPORT_TIMEOUT_MS = 5 * 60_000;

/** Collects the export's chunks into the document; the stream's error (a refusal) rejects. */
function exportDocument(link: AgentLink, accountId: string, reason: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const call = link.accounts.exportAccount(
      { accountId, reason },
      { deadline: new Date(Date.now() + EXPORT_TIMEOUT_MS) },
    );
    call.on("data", (chunk: ExportAccountChunk__Output) => chunks.push(chunk.data));
    call.on("error", reject);
    call.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

export function recordHandlers(
  connected: () => ClusterConnection,
  writable: () => ClusterConnection,
): Pick<Handlers, keyof typeof recordChannels> {
  return {
    listInvoices: async ({ accountId }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { invoices: Invoice__Output[] }>(
            (r, o, cb) => l.accounts.listInvoices(r, o, cb),
            { accountId, limit: 1000 },
            30_000,
          ),
        )
      ).invoices,
    getInvoice: async ({ id }) =>
      connected().anyLink((l) =>
        unaryCall<object, InvoiceDetail__Output>(
          (r, o, cb) => l.accounts.getInvoice(r, o, cb),
          { id },
          30_000,
        ),
      ),
    exportInvoice: async ({ id, format }) => {
      const document = await connected().anyLink((l) =>
        unaryCall<object, InvoiceDocument__Output>(
          (r, o, cb) => l.accounts.exportInvoice(r, o, cb),
          { id, format: INVOICE_FORMATS[format] },
          30_000,
        ),
      );
      // A PDF crosses to the page as base64: the IPC carrier and SavedDocument are text.
      if (format === "pdf")
        return {
          filename: document.filename,
          contentType: document.contentType,
          content: Buffer.from(document.data).toString("base64"),
          encoding: "base64" as const,
        };
      return { filename: document.filename, contentType: document.contentType, content: document.content };
    },
    // Personal data leaving the cluster is an act, not a look: a read-only profile does not export.
    exportAccount: async ({ accountId, reason }) => ({
      filename: `${accountId}-export.json`,
      contentType: "application/json",
      content: await writable().anyLink((l) => exportDocument(l, accountId, reason)),
    }),
    nodeSecurityEvents: async ({ node, limit }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { events: SecurityEvent__Output[] }>(
            (r, o, cb) => l.abuse.listSecurityEvents(r, o, cb),
            { node, limit },
          ),
        )
      ).events,
    nodeAudit: async ({ node, limit }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { entries: AuditEntry__Output[] }>((r, o, cb) => l.audit.listAudit(r, o, cb), {
            node,
            limit,
          }),
        )
      ).entries,
  };
}
