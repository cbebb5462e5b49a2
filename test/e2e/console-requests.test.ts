import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileRequest } from "@entrim/cluster-agent/dist/store/data-subject-requests.js";
import { endPool } from "@entrim/cluster-agent/dist/store/db.js";
import { disputeInvoice } from "@entrim/cluster-agent/dist/store/invoice-states.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import pg from "pg";
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
 * Data-subject requests customers filed in the portal, handled in the console end to end: a real agent
 * on a real store, requests filed with the store's own fileRequest (as the portal does), an admin and a
 * viewer console in browser mode in a real (headless) Chromium.
 */
const NODE = "dsr-0";
const MODEL = "up";
const DAY = 86_400_000;
const DISPUTE = "The beta model was never enabled for us.";
let cluster: TestCluster;
let upstream: Upstream;
let browser: Browser;
let agent: AgentProcess;
let pool: pg.Pool;
let profilesFile: string;
const consoles: ConsoleProcess[] = [];
const dirs: string[] = [];
const skip = chromiumMissing();
type Customer = { accountId: string; keyId: string; token: string };
let erin: Customer;
let rob: Customer;
let lena: Customer;
const requests: Record<"erin" | "rob" | "lena", string> = { erin: "", rob: "", lena: "" };
let invoiceId: string;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await testCluster();
  upstream = await startUpstream({ tokens: 8 });
  const dataDir = tempDir(NODE);
  const pkiDir = tempDir("requests-pki");
  dirs.push(dataDir, pkiDir);
  const pki = makeClusterPki({ [NODE]: dataDir }, { admin: "admin", viewer: "viewer" }, pkiDir);
  cli(dataDir, "db", "migrate");
  cli(dataDir, "prices", "set", "--model", MODEL, "--input", "1000", "--output", "3000");
  agent = await startAgent(dataDir, ["--node-name", NODE, "--model", `${MODEL}=${upstream.url}`]);
  profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agent.control!]);
  pool = new pg.Pool({ connectionString: cluster.store.url });

  erin = createAccountWithKey(dataDir, "Erin Erasure");
  rob = createAccountWithKey(dataDir, "Rob Rejected");
  lena = createAccountWithKey(dataDir, "Lena Late");
  const filed = (c: Customer, kind: "erasure" | "restriction", details: string, now?: Date) =>
    fileRequest(pool, { accountId: c.accountId, kind, requestedBy: "usr_portal0000000000", details }, now);
  requests.erin = (await filed(erin, "erasure", "Please close my account.")).id;
  requests.rob = (await filed(rob, "erasure", "Delete everything.")).id;
  // Filed 25 days ago: 5 days are left, inside the alert's 7.
  requests.lena = (
    await filed(lena, "restriction", "Stop using my data.", new Date(Date.now() - 25 * DAY))
  ).id;

  // Rob disputes an invoice (as the portal does: the store's dispute), so the account view shows it.
  const response = await fetch(`${agent.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${rob.token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 8 }),
  });
  assert.equal(response.status, 200);
  const today = new Date().toISOString().slice(0, 10);
  await until(
    "the request is in the store",
    async () =>
      Number(
        (await pool.query("SELECT count(*) FROM usage_events WHERE account_id = $1", [rob.accountId])).rows[0]
          .count,
      ) > 0,
    { intervalMs: 250 },
  );
  cli(dataDir, "invoices", "generate", "--month", today.slice(0, 7));
  invoiceId = `inv_${today.slice(0, 7).replace("-", "")}_${rob.accountId.slice("acct_".length)}`;
  // This month is not over, so the CLI would not issue it: the invoice is issued in SQL, then
  // disputed through the store as the portal's route does.
  await pool.query(
    "UPDATE invoices SET status = 'issued', issued_at = now(), due_at = now() + interval '14 days' WHERE id = $1",
    [invoiceId],
  );
  await disputeInvoice(pool, invoiceId, { reason: DISPUTE, by: "usr_portal0000000000" });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const c of consoles) await c.stop();
  if (pool) await endPool(pool);
  await agent?.stop();
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

const pageErrors: string[] = [];

async function open(profile: "admin" | "viewer"): Promise<Page> {
  const started = await startConsole(profilesFile, profile);
  consoles.push(started);
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(started.url);
  await page.waitForSelector(`.row.node[data-node="${NODE}"][data-state="serving"]`);
  return page;
}

const row = (page: Page, id: string) => page.locator(`[data-request="${id}"]`);

test("an admin sees the queue with deadlines, completes an erasure, rejects with a reason; the alert fires", {
  skip,
}, async () => {
  const page = await open("admin");
  // The deadline alert is the cluster's (the leader's rule), counted in the top bar wherever the operator is.
  await page.locator('[data-testid="alert-badge"]').waitFor();
  await page.keyboard.press("8");
  for (const id of Object.values(requests)) await row(page, id).waitFor();
  assert.match(
    (await row(page, requests.erin).locator('[data-testid="request-due"]').textContent()) ?? "",
    /29 days left|30 days left/,
  );
  const lateDue = row(page, requests.lena).locator('[data-testid="request-due"]');
  assert.match((await lateDue.textContent()) ?? "", /\d{4}-\d{2}-\d{2} · [45] days left/);
  assert.equal(await lateDue.getAttribute("class"), "warn", "highlighted at 7 days or less");
  assert.match((await row(page, requests.lena).textContent()) ?? "", /Lena Late.*restriction/);
  await page.screenshot({ path: join(ARTIFACTS, "console-requests.png") });

  // Erasure: the account id typed back before the button works.
  await row(page, requests.erin).locator('button[data-action="request.complete"]').click();
  const dialog = page.locator('[role="dialog"][aria-label="Complete request"]');
  const submit = dialog.locator('button[type="submit"]');
  assert.equal(await submit.isDisabled(), true);
  await dialog.locator('input[name="confirm"]').fill(erin.accountId);
  await submit.click();
  await dialog.waitFor({ state: "detached" });
  await page.keyboard.press("Escape");
  await page.selectOption('select[aria-label="request status filter"]', "all");
  await until("the request reads completed", async () =>
    /^completed by admin/.test(
      (await row(page, requests.erin).locator('[data-testid="request-status"]').textContent()) ?? "",
    ),
  );
  const account = (await pool.query("SELECT status, name FROM accounts WHERE id = $1", [erin.accountId]))
    .rows[0];
  assert.equal(account.status, "closed");
  assert.notEqual(account.name, "Erin Erasure");
  const live = await pool.query(
    "SELECT count(*) FROM api_keys WHERE account_id = $1 AND revoked_at IS NULL",
    [erin.accountId],
  );
  assert.equal(Number(live.rows[0].count), 0, "every key revoked");

  // Rejection: a reason, which the customer reads.
  await row(page, requests.rob).locator('button[data-action="request.reject"]').click();
  const reject = page.locator('[role="dialog"][aria-label="Reject request"]');
  await reject.locator('input[name="reason"]').fill("Open invoice dispute: erasure after it is settled.");
  await reject.locator('button[type="submit"]').click();
  await reject.waitFor({ state: "detached" });
  await row(page, requests.rob).locator('[data-testid="request-status"]', { hasText: "rejected" }).waitFor();
  const stored = await pool.query("SELECT status, resolution FROM data_subject_requests WHERE id = $1", [
    requests.rob,
  ]);
  assert.deepEqual(stored.rows[0], {
    status: "rejected",
    resolution: "Open invoice dispute: erasure after it is settled.",
  });
  await page.screenshot({ path: join(ARTIFACTS, "console-requests-handled.png") });

  // The cluster's alert list (the leader's gdpr-deadline rule) names the request near its deadline; the
  // audit view has both acts.
  await page.keyboard.press("5");
  const deadline = page.locator(`.alerts tr[data-fingerprint="gdpr-deadline//${requests.lena}"]`);
  await deadline.waitFor();
  assert.match(
    (await deadline.textContent()) ?? "",
    new RegExp(`GDPR restriction request ${requests.lena} due`),
  );
  await page.keyboard.press("3");
  await page.locator('.audit td:text("data_request.complete")').first().waitFor();
  await page.locator('.audit td:text("data_request.reject")').first().waitFor();
  const audit = await pool.query(
    "SELECT action, target, operator, result FROM audit_log WHERE action LIKE 'data_request.%' ORDER BY seq",
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.action, r.target, r.operator, r.result]),
    [
      ["data_request.complete", `account:${erin.accountId}`, "admin", "ok"],
      ["data_request.reject", `account:${rob.accountId}`, "admin", "ok"],
    ],
  );

  // The disputed invoice, with its reason, in Rob's account view.
  await openConsoleAccount(page, rob.accountId, "Rob Rejected");
  const dispute = page.locator(`[data-testid="disputes"] [data-dispute="${invoiceId}"]`);
  await dispute.waitFor({ timeout: 90_000 });
  assert.match(
    (await dispute.textContent()) ?? "",
    new RegExp(`Disputed ${invoiceId}.*on \\d{4}-\\d{2}-\\d{2}:.*${DISPUTE}`),
  );
  await page.locator('input[aria-label="only disputed invoices"]').check();
  assert.equal(await page.locator(`[data-invoice="${invoiceId}"]`).count(), 1);
  await page
    .locator('[data-testid="account-detail"]')
    .screenshot({ path: join(ARTIFACTS, "console-disputes.png") });
  assert.deepEqual(pageErrors, []);
});

test("a viewer sees the queue but Complete and Reject disabled, with the reason", { skip }, async () => {
  const page = await open("viewer");
  await page.keyboard.press("8");
  const complete = row(page, requests.lena).locator('button[data-action="request.complete"]');
  await complete.waitFor();
  assert.equal(await complete.isDisabled(), true);
  assert.equal(
    await complete.getAttribute("title"),
    "Needs the admin role; your certificate (viewer) names viewer.",
  );
  const reject = row(page, requests.lena).locator('button[data-action="request.reject"]');
  assert.equal(await reject.isDisabled(), true);
  assert.deepEqual(pageErrors, []);
});
