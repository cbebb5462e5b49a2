import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setNonEssential } from "@entrim/cluster-agent/dist/notices/notify.js";
import { endPool } from "@entrim/cluster-agent/dist/store/db.js";
import { startTestSmtp, type TestSmtp } from "@entrim/cluster-agent/test-support/smtp.js";
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
  startConsole,
  writeProfiles,
} from "./console-support.js";
import { type AgentProcess, cli, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Customer notices written in the console end to end: a real agent with mail configured (a real SMTP
 * server), an operator and a viewer console in browser mode in a real (headless) Chromium. The
 * operator announces maintenance to every account; the emails arrive, the view counts them as sent
 * and the opted-out account as opted out; the viewer cannot publish; the audit log has the entry.
 */
const NODE = "ntc-0";
const MODEL = "up";
let cluster: TestCluster;
let upstream: Upstream;
let smtp: TestSmtp;
let browser: Browser;
let agent: AgentProcess;
let pool: pg.Pool;
let profilesFile: string;
const consoles: ConsoleProcess[] = [];
const dirs: string[] = [];
const skip = chromiumMissing();
type Customer = { accountId: string };
let ann: Customer;
let ben: Customer;
let quiet: Customer;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await testCluster();
  upstream = await startUpstream({ tokens: 8 });
  smtp = await startTestSmtp();
  const dataDir = tempDir(NODE);
  const pkiDir = tempDir("notices-pki");
  dirs.push(dataDir, pkiDir);
  const pki = makeClusterPki({ [NODE]: dataDir }, { operator: "operator", viewer: "viewer" }, pkiDir);
  cli(dataDir, "db", "migrate");
  const mail = {
    mail: {
      smtp: { host: "127.0.0.1", port: smtp.port },
      from: "Entrim <noreply@entrim.test>",
      retryBaseMs: 100,
    },
  };
  agent = await startAgent(dataDir, ["--node-name", NODE, "--model", `${MODEL}=${upstream.url}`], mail);
  profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agent.control!]);
  pool = new pg.Pool({ connectionString: cluster.store.url });
  ann = createAccountWithKey(dataDir, "Ann Notice");
  ben = createAccountWithKey(dataDir, "Ben Notice");
  quiet = createAccountWithKey(dataDir, "Quiet Notice");
  // The portal's Account page does this when the owner turns non-essential mail off.
  await setNonEssential(pool, quiet.accountId, false, "usr_portal0000000000");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const c of consoles) await c.stop();
  if (pool) await endPool(pool);
  await agent?.stop();
  await smtp?.close();
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

const pageErrors: string[] = [];

async function open(profile: "operator" | "viewer"): Promise<Page> {
  const started = await startConsole(profilesFile, profile);
  consoles.push(started);
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(started.url);
  await page.waitForSelector(`.row.node[data-node="${NODE}"][data-state="serving"]`);
  return page;
}

test("an operator announces maintenance to every account; emails arrive, the view counts sent and opted out", {
  skip,
}, async () => {
  const page = await open("operator");
  await page.keyboard.press("9");
  await page.locator('[data-testid="notices"]').waitFor();
  await page.locator('button[data-action="notice.publish"]').click();
  const dialog = page.locator('[role="dialog"][aria-label="New notice"]');
  await dialog.locator('select[name="kind"]').selectOption("maintenance");
  await dialog.locator('input[name="title"]').fill("Database maintenance on Sunday");
  await dialog.locator('textarea[name="body"]').fill("Requests may be refused for a few minutes.");
  const submit = dialog.locator('button[type="submit"]');
  assert.equal(await submit.isDisabled(), true, "a maintenance notice needs its window");
  await dialog.locator('input[name="start"]').fill("2027-01-10T02:00");
  await dialog.locator('input[name="end"]').fill("2027-01-10T03:00");
  assert.equal(
    await dialog.locator('input[name="essential"]').isDisabled(),
    true,
    "essential is the admin's",
  );
  await submit.click();
  await dialog.waitFor({ state: "detached" });

  const inbox = await until("both emails arrived", () =>
    smtp.received.length >= 2 ? smtp.received : undefined,
  );
  assert.deepEqual(inbox.flatMap((m) => m.to).sort(), ["annnotice@example.com", "bennotice@example.com"]);
  assert.match(
    inbox[0]!.body.replace(/=\r?\n/g, ""),
    /From 2027-01-10T02:00:00.000Z to 2027-01-10T03:00:00.000Z/,
  );

  // The poll moves the row from waiting to sent.
  const message = page.locator("[data-notice]", { hasText: "Database maintenance on Sunday" });
  await message.locator('[data-testid="delivery"]', { hasText: "2 sent" }).waitFor();
  assert.match(
    (await message.textContent()) ?? "",
    /maintenance.*3 accounts.*no.*2 sent · 0 waiting · 0 failed · 1 opted-out/,
  );
  await message.click();
  const deliveries = page.locator('[data-testid="notice-deliveries"]');
  await deliveries.locator(`[data-delivery="${quiet.accountId}"]`, { hasText: "opted out" }).waitFor();
  for (const c of [ann, ben])
    await deliveries.locator(`[data-delivery="${c.accountId}"] td.ok`, { hasText: "sent" }).waitFor();
  assert.doesNotMatch((await deliveries.textContent()) ?? "", /@example\.com/, "no address in the console");
  await page.screenshot({ path: join(ARTIFACTS, "console-notices.png") });

  const audit = await pool.query(
    "SELECT action, target, operator, result FROM audit_log WHERE action = 'notice.publish' ORDER BY seq",
  );
  assert.deepEqual(
    audit.rows.map((r) => [r.action, r.target, r.operator, r.result]),
    [["notice.publish", "notices:every-account", "operator", "ok"]],
  );
  assert.deepEqual(pageErrors, []);
});

test("a viewer sees the notices but New notice and Retire model disabled, with the reason", {
  skip,
}, async () => {
  const page = await open("viewer");
  await page.keyboard.press("9");
  await page.locator("[data-notice]").first().waitFor();
  for (const id of ["notice.publish", "notice.retire"]) {
    const button = page.locator(`button[data-action="${id}"]`);
    assert.equal(await button.isDisabled(), true);
    assert.equal(
      await button.getAttribute("title"),
      "Needs the operator role; your certificate (viewer) names viewer.",
    );
  }
  assert.match(
    (await page.locator('[data-testid="notices-blocked"]').textContent()) ?? "",
    /Needs the operator role/,
  );
  assert.deepEqual(pageErrors, []);
});
