// Invoices, the data-subject export and the node filters over real gRPC with mutual TLS, on a real
// store: what an operator's console sees, refused or allowed by the certificate's role.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { after, before, it } from "node:test";
import type { ExportAccountChunk__Output } from "@entrim/proto";
import { type ServiceError, status } from "@grpc/grpc-js";
import { pino } from "pino";
import { invoicePdf } from "../../billing/invoice-pdf.js";
import { createAccount } from "../../store/accounts.js";
import { createApiKey } from "../../store/api-keys.js";
import { auditCheckpointKey } from "../../store/audit-hash.js";
import { listAudit } from "../../store/audit-log.js";
import { StoreAuditRecorder } from "../../store/audit-recorder.js";
import { listActions } from "../../store/data-subject.js";
import { invoiceCsv, invoiceDocument } from "../../store/invoice-export.js";
import { issueInvoice } from "../../store/invoice-states.js";
import { generateInvoices, getInvoice } from "../../store/invoices.js";
import { insertSecurityEvents } from "../../store/security-events.js";
import { insertUsageEvents } from "../../store/usage-events.js";
import { testBilling } from "../../test-support/billing.js";
import {
  callUnary,
  collectStream,
  controlClients,
  issueTestPki,
  openStream,
  type TestPki,
} from "../../test-support/control-client.js";
import { makeTempDataDir, openTestStore, type TestStore } from "../../test-support/postgres.js";
import { sampleEvent } from "../../test-support/usage-events.js";
import { type ControlServer, startControlServer } from "../server.js";
import { abuseService } from "./abuse.js";
import { accountService } from "./accounts.js";
import { auditService } from "./audit.js";

let t: TestStore;
let pki: TestPki;
let dir: string;
let server: ControlServer;
const key = auditCheckpointKey(randomBytes(32));
type Clients = Awaited<ReturnType<typeof controlClients>>;
const clients: Partial<Record<"viewer" | "operator" | "admin", Clients>> = {};

before(async () => {
  t = await openTestStore();
  dir = await makeTempDataDir();
  pki = await issueTestPki(dir);
  const recorder = new StoreAuditRecorder(t.store, "test-node", key);
  // Only what these methods use: the abuse service's suspension cache is not exercised here.
  const suspensions = { on() {}, off() {} } as unknown as Parameters<typeof abuseService>[0]["suspensions"];
  server = await startControlServer({
    listen: "127.0.0.1:0",
    ...pki.node,
    logger: pino({ level: "silent" }),
    services: [
      accountService({ store: t.store, recorder }),
      abuseService({ store: t.store, suspensions, recorder }),
      auditService({ store: t.store, key }),
    ],
  });
  for (const role of ["viewer", "operator", "admin"] as const)
    clients[role] = await controlClients({ address: server.address, ...pki.operators[role] });
});

after(async () => {
  for (const c of Object.values(clients)) c?.close();
  await server?.stop(100);
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const MARCH = Date.UTC(2025, 2, 10);

it("lists an account's invoices with exact amounts; lines and documents as the CLI renders them", async () => {
  const pool = t.store.pool;
  const account = await createAccount(pool, { name: "Ledger GmbH", email: "books@ledger.example" });
  const apiKey = await createApiKey(pool, {
    accountId: account.id,
    createdBy: "test",
    pepper: Buffer.alloc(32, 2),
  });
  const base = { accountId: account.id, keyId: apiKey.key.id, receivedAt: MARCH };
  // 1.234567890123 EUR + 0.5 EUR on one model, 0.004999999999 EUR on another (rounds to 0 cents).
  await insertUsageEvents(pool, [
    sampleEvent(undefined, { ...base, model: "alpha", costPicoEur: 1_234_567_890_123n }),
    sampleEvent(undefined, { ...base, model: "alpha", costPicoEur: 500_000_000_000n }),
    sampleEvent(undefined, { ...base, model: "beta", costPicoEur: 4_999_999_999n }),
  ]);
  await generateInvoices(pool, { month: "2025-03", taxRate: "0.19", generatedBy: "test" });

  const viewer = clients.viewer!.accounts;
  const listed = await callUnary(viewer, "listInvoices", { accountId: account.id });
  assert.equal(listed.invoices?.length, 1);
  const invoice = listed.invoices![0]!;
  assert.deepEqual(
    {
      period: invoice.period,
      status: invoice.status,
      subtotalCents: invoice.subtotalCents,
      taxCents: invoice.taxCents,
      totalCents: invoice.totalCents,
      total: invoice.total,
      costPicoEur: invoice.costPicoEur,
    },
    {
      period: "2025-03",
      status: "draft",
      // 173 cents (alpha: 1.734567890123 → 1.73) + 0 (beta); tax 0.19 × 173 = 32.87 → 33.
      subtotalCents: "173",
      taxCents: "33",
      totalCents: "206",
      total: "2.06",
      costPicoEur: "1739567890122",
    },
  );

  const detail = await callUnary(viewer, "getInvoice", { id: invoice.id });
  assert.deepEqual(
    detail.lines?.map((l) => [l.model, l.requests, l.costPicoEur, l.amountCents, l.amount]),
    [
      ["alpha", 2, "1734567890123", "173", "1.73"],
      ["beta", 1, "4999999999", "0", "0.00"],
    ],
  );
  const stored = await getInvoice(pool, invoice.id);
  const json = await callUnary(viewer, "exportInvoice", { id: invoice.id });
  assert.equal(json.filename, `${invoice.id}.json`);
  assert.equal(json.content, `${JSON.stringify(invoiceDocument(stored.invoice, stored.lines), null, 2)}\n`);
  const csv = await callUnary(viewer, "exportInvoice", { id: invoice.id, format: "INVOICE_FORMAT_CSV" });
  assert.equal(csv.content, invoiceCsv(stored.invoice, stored.lines));
  assert.match(csv.content!, /,total,.*,2\.06,\n$/);

  // The PDF is what the customer received: none for a draft, the issued invoice's once issued.
  await assert.rejects(
    callUnary(viewer, "exportInvoice", { id: invoice.id, format: "INVOICE_FORMAT_PDF" }),
    (error: ServiceError) => error.code === status.FAILED_PRECONDITION && /draft/.test(error.details),
  );
  const issued = await issueInvoice(pool, invoice.id, {
    by: "test",
    billing: testBilling(),
    now: new Date("2025-04-02T08:00:00Z"),
  });
  const pdf = await callUnary(viewer, "exportInvoice", { id: invoice.id, format: "INVOICE_FORMAT_PDF" });
  assert.equal(pdf.filename, `${invoice.id}.pdf`);
  assert.equal(pdf.contentType, "application/pdf");
  const received = await getInvoice(pool, invoice.id);
  assert.deepEqual(Buffer.from(pdf.data!), await invoicePdf(received.invoice, received.lines));
  assert.match(Buffer.from(pdf.data!).subarray(0, 5).toString("latin1"), /^%PDF-/);
  assert.ok(issued.number, "issued invoices are numbered");

  const refused = (code: status, pattern: RegExp) => (error: ServiceError) =>
    error.code === code && pattern.test(error.details);
  await assert.rejects(
    callUnary(viewer, "listInvoices", {}),
    refused(status.INVALID_ARGUMENT, /account_id or month/),
  );
  await assert.rejects(
    callUnary(viewer, "listInvoices", { month: "March" }),
    refused(status.INVALID_ARGUMENT, /2026-11/),
  );
  await assert.rejects(
    callUnary(viewer, "getInvoice", { id: "inv_202503_nobody" }),
    refused(status.NOT_FOUND, /no invoice/),
  );
});

function exportOf(client: Clients, accountId: string, reason: string): Promise<ExportAccountChunk__Output[]> {
  return collectStream(openStream(client.accounts, "exportAccount", { accountId, reason }));
}

it("the data-subject export is the admin's: refused for an operator, audited with its reason", async () => {
  const pool = t.store.pool;
  const account = await createAccount(pool, { name: "Ada Subject", email: "ada@subject.example" });

  await assert.rejects(exportOf(clients.operator!, account.id, "ticket 4711"), (error: ServiceError) => {
    assert.equal(error.code, status.PERMISSION_DENIED);
    assert.equal(
      error.details,
      "ExportAccount needs the admin role; your certificate (operator) names operator.",
    );
    return true;
  });
  await assert.rejects(
    exportOf(clients.admin!, account.id, "  "),
    (error: ServiceError) =>
      error.code === status.INVALID_ARGUMENT && /reason is required/.test(error.details),
  );
  assert.deepEqual(await listActions(pool, account.id), [], "nothing exported yet");

  const chunks = await exportOf(clients.admin!, account.id, "ticket 4711");
  const document = JSON.parse(Buffer.concat(chunks.map((c) => c.data)).toString("utf8"));
  assert.equal(document.format, "entrim-account-export/1");
  assert.equal(document.account.id, account.id);
  assert.equal(document.account.email, "ada@subject.example");

  const [entry] = await listAudit(pool, { action: "data-subject.export", target: account.id });
  assert.deepEqual(
    entry && [entry.operator, entry.role, entry.source, entry.reason, entry.result, entry.node],
    ["admin", "admin", "grpc", "ticket 4711", "ok", "test-node"],
  );
  const actions = await listActions(pool, account.id);
  assert.deepEqual(
    actions.map((a) => [a.action, a.performedBy, a.reason]),
    [["export", "admin", "ticket 4711"]],
  );

  await assert.rejects(
    exportOf(clients.admin!, "acct_nobodynobodynobody", "ticket 4712"),
    (error: ServiceError) => error.code === status.NOT_FOUND,
  );
  const [failed] = await listAudit(pool, {
    action: "data-subject.export",
    target: "acct_nobodynobodynobody",
  });
  assert.match(failed?.result ?? "", /^error: There is no account/);
});

it("security events and audit entries filter by node", async () => {
  const pool = t.store.pool;
  const now = new Date();
  const event = {
    occurredAt: now,
    ip: "192.0.2.9",
    accountId: null,
    keyId: null,
    code: "invalid_api_key",
    detail: {},
  };
  await insertSecurityEvents(pool, [
    { ...event, node: "gpu-a", kind: "auth_failure" },
    { ...event, node: "gpu-b", kind: "auth_failure" },
    { ...event, node: "gpu-b", kind: "malformed_request" },
  ]);
  const viewer = clients.viewer!;
  const events = await callUnary(viewer.abuse, "listSecurityEvents", { node: "gpu-b" });
  assert.deepEqual(events.events?.map((e) => e.node).sort(), ["gpu-b", "gpu-b"]);
  const all = await callUnary(viewer.abuse, "listSecurityEvents", {});
  assert.ok((all.events?.length ?? 0) >= 3, "no filter: every node's");

  const other = new StoreAuditRecorder(t.store, "gpu-c", key);
  await other.record({
    operator: "ada",
    role: "operator",
    source: "grpc",
    action: "node.drain",
    target: "node:gpu-c",
    reason: "kernel update",
    result: "ok",
  });
  const onC = await callUnary(viewer.audit, "listAudit", { node: "gpu-c" });
  assert.deepEqual(
    onC.entries?.map((e) => [e.node, e.action, e.target]),
    [["gpu-c", "node.drain", "node:gpu-c"]],
  );
  const onTest = await callUnary(viewer.audit, "listAudit", { node: "test-node" });
  assert.ok(onTest.entries!.length >= 1);
  assert.ok(onTest.entries!.every((e) => e.node === "test-node"));
});
