// The account pages over real HTTP against a real PostgreSQL. The app here registers accountRoutes
// behind a test-only hook that sets request.portal for the principal named in a header: the real
// session hook (cookie, CSRF, expiry) is server.ts's and is tested by the server's own tests.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { errorHandling } from "../api/errors.js";
import { parseApiKey } from "../domain/api-key.js";
import { createAccount, setAccountStatus } from "../store/accounts.js";
import { createApiKey, listApiKeys } from "../store/api-keys.js";
import { auditCheckpointKey, listAudit } from "../store/audit-log.js";
import { StoreAuditRecorder } from "../store/audit-recorder.js";
import { rollUpDay } from "../store/billing.js";
import { fileRequest } from "../store/data-subject-requests.js";
import { invoiceCsv, invoiceDocument } from "../store/invoice-export.js";
import { issueInvoice } from "../store/invoice-states.js";
import { generateInvoices, getInvoice, invoiceId } from "../store/invoices.js";
import { setLimits } from "../store/limits.js";
import { addModelVersion, createModel, setModelRetirement } from "../store/models.js";
import { upsertNode } from "../store/nodes.js";
import { publishNotice } from "../store/notices.js";
import { addPriceVersion } from "../store/prices.js";
import { createSuspension } from "../store/suspensions.js";
import { testBilling } from "../test-support/billing.js";
import { insertUsageEvent } from "../test-support/data-protection.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { accountRoutes } from "./account-routes.js";
import type { CustomerRole, PortalPrincipal } from "./context.js";

const DAY_MS = 86_400_000;
const pepper = randomBytes(32);
let t: TestStore;
let app: FastifyInstance;
let base: string;
/** Shifts the routes' clock (dispute windows); 0 = the real time. */
let clockOffsetMs = 0;
const principals = new Map<string, PortalPrincipal>();

const monthText = (d: Date) => d.toISOString().slice(0, 7);
const now = new Date();
const thisMonth = monthText(now);
const lastMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const lastMonth = monthText(lastMonthStart);
const twoMonthsAgo = monthText(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1)));

interface Fixture {
  accountId: string;
  keyId: string;
  invoiceId: string;
  requestId: string;
  noticeId: string;
}
const fx: Record<"a" | "b", Fixture> = {} as never;

function as(accountId: string, role: CustomerRole): string {
  const name = `${accountId}:${role}`;
  principals.set(name, {
    accountId,
    role,
    userId: `usr_${accountId.slice(5)}${role}`,
    sessionId: "ses_test",
  });
  return name;
}

async function call(who: string | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (who) headers["x-test-as"] = who;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, text, json };
}

async function account(tag: string): Promise<Fixture> {
  const created = await createAccount(t.store.pool, {
    name: `Customer ${tag}`,
    email: `${tag}@cross.example.eu`,
  });
  const { key } = await createApiKey(t.store.pool, {
    accountId: created.id,
    name: `${tag} server`,
    createdBy: "test",
    pepper,
  });
  // Last month: invoiced and issued; two months ago: a draft that customers must never see.
  await insertUsageEvent(t.store.pool, {
    accountId: created.id,
    keyId: key.id,
    receivedAt: new Date(lastMonthStart.getTime() + 3 * DAY_MS + 3_600_000),
  });
  await insertUsageEvent(t.store.pool, {
    accountId: created.id,
    keyId: key.id,
    receivedAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 5, 12)),
  });
  const request = await fileRequest(t.store.pool, {
    accountId: created.id,
    kind: "objection",
    requestedBy: `usr_${created.id.slice(5)}owner`,
    details: `${tag} objects`,
  });
  const notice = await publishNotice(t.store.pool, {
    accountId: created.id,
    kind: "billing",
    title: `For ${tag} only`,
    body: "Only this account reads this.",
    createdBy: "test",
  });
  return {
    accountId: created.id,
    keyId: key.id,
    invoiceId: invoiceId(created.id, lastMonth),
    requestId: request.id,
    noticeId: notice.id,
  };
}

before(async () => {
  t = await openTestStore();
  fx.a = await account("alpha");
  fx.b = await account("bravo");
  await generateInvoices(t.store.pool, { month: lastMonth, taxRate: "0.19", generatedBy: "test" });
  await generateInvoices(t.store.pool, { month: twoMonthsAgo, taxRate: "0.19", generatedBy: "test" });
  for (const f of [fx.a, fx.b])
    await issueInvoice(t.store.pool, f.invoiceId, { by: "test", now, billing: testBilling({}, "0.19") });
  const recorder = new StoreAuditRecorder(t.store, "test-node", auditCheckpointKey(pepper));
  app = Fastify({ logger: false });
  errorHandling(app, { logger: pino({ level: "silent" }), bodyLimitBytes: 1 << 20 });
  // Test support only: stands in for server.ts's session hook.
  app.addHook("onRequest", async (request) => {
    const who = request.headers["x-test-as"];
    if (typeof who === "string") request.portal = principals.get(who);
  });
  await app.register(async (scope) =>
    accountRoutes(scope, {
      store: t.store,
      recorder,
      pepper,
      logger: pino({ level: "silent" }),
      node: "test-node",
      now: () => new Date(Date.now() + clockOffsetMs),
    }),
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app?.close();
  await t?.close();
});

async function audited(action: string, target: string) {
  const entries = await listAudit(t.store.pool, { action, target });
  return entries.map((e) => [e.operator, e.role, e.source, e.result]);
}

describe("portal account routes", () => {
  it("keys: create (shown once), list with prefix and state, revoke; roles and bad input refused", async () => {
    const owner = as(fx.a.accountId, "owner");
    const created = await call(owner, "POST", "/api/keys", {
      name: "ci runner",
      expiresAt: new Date(Date.now() + 30 * DAY_MS).toISOString(),
    });
    assert.equal(created.status, 201, created.text);
    const parsed = parseApiKey(created.json.token);
    assert.equal(parsed?.id, created.json.key.id);
    assert.equal(created.json.key.prefix, `sk-entrim-${parsed?.id}-…`);
    assert.ok(!created.json.key.prefix.includes(parsed!.secret));
    assert.equal(created.json.key.state, "active");
    assert.deepEqual(await audited("key.create", created.json.key.id), [
      [principals.get(owner)!.userId, "customer", "portal", "ok"],
    ]);

    const listed = await call(as(fx.a.accountId, "developer"), "GET", "/api/keys");
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json.keys.map((k: { id: string }) => k.id).sort(),
      [fx.a.keyId, parsed!.id].sort(),
      "the account's keys only",
    );
    assert.ok(!listed.text.includes(parsed!.secret), "the secret is never listed");

    const billing = await call(as(fx.a.accountId, "billing"), "GET", "/api/keys");
    assert.equal(billing.status, 403);
    assert.equal(billing.json.error.code, "forbidden_role");
    assert.equal((await call(null, "GET", "/api/keys")).status, 401);

    for (const [body, param] of [
      [{ name: "x", color: "red" }, "color"],
      [{ name: "" }, "name"],
      [{ name: 5 }, "name"],
      [{ name: "x", expiresAt: new Date(Date.now() - 1000).toISOString() }, "expiresAt"],
      [{ name: "x", expiresAt: new Date(Date.now() + 800 * DAY_MS).toISOString() }, "expiresAt"],
      [{ name: "x", expiresAt: "tomorrow" }, "expiresAt"],
    ] as const) {
      const refused = await call(owner, "POST", "/api/keys", body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.json.error.param, param, JSON.stringify(body));
    }

    const revoked = await call(owner, "DELETE", `/api/keys/${parsed!.id}`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.json.key.state, "revoked");
    assert.equal((await audited("key.revoke", parsed!.id)).length, 1);
    assert.equal((await call(owner, "DELETE", `/api/keys/${parsed!.id}`)).status, 409);
  });

  it("keys: a restricted account cannot create keys, and is told why", async () => {
    const restricted = await createAccount(t.store.pool, { name: "Restricted", email: "r@cross.example.eu" });
    await setAccountStatus(t.store.pool, restricted.id, "restricted");
    const refused = await call(as(restricted.id, "owner"), "POST", "/api/keys", { name: "x" });
    assert.equal(refused.status, 403);
    assert.match(refused.json.error.message, /restricted/);
    assert.deepEqual(await listApiKeys(t.store.pool, { accountId: restricted.id }), []);
  });

  it("usage: by day and model, seconds-old requests included, rolled-up days counted once, CSV", async () => {
    const c = await createAccount(t.store.pool, { name: "Usage", email: "usage@cross.example.eu" });
    const { key } = await createApiKey(t.store.pool, { accountId: c.id, createdBy: "test", pepper });
    const day1 = new Date(lastMonthStart.getTime() + 10 * DAY_MS);
    const day2 = new Date(lastMonthStart.getTime() + 11 * DAY_MS);
    for (const at of [day1, day1, day2]) {
      await insertUsageEvent(t.store.pool, {
        accountId: c.id,
        keyId: key.id,
        receivedAt: new Date(at.getTime() + 3_600_000),
      });
    }
    await rollUpDay(t.store.pool, day1);
    await rollUpDay(t.store.pool, day2);
    // Day 1's events are gone (retention): only its roll-up is left. Day 2 is in both.
    await t.store.pool.query("DELETE FROM usage_events WHERE account_id = $1 AND received_at < $2", [
      c.id,
      day2,
    ]);
    await insertUsageEvent(t.store.pool, {
      accountId: c.id,
      keyId: key.id,
      receivedAt: new Date(Date.now() - 2_000),
    });
    await setLimits(t.store.pool, {
      accountId: c.id,
      set: { rpm: 60, spendCapEur: 25000 },
      updatedBy: "test",
    });
    const who = as(c.id, "billing");

    const past = await call(who, "GET", `/api/usage?month=${lastMonth}`);
    assert.equal(past.status, 200, past.text);
    assert.deepEqual(
      past.json.days.map((d: { day: string; requests: number }) => [d.day, d.requests]),
      [
        [day1.toISOString().slice(0, 10), 2],
        [day2.toISOString().slice(0, 10), 1],
      ],
    );
    assert.equal(past.json.totals.requests, 3);
    assert.equal(past.json.totals.inputTokens, 36);
    assert.equal(past.json.models[0].model, "entrim-tiny");
    assert.equal(past.json.totals.cost, "27021.597764", "3 × 9007.199254740993 €, summed then rounded");

    const current = await call(who, "GET", "/api/usage");
    assert.equal(current.json.month, thisMonth);
    assert.equal(current.json.totals.requests, 1, "a request made seconds ago");
    assert.deepEqual(current.json.months, [thisMonth, lastMonth]);
    assert.deepEqual(current.json.limits, {
      rpm: 60,
      tpm: null,
      concurrency: null,
      spendCapEur: "25000.00",
      spentThisMonth: "9007.199255",
    });

    const csv = await call(who, "GET", `/api/usage.csv?month=${lastMonth}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-disposition") ?? "", /attachment; filename="entrim-usage-/);
    assert.deepEqual(csv.text.trim().split("\n"), [
      "day,model,requests,input_tokens,cached_tokens,output_tokens,cost_eur",
      `${day1.toISOString().slice(0, 10)},entrim-tiny,2,24,0,10,18014.398509`,
      `${day2.toISOString().slice(0, 10)},entrim-tiny,1,12,0,5,9007.199255`,
    ]);
    const bad = await call(who, "GET", "/api/usage?month=2026-13");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, "month");
  });

  it("invoices: list without drafts, the CLI's documents, dispute within 30 days", async () => {
    const owner = as(fx.a.accountId, "owner");
    const list = await call(as(fx.a.accountId, "billing"), "GET", "/api/invoices");
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.invoices.map((i: { id: string; period: string; disputable: boolean }) => [
        i.id,
        i.period,
        i.disputable,
      ]),
      [[fx.a.invoiceId, lastMonth, true]],
      "the issued invoice only: the draft of an earlier month is not shown",
    );
    assert.equal(
      (await call(owner, "GET", `/api/invoices/${invoiceId(fx.a.accountId, twoMonthsAgo)}`)).status,
      404,
    );

    const { invoice, lines } = await getInvoice(t.store.pool, fx.a.invoiceId);
    const view = await call(owner, "GET", `/api/invoices/${fx.a.invoiceId}`);
    assert.deepEqual(view.json, invoiceDocument(invoice, lines));
    const json = await call(owner, "GET", `/api/invoices/${fx.a.invoiceId}/download?format=json`);
    assert.equal(json.text, `${JSON.stringify(invoiceDocument(invoice, lines), null, 2)}\n`);
    assert.match(json.headers.get("content-disposition") ?? "", /attachment/);
    const csv = await call(owner, "GET", `/api/invoices/${fx.a.invoiceId}/download?format=csv`);
    assert.equal(csv.text, invoiceCsv(invoice, lines));
    // The PDF is the document the customer was mailed, rendered from the issued invoice.
    const pdf = await call(owner, "GET", `/api/invoices/${fx.a.invoiceId}/download?format=pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get("content-type"), "application/pdf");
    assert.ok(pdf.text.startsWith("%PDF-"));
    assert.equal(
      (await call(owner, "GET", `/api/invoices/${fx.a.invoiceId}/download?format=xml`)).json.error.param,
      "format",
    );
    assert.equal((await call(as(fx.a.accountId, "developer"), "GET", "/api/invoices")).status, 403);

    const noReason = await call(owner, "POST", `/api/invoices/${fx.a.invoiceId}/dispute`, { reason: " " });
    assert.equal(noReason.json.error.param, "reason");
    const disputed = await call(owner, "POST", `/api/invoices/${fx.a.invoiceId}/dispute`, {
      reason: "Twice billed",
    });
    assert.equal(disputed.status, 200, disputed.text);
    assert.equal(disputed.json.invoice.status, "disputed");
    assert.equal(disputed.json.invoice.disputeReason, "Twice billed");
    assert.equal((await audited("invoice.dispute", fx.a.invoiceId)).length, 1);
    assert.equal(
      (await call(owner, "POST", `/api/invoices/${fx.a.invoiceId}/dispute`, { reason: "again" })).status,
      409,
    );

    clockOffsetMs = 31 * DAY_MS;
    try {
      const late = await call(
        as(fx.b.accountId, "billing"),
        "POST",
        `/api/invoices/${fx.b.invoiceId}/dispute`,
        {
          reason: "too late",
        },
      );
      assert.equal(late.status, 409);
      assert.match(late.json.error.message, /closed at \d{4}-\d{2}-\d{2}T/);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it("notices: the account's and its keys' warnings and suspensions in words, and service notices", async () => {
    const c = await createAccount(t.store.pool, { name: "Noticed", email: "noticed@cross.example.eu" });
    const { key } = await createApiKey(t.store.pool, { accountId: c.id, createdBy: "test", pepper });
    await createSuspension(t.store.pool, {
      targetType: "account",
      target: c.id,
      state: "warned",
      reason: "abuse",
      note: "operator's private note",
      createdBy: "test",
    });
    await createSuspension(t.store.pool, {
      targetType: "key",
      target: key.id,
      state: "suspended",
      reason: "security",
      createdBy: "test",
    });
    const global = await publishNotice(t.store.pool, {
      title: "Maintenance Sunday",
      body: "Short pauses.",
      kind: "maintenance",
      createdBy: "test",
    });
    await publishNotice(
      t.store.pool,
      { title: "Old news", body: "Gone.", expiresAt: new Date(Date.now() - 3_600_000), createdBy: "test" },
      new Date(Date.now() - 2 * 3_600_000),
    );
    const answer = await call(as(c.id, "developer"), "GET", "/api/notices");
    assert.equal(answer.status, 200);
    const byKind = (kind: string) => answer.json.notices.filter((n: { kind: string }) => n.kind === kind);
    assert.equal(byKind("warning")[0].reason, "abuse");
    assert.equal(byKind("suspension")[0].target, `key:${key.id}`);
    assert.match(byKind("suspension")[0].whatToDo, /Revoke/);
    assert.ok(!answer.text.includes("private note"), "operators' notes are never shown");
    assert.deepEqual(
      byKind("maintenance").map((n: { id: string }) => n.id),
      [global.id],
    );
    assert.ok(!answer.text.includes("Old news"), "expired notices are not shown");
    assert.ok(!answer.text.includes(fx.a.noticeId), "another account's notice is not shown");
  });

  it("models: what the cluster serves, with capabilities, context length and the price in force", async () => {
    await createModel(t.store.pool, { name: "embed-small", createdBy: "test" });
    await addModelVersion(t.store.pool, {
      model: "embed-small",
      version: "1",
      artifactUri: "https://models.example.eu/embed.gguf",
      sha256: "a".repeat(64),
      sizeBytes: 1000,
      runtimeOptions: { embeddings: true },
      contextLength: 8192,
      createdBy: "test",
    });
    await upsertNode(t.store.pool, {
      name: "gpu-1",
      region: "eu",
      addresses: [],
      version: "1",
      models: [{ id: "entrim-tiny" }],
      state: "ready",
    });
    await addPriceVersion(t.store.pool, {
      model: "entrim-tiny",
      inputMicroEurPerM: 150_000n,
      cachedMicroEurPerM: 75_000n,
      outputMicroEurPerM: 600_000n,
      createdBy: "test",
    });
    const answer = await call(as(fx.a.accountId, "billing"), "GET", "/api/models");
    assert.equal(answer.status, 200);
    const byId = new Map(answer.json.models.map((m: { id: string }) => [m.id, m]));
    assert.deepEqual(byId.get("entrim-tiny"), {
      id: "entrim-tiny",
      capabilities: { chat: true, completions: true, embeddings: false, tools: true, logprobs: true },
      contextLength: null,
      pricing: { input: "0.150000", cachedInput: "0.075000", output: "0.600000" },
      retiresAt: null,
      replacement: null,
    });
    assert.deepEqual(byId.get("embed-small"), {
      id: "embed-small",
      // An embedded model that embeds also generates (domain/capabilities.ts).
      capabilities: { chat: true, completions: true, embeddings: true, tools: true, logprobs: true },
      contextLength: 8192,
      pricing: null,
      retiresAt: null,
      replacement: null,
    });

    // A retiring model says when and what replaces it; a retired one is no longer offered.
    await createModel(t.store.pool, { name: "gone-1b", createdBy: "test" });
    const soon = new Date(Date.now() + 10 * 86_400_000);
    await setModelRetirement(t.store.pool, "embed-small", soon, "gone-1b");
    await setModelRetirement(t.store.pool, "gone-1b", new Date(Date.now() - 1000), null);
    try {
      const later = await call(as(fx.a.accountId, "developer"), "GET", "/api/models");
      const ids = later.json.models.map((m: { id: string }) => m.id);
      assert.ok(!ids.includes("gone-1b"), "a retired model is not offered");
      const small = later.json.models.find((m: { id: string }) => m.id === "embed-small");
      assert.equal(small.retiresAt, soon.toISOString());
      assert.equal(small.replacement, "gone-1b");
    } finally {
      await setModelRetirement(t.store.pool, "embed-small", null, null);
    }
  });

  it("profile: read by all, rectified by owners and billing, validated and audited", async () => {
    const read = await call(as(fx.a.accountId, "developer"), "GET", "/api/profile");
    assert.equal(read.json.account.id, fx.a.accountId);
    assert.equal(read.json.account.email, "alpha@cross.example.eu");
    const changed = await call(as(fx.a.accountId, "billing"), "PATCH", "/api/profile", {
      company: "Alpha GmbH",
      billingAddress: "Alpha GmbH\n1 Example Street\nBerlin",
      country: "de",
      vatId: "DE 123456789",
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.account.country, "DE");
    assert.equal(changed.json.account.vatId, "DE123456789");
    assert.equal((await audited("profile.update", fx.a.accountId)).length, 1);
    const cleared = await call(as(fx.a.accountId, "owner"), "PATCH", "/api/profile", { vatId: null });
    assert.equal(cleared.json.account.vatId, null);
    for (const [body, param] of [
      [{ country: "XX" }, "country"],
      [{ country: "Germany" }, "country"],
      [{ vatId: "123" }, "vatId"],
      [{ name: "" }, "name"],
      [{ email: "x@example.eu" }, "email"],
      [{ company: "a\u0007b" }, "company"],
    ] as const) {
      const refused = await call(as(fx.a.accountId, "owner"), "PATCH", "/api/profile", body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.json.error.param, param);
    }
    assert.equal(
      (await call(as(fx.a.accountId, "developer"), "PATCH", "/api/profile", { name: "x" })).status,
      403,
    );
  });

  it("profile: an EU VAT ID must have its member state's format, and the refusal names it", async () => {
    const owner = as(fx.a.accountId, "owner");
    for (const [vatId, format] of [
      ["DE12345678", /Germany is DE followed by 9 digits, e\.g\. DE123456789/],
      ["AT12345678", /Austria is AT followed by U and 8 digits/],
      ["NL123456789B1", /Netherlands is NL followed by 9 digits, B and 2 digits/],
      ["GR123456789", /start with EL/],
    ] as const) {
      const refused = await call(owner, "PATCH", "/api/profile", { vatId });
      assert.equal(refused.status, 400, vatId);
      assert.equal(refused.json.error.param, "vatId");
      assert.match(refused.json.error.message, format);
    }
    for (const [typed, stored] of [
      ["be 0123.456.789", "BE0123456789"],
      ["FRxx123456789", "FRXX123456789"],
      ["EL123456789", "EL123456789"],
      ["CHE-123.456.789", "CHE123.456.789"],
      ["GB123456789", "GB123456789"],
    ] as const) {
      const saved = await call(owner, "PATCH", "/api/profile", { vatId: typed });
      assert.equal(saved.status, 200, saved.text);
      assert.equal(saved.json.account.vatId, stored);
    }
    await call(owner, "PATCH", "/api/profile", { vatId: null });
  });

  it("data rights: export download, requests filed once, erasure revokes every key at once", async () => {
    const owner = as(fx.a.accountId, "owner");
    const exported = await call(owner, "GET", "/api/data/export");
    assert.equal(exported.status, 200);
    assert.match(
      exported.headers.get("content-disposition") ?? "",
      new RegExp(`entrim-export-${fx.a.accountId}\\.json`),
    );
    const document = JSON.parse(exported.text);
    assert.equal(document.account.id, fx.a.accountId);
    assert.equal(document.dataProtectionLog.length, 0, "this export is recorded after it was read");
    assert.equal((await audited("data.export", fx.a.accountId)).length, 1);
    assert.equal((await call(as(fx.a.accountId, "billing"), "GET", "/api/data/export")).status, 403);

    const listed = await call(owner, "GET", "/api/data/requests");
    assert.deepEqual(
      listed.json.requests.map((r: { id: string }) => r.id),
      [fx.a.requestId],
    );
    assert.equal((await call(owner, "POST", "/api/data/requests", { kind: "objection" })).status, 409);
    assert.equal(
      (await call(owner, "POST", "/api/data/requests", { kind: "deletion" })).json.error.param,
      "kind",
    );

    const c = await createAccount(t.store.pool, { name: "Leaving", email: "leaving@cross.example.eu" });
    for (let i = 0; i < 2; i++)
      await createApiKey(t.store.pool, { accountId: c.id, createdBy: "test", pepper });
    const closure = await call(as(c.id, "owner"), "POST", "/api/data/requests", {
      kind: "erasure",
      details: "Closing",
    });
    assert.equal(closure.status, 201, closure.text);
    assert.match(closure.json.message, /revoked/);
    assert.ok((await listApiKeys(t.store.pool, { accountId: c.id })).every((k) => k.revokedAt !== null));
    assert.equal((await audited("data_request.file", closure.json.request.id)).length, 1);
  });

  it("another account's ids are not found, exactly like missing ones, and nothing changes", async () => {
    const a = as(fx.a.accountId, "owner");
    const missing = {
      key: "aaaaaaaaaaaa",
      invoice: invoiceId("acct_nobodynobodynobo", lastMonth),
    };
    const pairs: [string, string, string, unknown?][] = [
      ["DELETE", `/api/keys/${fx.b.keyId}`, `/api/keys/${missing.key}`],
      ["GET", `/api/invoices/${fx.b.invoiceId}`, `/api/invoices/${missing.invoice}`],
      [
        "GET",
        `/api/invoices/${fx.b.invoiceId}/download?format=csv`,
        `/api/invoices/${missing.invoice}/download?format=csv`,
      ],
      [
        "POST",
        `/api/invoices/${fx.b.invoiceId}/dispute`,
        `/api/invoices/${missing.invoice}/dispute`,
        { reason: "x" },
      ],
    ];
    const before = await getInvoice(t.store.pool, fx.b.invoiceId);
    for (const [method, theirs, none, body] of pairs) {
      const other = await call(a, method, theirs, body);
      const absent = await call(a, method, none, body);
      assert.equal(other.status, 404, `${method} ${theirs}`);
      assert.equal(other.json.error.code, "not_found");
      assert.deepEqual(other.json, absent.json, "identical to a missing id");
    }
    assert.deepEqual(await getInvoice(t.store.pool, fx.b.invoiceId), before, "B's invoice unchanged");
    assert.ok(
      (await listApiKeys(t.store.pool, { accountId: fx.b.accountId })).every((k) => k.revokedAt === null),
    );
    const lists = await Promise.all(
      [
        "/api/keys",
        "/api/invoices",
        "/api/notices",
        "/api/data/requests",
        "/api/profile",
        `/api/usage?month=${lastMonth}`,
      ].map((path) => call(a, "GET", path)),
    );
    for (const list of lists) {
      assert.equal(list.status, 200);
      for (const id of Object.values(fx.b)) assert.ok(!list.text.includes(id), `${id} leaked`);
    }
  });
});
