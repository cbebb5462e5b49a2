import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import { type Browser, chromium, type Page } from "playwright-core";
import { type TestCluster, testCluster } from "./cluster.js";
import {
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_ARGS,
  type ConsoleProcess,
  chromiumMissing,
  makeClusterPki,
  openConsoleAccount,
  startConsole,
  writeProfiles,
} from "./console-support.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The console's accounts and node records end to end: one real agent on a real store, prices, usage
 * and invoices made with the agent's CLI, the browser mode in a real (headless) Chromium.
 */
const NODE = "ledger-0";
const MODEL = "up";
/** A prompt that must never appear in anything the cluster keeps or exports. */
const CANARY = `canary-${randomBytes(8).toString("hex")}`;
let cluster: TestCluster;
let upstream: Upstream;
let browser: Browser;
let agent: AgentProcess;
let console: ConsoleProcess;
const dirs: string[] = [];
let customer: { accountId: string; keyId: string; token: string };
let invoice: { id: string; totalCents: string; total: string };
const skip = chromiumMissing();

function chat(token: string, content: string): Promise<Response> {
  return fetch(`${agent.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content }], max_tokens: 8 }),
  });
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await testCluster();
  upstream = await startUpstream({ tokens: 8 });
  const dataDir = tempDir(NODE);
  const pkiDir = tempDir("accounts-pki");
  dirs.push(dataDir, pkiDir);
  const pki = makeClusterPki({ [NODE]: dataDir }, { admin: "admin" }, pkiDir);
  cli(dataDir, "db", "migrate");
  // EUR per million tokens, steep so that a few short requests add up to cents. In force from now, so
  // every request below is priced.
  cli(dataDir, "prices", "set", "--model", MODEL, "--input", "1000", "--output", "3000");
  agent = await startAgent(dataDir, ["--node-name", NODE, "--model", `${MODEL}=${upstream.url}`]);
  const profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agent.control!]);
  customer = createAccountWithKey(dataDir, "Ledger customer");

  // Traffic worth an invoice, the canary among it; then a bad key, which the node records.
  for (const content of [CANARY, "hello", "again"])
    assert.equal((await chat(customer.token, content)).status, 200);
  assert.equal((await chat(`sk-entrim-${"a".repeat(12)}_${"b".repeat(43)}`, "x")).status, 401);
  const today = new Date().toISOString().slice(0, 10);
  // Usage reaches the store through the spool, not at once.
  await until(
    "three requests are in the store",
    () =>
      cli<{ requests: string | number }[]>(
        dataDir,
        "usage",
        "--account",
        customer.accountId,
        "--from",
        today,
        "--to",
        today,
      ).reduce((n, r) => n + Number(r.requests), 0) >= 3,
    { intervalMs: 250 },
  );
  cli(dataDir, "invoices", "generate", "--month", today.slice(0, 7));
  invoice = cli<{ id: string; totalCents: string; total: string }>(
    dataDir,
    "invoices",
    "export",
    `inv_${today.slice(0, 7).replace("-", "")}_${customer.accountId.slice("acct_".length)}`,
  );
  assert.notEqual(invoice.totalCents, "0", "the usage costs something");

  console = await startConsole(profilesFile, "admin");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await console?.stop();
  await agent?.stop();
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

const pageErrors: string[] = [];

async function open(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 }, acceptDownloads: true });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(console.url);
  await page.waitForSelector(`.row.node[data-node="${NODE}"][data-state="serving"]`);
  return page;
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, "utf8") };
}

test("accounts: the invoice with its total and lines; the personal-data export downloads, without the prompt", {
  skip,
}, async () => {
  const page = await open();
  await openConsoleAccount(page, customer.accountId, "Ledger customer");
  const row = page.locator(`[data-invoice="${invoice.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('[data-testid="invoice-total"]').textContent(), `€${invoice.total}`);
  await row.click();
  await page.locator('[data-testid="invoice-lines"] td', { hasText: MODEL }).first().waitFor();
  const json = await downloaded(page, () => row.locator("button", { hasText: "JSON" }).click());
  assert.equal(json.name, `${invoice.id}.json`);
  assert.deepEqual(JSON.parse(json.text), invoice, "the same document as `invoices export`");
  // The account's panel (the list above it holds one row); docs/images/console-accounts.png is this.
  await page
    .locator('[data-testid="account-detail"]')
    .screenshot({ path: join(ARTIFACTS, "console-invoices.png") });

  // The export: from the palette, a reason, then the file.
  await page.keyboard.press("Control+k");
  await page.keyboard.type("export personal data");
  await page.keyboard.press("Enter");
  await page.fill(
    '[role="dialog"][aria-label="Export personal data"] input[name="reason"]',
    "ticket DSR-2041",
  );
  const file = await downloaded(page, () => page.click('[role="dialog"] button[type="submit"]'));
  await page.locator('[role="dialog"][aria-label="Export personal data"]').waitFor({ state: "detached" });
  assert.equal(file.name, `${customer.accountId}-export.json`);
  const document = JSON.parse(file.text);
  assert.equal(document.format, "entrim-account-export/1");
  assert.equal(document.account.id, customer.accountId);
  assert.equal(document.account.email, "ledgercustomer@example.com");
  assert.equal(document.usageEvents.length, 3);
  assert.equal(file.text.includes(CANARY), false, "no prompt text in the export");
  assert.equal(file.text.includes("hello"), false, "no prompt text in the export");
  assert.deepEqual(pageErrors, []);
});

test("the node view lists the node's audit entries (a drain done here) and its security events", {
  skip,
}, async () => {
  const page = await open();
  await page.dblclick(`.row.node[data-node="${NODE}"] .name`);
  await page
    .locator('[data-testid="node-security-events"] td', { hasText: "auth_failure" })
    .first()
    .waitFor();
  await page.keyboard.press("d");
  await page.fill('[role="dialog"] input[name="reason"]', "disk swap");
  await page.fill('[role="dialog"] input[name="confirm"]', NODE);
  await page.click('[role="dialog"] button[type="submit"]');
  await page.waitForSelector(`.progress li[data-node="${NODE}"][data-done="true"]`, { timeout: 60_000 });
  await page.keyboard.press("Escape");
  // A drain's entry is written before it acts ("started"), its outcome after.
  const drain = page.locator('[data-testid="node-audit"] tr[title="ok"]', { hasText: "node.drain" });
  await drain.waitFor({ timeout: 15_000 });
  assert.match((await drain.textContent()) ?? "", /admin.*node\.drain.*node:ledger-0.*disk swap/);
  await page.locator('[data-testid="node-audit"] tr[title="started"]', { hasText: "node.drain" }).waitFor();
  // The export of the first test was recorded by this node too.
  await page.locator('[data-testid="node-audit"] td', { hasText: "data-subject.export" }).first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "console-node-records.png") });
  assert.deepEqual(pageErrors, []);
});
