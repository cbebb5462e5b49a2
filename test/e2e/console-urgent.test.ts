import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeTinyModel } from "@entrim/cluster-agent/dist/runtime/tiny-model.js";
import { upsertAbuseFlags } from "@entrim/cluster-agent/dist/store/abuse-flags.js";
import { endPool } from "@entrim/cluster-agent/dist/store/db.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { type ListModelsResponse__Output, loadAgentProto } from "@entrim/proto";
import pg from "pg";
import { type Browser, chromium, type Page } from "playwright-core";
import { type TestCluster, testCluster } from "./cluster.js";
import {
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_ARGS,
  type ConsolePki,
  type ConsoleProcess,
  chromiumMissing,
  makeClusterPki,
  openConsoleAccount,
  startConsole,
  writeProfiles,
} from "./console-support.js";
import { call, tlsFor } from "./control.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The urgent actions from the console, end to end, with no database access or key secret at the desk:
 * a real agent on a real store serving the tiny model as catalogue version v1 (v2 beside it), and
 * operator, admin and viewer consoles in browser mode in a real (headless) Chromium. Every act goes
 * over gRPC, is checked on the cluster (the key refused by the API, the account erased, the node
 * serving v2, the certificate on the deny list) and is in the audit log; a viewer sees each disabled
 * with the reason.
 */
const NODE = "urg-0";
const MODEL = "entrim-tiny";
const FLAG_SUBJECT = "198.51.100.7/32";
/** Left open: what the viewer sees. */
const OTHER_FLAG = "198.51.100.8/32";
let cluster: TestCluster;
let browser: Browser;
let agent: AgentProcess;
let pool: pg.Pool;
let pki: ConsolePki;
let profilesFile: string;
let rollouts: InstanceType<ReturnType<typeof loadAgentProto>["RolloutService"]>;
const consoles: ConsoleProcess[] = [];
const dirs: string[] = [];
const pageErrors: string[] = [];
const skip = chromiumMissing();
type Customer = { accountId: string; keyId: string; token: string };
let kim: Customer;
let rita: Customer;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await testCluster();
  const dataDir = tempDir(NODE);
  const files = tempDir("console-urgent-models");
  const pkiDir = tempDir("console-urgent-pki");
  dirs.push(dataDir, files, pkiDir);
  // v1 is the tiny model every agent generates by default (seed 1); v2 answers differently.
  const v1 = await writeTinyModel({ out: join(files, "v1.gguf"), seed: 1 });
  const v2 = await writeTinyModel({ out: join(files, "v2.gguf"), seed: 2 });
  pki = makeClusterPki(
    { [NODE]: dataDir },
    { admin: "admin", operator: "operator", viewer: "viewer", mallory: "operator" },
    pkiDir,
  );
  cli(dataDir, "db", "migrate");
  cli(dataDir, "catalog", "add-model", "--name", MODEL);
  for (const [version, file] of [
    ["v1", v1],
    ["v2", v2],
  ] as const)
    cli(
      dataDir,
      ...["catalog", "add-version", "--model", MODEL, "--model-version", version],
      ...["--uri", `file://${file.path}`, "--sha256", file.sha256, "--size", String(file.bytes)],
      ...["--option", "threads=1", "--option", "parallel=2"],
    );
  agent = await startAgent(dataDir, ["--node-name", NODE]);
  profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agent.control!]);
  pool = new pg.Pool({ connectionString: cluster.store.url });
  rollouts = new (loadAgentProto().RolloutService)(
    agent.control!,
    tlsFor({ ca: pki.ca, ...pki.operators.admin! }),
  );
  kim = createAccountWithKey(dataDir, "Kim Leaked");
  rita = createAccountWithKey(dataDir, "Rita Rights");
  const now = new Date();
  await upsertAbuseFlags(
    pool,
    [FLAG_SUBJECT, OTHER_FLAG].map((subject) => ({
      subjectType: "ip" as const,
      subject,
      rule: "auth_failures",
      firstSeen: now,
      lastSeen: now,
      count: 50,
      evidence: { threshold: 20 },
    })),
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const c of consoles) await c.stop();
  rollouts?.close();
  if (pool) await endPool(pool);
  await agent?.stop();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

async function open(profile: "admin" | "operator" | "viewer"): Promise<Page> {
  const started = await startConsole(profilesFile, profile);
  consoles.push(started);
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(started.url);
  await page.waitForSelector(`.row.node[data-node="${NODE}"][data-state="serving"]`);
  return page;
}

async function openAccount(page: Page, customer: Customer, name: string): Promise<void> {
  await openConsoleAccount(page, customer.accountId, name);
  // The keys and limits arrive by their own calls after the account opens; on a loaded 2-core
  // machine that has taken more than Playwright's default 30 s.
  await page
    .locator(`[data-testid="account-keys"] [data-key="${customer.keyId}"]`)
    .waitFor({ timeout: 90_000 });
}

const dialogOf = (page: Page, label: string) => page.locator(`[role="dialog"][aria-label="${label}"]`);
const button = (page: Page, id: string) => page.locator(`button[data-action="${id}"]`).first();

async function openNode(page: Page): Promise<void> {
  await page.keyboard.press("1");
  await page.dblclick(`.row.node[data-node="${NODE}"] .name`);
  await page.locator(`[aria-label="Node ${NODE}"]`).waitFor();
}

async function auditRows(action: string) {
  return (
    await pool.query("SELECT target, operator, role, result FROM audit_log WHERE action = $1 ORDER BY seq", [
      action,
    ])
  ).rows;
}

test("an operator revokes a key (the API refuses it), sets limits and resolves an abuse flag", {
  skip,
}, async () => {
  const page = await open("operator");
  assert.equal(
    (await fetch(`${agent.baseURL}/models`, { headers: { authorization: `Bearer ${kim.token}` } })).status,
    200,
  );
  await openAccount(page, kim, "Kim Leaked");

  // Revoke: the row's button, a reason, then the key is refused on the API.
  await page.locator(`[data-key="${kim.keyId}"] button[data-action="key.revoke"]`).click();
  const revoke = dialogOf(page, `Revoke API key ${kim.keyId}`);
  assert.equal(await revoke.locator('button[type="submit"]').isDisabled(), true, "a reason first");
  await revoke.locator('input[name="reason"]').fill("posted in a public repository");
  await revoke.locator('button[type="submit"]').click();
  await revoke.waitFor({ state: "detached" });
  await page.locator(`[data-key="${kim.keyId}"] td.warn`, { hasText: "revoked" }).waitFor();
  await until("the API refuses the revoked key", async () => {
    const response = await fetch(`${agent.baseURL}/models`, {
      headers: { authorization: `Bearer ${kim.token}` },
    });
    return response.status === 401;
  });

  // Limits: rpm and a spend cap, shown at once and stored.
  await button(page, "account.limits").click();
  const limits = dialogOf(page, `Limits of ${kim.accountId}`);
  await limits.locator('input[name="rpm"]').fill("600");
  await limits.locator('input[name="spendCapEur"]').fill("12.5x");
  await limits.locator('button[type="submit"]').click();
  await limits.locator(".bad", { hasText: "spend_cap_eur must be an amount in EUR" }).waitFor();
  await limits.locator('input[name="spendCapEur"]').fill("99.90");
  await limits.locator('button[type="submit"]').click();
  await limits.waitFor({ state: "detached" });
  await page.locator('[data-testid="account-limits"]', { hasText: "requests/min: 600" }).waitFor();
  const stored = await pool.query(
    "SELECT rpm, spend_cap_eur FROM rate_limits WHERE account_id = $1 AND key_id IS NULL",
    [kim.accountId],
  );
  assert.deepEqual(stored.rows[0], { rpm: 600, spend_cap_eur: "99.90" });

  // The admin's acts are shown, disabled, with why.
  assert.equal(await button(page, "account.erase").isDisabled(), true);
  assert.equal(
    await button(page, "account.erase").getAttribute("title"),
    "Needs the admin role; your certificate (operator) names operator.",
  );

  // Abuse: resolve the open flag with a note.
  await page.keyboard.press("2");
  const flagRow = page.locator(".abuse tr", { hasText: FLAG_SUBJECT });
  await flagRow.locator('button[data-action="abuse.resolve"]').click();
  const resolve = page.locator('[role="dialog"][aria-label^="Resolve abuse flag"]');
  await resolve.locator('input[name="note"]').fill("scanner; blocked at the edge");
  await resolve.locator('button[type="submit"]').click();
  await resolve.waitFor({ state: "detached" });
  await flagRow.waitFor({ state: "detached" });
  const flag = await pool.query(
    "SELECT status, resolved_by, resolved_note FROM abuse_flags WHERE subject = $1",
    [FLAG_SUBJECT],
  );
  assert.deepEqual(flag.rows[0], {
    status: "resolved",
    resolved_by: "operator",
    resolved_note: "scanner; blocked at the edge",
  });
  assert.deepEqual(
    (await auditRows("key.revoke")).map((r) => [r.target, r.operator, r.result]),
    [[`key:${kim.keyId}`, "operator", "ok"]],
  );
  assert.equal((await auditRows("limits.set"))[0]?.operator, "operator");
  assert.equal((await auditRows("abuse.resolve"))[0]?.operator, "operator");
  assert.deepEqual(pageErrors, []);
});

test("an admin restricts, unrestricts and erases (type-to-confirm), rotates the node's model and revokes a certificate", {
  skip,
}, async () => {
  const page = await open("admin");
  await openAccount(page, rita, "Rita Rights");
  const status = async () =>
    (await pool.query("SELECT status FROM accounts WHERE id = $1", [rita.accountId])).rows[0].status;

  await button(page, "account.restrict").click();
  const restrict = dialogOf(page, `Restrict account ${rita.accountId}`);
  await restrict.locator('input[name="reason"]').fill("DSR ticket 1142");
  await restrict.locator('button[type="submit"]').click();
  await restrict.waitFor({ state: "detached" });
  await page.locator('[data-testid="account-detail"] .badge', { hasText: "restricted" }).waitFor();
  assert.equal(await status(), "restricted");
  assert.equal(await button(page, "account.restrict").isDisabled(), true);

  await button(page, "account.unrestrict").click();
  const unrestrict = dialogOf(page, `Unrestrict account ${rita.accountId}`);
  await unrestrict.locator('input[name="reason"]').fill("DSR 1142 withdrawn");
  await unrestrict.locator('button[type="submit"]').click();
  await unrestrict.waitFor({ state: "detached" });
  await page.locator('[data-testid="account-detail"] .badge', { hasText: "active" }).waitFor();

  // Erase: the button works only once the account id is typed back.
  await button(page, "account.erase").click();
  const erase = dialogOf(page, `Erase account ${rita.accountId}`);
  const submit = erase.locator('button[type="submit"]');
  await erase.locator('input[name="reason"]').fill("DSR ticket 1143");
  await erase.locator('input[name="confirm"]').fill(rita.accountId.slice(0, -1));
  assert.equal(await submit.isDisabled(), true, "a mistyped id erases nothing");
  await erase.locator('input[name="confirm"]').fill(rita.accountId);
  await page.screenshot({ path: join(ARTIFACTS, "console-urgent-erase.png") });
  await submit.click();
  await erase.waitFor({ state: "detached" });
  await page.locator('[data-testid="account-detail"] .badge', { hasText: "closed" }).waitFor();
  assert.equal(await status(), "closed");
  await until("the erased account's key is refused", async () => {
    const response = await fetch(`${agent.baseURL}/models`, {
      headers: { authorization: `Bearer ${rita.token}` },
    });
    return response.status === 401;
  });

  // Rotate the node's model to v2, outside any rollout.
  await openNode(page);
  await button(page, "node.rotate").click();
  const rotate = dialogOf(page, `Rotate a model on ${NODE}`);
  assert.equal(await rotate.locator('input[name="model"]').inputValue(), MODEL);
  await rotate.locator('input[name="version"]').fill("v2");
  await rotate.locator('input[name="reason"]').fill("hotfix for incident 77");
  await rotate.locator('button[type="submit"]').click();
  await rotate.waitFor({ state: "detached" });
  await until(
    "the node serves v2",
    async () => {
      const models = await call<ListModelsResponse__Output>(rollouts, "ListModels", {});
      const placed = models.models.find((m) => m.name === MODEL)?.nodes.find((n) => n.node === NODE);
      return placed?.liveVersion === "v2";
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  );

  // Certificates: one's own is refused with a clear message; another operator's is revoked.
  await page.keyboard.press("3");
  await page.locator('[data-testid="certificates"]').waitFor();
  await button(page, "cert.revoke").click();
  const certs = dialogOf(page, "Revoke an operator certificate");
  const own = new X509Certificate(readFileSync(pki.operators.admin!.cert));
  await certs.locator('input[name="fingerprint"]').fill(own.fingerprint256);
  await certs.locator('input[name="reason"]').fill("testing the guard");
  await certs.locator('button[type="submit"]').click();
  await certs.locator(".bad", { hasText: "the certificate you are calling with" }).waitFor();
  const mallory = new X509Certificate(readFileSync(pki.operators.mallory!.cert));
  await certs.locator('input[name="fingerprint"]').fill("");
  await certs.locator('input[name="serialNumber"]').fill(mallory.serialNumber);
  await certs.locator('input[name="reason"]').fill("laptop stolen");
  await certs.locator('button[type="submit"]').click();
  await certs.waitFor({ state: "detached" });
  await page.locator('[data-testid="certificates"] td', { hasText: "laptop stolen" }).waitFor();

  // Every act is in the audit log the console reads (ListAudit), read afresh on a new visit.
  await page.keyboard.press("1");
  await page.keyboard.press("3");
  for (const action of [
    "data-subject.restrict",
    "data-subject.unrestrict",
    "data-subject.erase",
    "model.rotate",
    "certificate.revoke",
    "key.revoke",
    "limits.set",
    "abuse.resolve",
  ])
    await page.locator(`.audit td:text("${action}")`).first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "console-urgent.png") });
  for (const action of ["data-subject.restrict", "data-subject.unrestrict", "data-subject.erase"])
    assert.deepEqual(
      (await auditRows(action)).filter((r) => r.result === "ok").map((r) => [r.target, r.operator, r.role]),
      [[`account:${rita.accountId}`, "admin", "admin"]],
      action,
    );
  assert.equal((await auditRows("model.rotate")).find((r) => r.result === "ok")?.operator, "admin");
  const revoked = (await auditRows("certificate.revoke")).filter((r) => r.result === "ok");
  assert.equal(revoked.length, 1, "the refused self-revocation changed nothing");
  assert.deepEqual(pageErrors, []);
});

test("a viewer sees every urgent action disabled, with the reason", { skip }, async () => {
  const page = await open("viewer");
  const needs = (role: string) => `Needs the ${role} role; your certificate (viewer) names viewer.`;
  await openAccount(page, kim, "Kim Leaked");
  for (const [id, role] of [
    ["account.limits", "operator"],
    ["account.restrict", "admin"],
    ["account.erase", "admin"],
  ] as const) {
    assert.equal(await button(page, id).isDisabled(), true, id);
    assert.equal(await button(page, id).getAttribute("title"), needs(role), id);
  }
  const revoke = page.locator(`[data-key="${kim.keyId}"] button[data-action="key.revoke"]`);
  assert.equal(await revoke.isDisabled(), true);
  assert.equal(await revoke.getAttribute("title"), needs("operator"));
  await page.keyboard.press("2");
  const resolve = page
    .locator(".abuse tr", { hasText: OTHER_FLAG })
    .locator('button[data-action="abuse.resolve"]');
  await resolve.waitFor();
  assert.equal(await resolve.isDisabled(), true);
  assert.equal(await resolve.getAttribute("title"), needs("operator"));
  await openNode(page);
  assert.equal(await button(page, "node.rotate").isDisabled(), true);
  assert.equal(await button(page, "node.rotate").getAttribute("title"), needs("operator"));
  await page.keyboard.press("3");
  await page.locator('[data-testid="certificates"] td', { hasText: "laptop stolen" }).waitFor();
  assert.equal(await button(page, "cert.revoke").isDisabled(), true);
  assert.equal(await button(page, "cert.revoke").getAttribute("title"), needs("admin"));
  assert.deepEqual(pageErrors, []);
});
