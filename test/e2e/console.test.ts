import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  defaultFakeState,
  withFakeNvidiaSmi,
  writeFakeState,
} from "@entrim/cluster-agent/test-support/fake-nvidia-smi.js";
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
import { type AgentProcess, createAccountWithKey, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The operations console end to end: two real agents on one store with a fake 8-GPU nvidia-smi,
 * certificates from the agent's CLI, the console's browser mode in a real (headless) Chromium.
 */
const NODES = ["console-0", "console-1"];
const MODEL = "up";
let cluster: TestCluster;
let upstream: Upstream;
let browser: Browser;
const dirs: string[] = [];
const agents: AgentProcess[] = [];
const consoles: ConsoleProcess[] = [];
let profilesFile: string;
let token: string;
let loadRunning = true;
let load: Promise<void> = Promise.resolve();
let gpuTimer: NodeJS.Timeout | undefined;
let gpuFiles: string[] = [];
/** Set by the alerts test: GPU 2 of console-1 reports 85 °C while it is true. */
let overheat = false;
const skip = chromiumMissing();

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await testCluster();
  upstream = await startUpstream({ tokens: 20, tokenDelayMs: 25 });
  for (const node of NODES) dirs.push(tempDir(node));
  const pkiDir = tempDir("console-pki");
  dirs.push(pkiDir);
  const pki = makeClusterPki(
    Object.fromEntries(NODES.map((n, i) => [n, dirs[i]!])),
    { admin: "admin", viewer: "viewer" },
    pkiDir,
  );
  gpuFiles = NODES.map((_, i) => join(dirs[i]!, "fake-gpus.json"));
  moveGpus(gpuFiles, 0);
  let tick = 0;
  gpuTimer = setInterval(() => moveGpus(gpuFiles, ++tick), 1000);
  agents.push(
    ...(await Promise.all(
      NODES.map((node, i) =>
        startAgent(
          dirs[i]!,
          ["--node-name", node, "--model", `${MODEL}=${upstream.url}`],
          undefined,
          withFakeNvidiaSmi(process.env, gpuFiles[i]),
        ),
      ),
    )),
  );
  for (const agent of agents) assert.ok(agent.control, "the agent announced its control address");
  // The console is told about one agent only: it finds the other through ListPeers.
  profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agents[0]!.control!]);
  token = createAccountWithKey(dirs[0]!).token;
  load = keepBusy();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  clearInterval(gpuTimer);
  loadRunning = false;
  await load;
  await browser?.close();
  for (const c of consoles) await c.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

/**
 * Eight GPUs per node that move like busy ones (the screenshots are the console's documentation);
 * GPU 6 of console-0 runs hot, across the 83 °C line now and then.
 */
function moveGpus(files: string[], tick: number): void {
  files.forEach((file, node) => {
    const state = defaultFakeState();
    state.gpus.forEach((gpu, i) => {
      const phase = tick / 6 + i * 0.8 + node * 2;
      const hot = node === 0 && i === 6 ? 17 : 0;
      gpu["utilization.gpu"] = String(Math.round(72 + 26 * Math.sin(phase)));
      gpu["memory.used"] = String(Math.round(62_000 + 12_000 * Math.sin(phase / 3)));
      gpu["temperature.gpu"] = String(Math.round(60 + hot + 8 * Math.sin(phase / 2)));
      if (overheat && node === 1 && i === 2) gpu["temperature.gpu"] = "85";
      gpu["power.draw"] = (460 + 200 * Math.sin(phase)).toFixed(2);
      gpu["clocks.sm"] = String(Math.round(1800 + 180 * Math.sin(phase / 4)));
    });
    writeFakeState(file, state);
  });
}

/** A little steady traffic on the serving nodes, so the fleet has live numbers to show. */
async function keepBusy(): Promise<void> {
  const one = async (agent: AgentProcess) => {
    while (loadRunning) {
      await fetch(`${agent.baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 20 }),
      }).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
    }
  };
  await Promise.all(agents.flatMap((a) => [one(a), one(a)]));
}

async function open(profile: string): Promise<Page> {
  const console = await startConsole(profilesFile, profile);
  consoles.push(console);
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(console.url);
  return page;
}

/** The little of the DOM the page-side predicates use (this package compiles without the DOM library). */
type Doc = { querySelectorAll(selector: string): ArrayLike<{ dataset: Record<string, string | undefined> }> };
const pageErrors: string[] = [];

const row = (node: string) => `.row.node[data-node="${node}"]`;

test("the fleet shows both nodes with live values; drain from the UI flips the node and its /readyz", {
  skip,
}, async () => {
  const page = await open("admin");
  for (const node of NODES) await page.waitForSelector(`${row(node)}[data-state="serving"]`);
  // Page-side expressions as text: this package compiles without the DOM library.
  await page.locator('[data-testid="fleet-summary"]', { hasText: "16 GPUs" }).waitFor();
  assert.equal(await page.locator(`${row("console-0")} canvas[role="img"]`).count(), 4, "GPU sparklines");
  // Ten samples per node (1 Hz) before the picture, so the sparklines have lines to show.
  // (A function, not a string: the console's CSP forbids eval, and Playwright evaluates strings with it.)
  await page.waitForFunction(
    () =>
      Array.from(
        (globalThis as unknown as { document: Doc }).document.querySelectorAll(".row.node canvas"),
      ).every((c) => Number(c.dataset.samples) >= 10),
    undefined,
    { timeout: 30_000 },
  );
  // Cropped to the table: two rows on a full screen would be mostly empty.
  await page.screenshot({
    path: join(ARTIFACTS, "console-fleet.png"),
    clip: { x: 0, y: 0, width: 1600, height: 210 },
  });

  // The node view: eight GPUs from the fake nvidia-smi, charts drawn by uPlot.
  await page.click(`${row("console-0")} .name`);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".node-view .chart canvas");
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { document: Doc }).document.querySelectorAll(
        ".node-view .side table tbody tr",
      ).length >= 8,
  );
  await page.screenshot({ path: join(ARTIFACTS, "console-node.png") });
  await page.keyboard.press("Escape");

  // Drain console-1: select it, d, a reason, its name typed to confirm.
  assert.equal((await fetch(`${agents[1]!.url}/readyz`)).status, 200);
  await page.click(`${row("console-1")} input[type="checkbox"]`);
  await page.locator("body").click({ position: { x: 5, y: 880 } });
  await page.keyboard.press("d");
  await page.fill('[role="dialog"] input[name="reason"]', "kernel update");
  await page.fill('[role="dialog"] input[name="confirm"]', "console-1");
  await page.click('[role="dialog"] button[type="submit"]');
  await page.waitForSelector('.progress li[data-node="console-1"][data-done="true"]', { timeout: 60_000 });
  await page.screenshot({ path: join(ARTIFACTS, "console-drain.png") });
  await page.keyboard.press("Escape");
  await page.waitForSelector(`${row("console-1")}[data-state="drained"]`);
  assert.equal((await fetch(`${agents[1]!.url}/readyz`)).status, 503);
  assert.equal((await fetch(`${agents[0]!.url}/readyz`)).status, 200);

  // The audit log shows who drained it and why.
  await page.keyboard.press("3");
  await page.waitForSelector('.audit td:text("node.drain")');
  await page.screenshot({ path: join(ARTIFACTS, "console-audit.png") });

  // Undrain from the node view's button.
  await page.keyboard.press("1");
  await page.dblclick(`${row("console-1")} .name`);
  await page.click('button[data-action="node.undrain"]');
  await page.fill('[role="dialog"] input[name="reason"]', "kernel updated");
  await page.click('[role="dialog"] button[type="submit"]');
  await page.waitForSelector('.node-view [data-testid="node-state"]:text("serving")');
  assert.equal((await fetch(`${agents[1]!.url}/readyz`)).status, 200);
  assert.deepEqual(pageErrors, []);
});

test("host telemetry: CPU, memory and disk columns in the fleet, the Host panel in the node view", {
  skip,
}, async () => {
  const page = await open("viewer");
  await page.waitForSelector(`${row("console-0")}[data-state="serving"]`);
  // The agents sample the real host: numbers, not dashes, once a sample arrived.
  for (const testid of ["host-cpu", "host-memory", "host-disk"])
    await page.locator(`${row("console-0")} [data-testid="${testid}"]`, { hasText: /^\d+$/ }).waitFor();
  await page.dblclick(`${row("console-0")} .name`);
  const panel = page.locator('[data-testid="host-panel"]');
  await panel.waitFor();
  assert.ok((await panel.locator(".cpu-bars li").count()) > 0, "a bar per CPU");
  // The driver version from nvidia-smi (asked again on a later sample when a read failed).
  await panel.locator("dd", { hasText: "550.54.15" }).waitFor();
  const text = (await panel.textContent()) ?? "";
  assert.match(text, /of \d+ CPUs/);
  assert.match(text, /GiB of [\d.]+ GiB used/);
  // Data dir, spool and artifact cache live in one temporary directory here: one filesystem, three roles.
  const holds = await panel
    .locator('table[aria-label="Filesystems"] tbody td:nth-child(2)')
    .allTextContents();
  assert.deepEqual(holds.join(", ").split(", ").sort(), ["cache", "data", "spool"]);
  await page.screenshot({ path: join(ARTIFACTS, "console-host.png") });
  assert.deepEqual(pageErrors, []);
});

test("a viewer's certificate sees drain disabled, with the reason", { skip }, async () => {
  const page = await open("viewer");
  await page.waitForSelector(`${row("console-0")}[data-state="serving"]`);
  await page.waitForSelector('[data-testid="operator"] .role-viewer');
  await page.click(`${row("console-0")} .name`);
  await page.keyboard.press("Control+k");
  await page.keyboard.type("drain node");
  const option = page.locator('[role="option"]:has(.title:text-is("Drain node(s)"))');
  assert.equal(await option.getAttribute("aria-disabled"), "true");
  assert.match(
    (await option.textContent()) ?? "",
    /Needs the operator role; your certificate \(viewer\) names viewer/,
  );
  await page.screenshot({ path: join(ARTIFACTS, "console-viewer-palette.png") });
  await page.keyboard.press("Escape");
  await page.dblclick(`${row("console-0")} .name`);
  assert.equal(await page.locator('button[data-action="node.drain"]').isDisabled(), true);
  assert.equal((await fetch(`${agents[0]!.url}/readyz`)).status, 200);
  assert.deepEqual(pageErrors, []);
});

test("the abuse queue: suspend an account from the UI, see it listed, lift it with a reason", {
  skip,
}, async () => {
  const suspect = createAccountWithKey(dirs[0]!, "Console suspect");
  const page = await open("admin");
  await page.waitForSelector(`${row("console-0")}[data-state="serving"]`);
  await page.keyboard.press("2");
  await page.fill('.abuse input[aria-label="target"]', suspect.accountId);
  await page.fill('.abuse input[aria-label="note"]', "card testing pattern");
  await page.click('.abuse form button[type="submit"]');
  const listed = page.locator(".abuse tr", { hasText: suspect.accountId });
  await listed.waitFor();
  assert.match((await listed.textContent()) ?? "", /suspended.*abuse.*card testing pattern.*admin/);
  // Suspensions reach every agent within a second (LISTEN/NOTIFY): poll the other agent until it refuses.
  const headers = { authorization: `Bearer ${suspect.token}` };
  await until(
    "the suspension reached the other agent too",
    async () => (await fetch(`${agents[1]!.baseURL}/models`, { headers })).status === 403,
    { timeoutMs: 5_000, intervalMs: 100 },
  );
  await page.screenshot({ path: join(ARTIFACTS, "console-abuse.png") });
  page.once("dialog", (dialog) => void dialog.accept("verified with the customer"));
  await listed.locator("button", { hasText: "Lift" }).click();
  await listed.waitFor({ state: "detached" });
  assert.deepEqual(pageErrors, []);
});

test("alerts: a GPU at 85 °C raises one, acknowledged it stays until it cools, then resolves; accounts lead to the abuse form", {
  skip,
}, async () => {
  const customer = createAccountWithKey(dirs[0]!, "Console customer");
  const page = await open("admin");
  await page.waitForSelector(`${row("console-1")}[data-node]`);
  overheat = true;
  moveGpus(gpuFiles, 0);
  // The cluster's alert (the leader's gpu-hot rule), fingerprint rule/node/GPU.
  const alert = '.alerts tr[data-fingerprint="gpu-hot/console-1/2"]';
  try {
    await page.waitForSelector('[data-testid="alert-badge"]');
    await page.keyboard.press("5");
    await page.waitForSelector(`${alert}[data-state="firing"]`);
    assert.match((await page.locator(alert).first().textContent()) ?? "", /console-1 GPU2 at 85 °C/);
    // The cursor on it first: console-0's hot GPU 6 may be on the list too.
    await page.click(`${alert}[data-state="firing"]`);
    await page.keyboard.press("a");
    await page.keyboard.type("fans checked");
    await page.keyboard.press("Enter");
    await page.waitForSelector(`${alert}[data-state="acknowledged"]`);
  } finally {
    overheat = false;
  }
  moveGpus(gpuFiles, 0);
  await page.waitForSelector(`${alert}[data-state="resolved"]`, { timeout: 30_000 });

  // Accounts: search, Enter opens the detail, s takes the account to the abuse form.
  await openConsoleAccount(page, customer.accountId, "Console customer");
  await page.waitForSelector('[data-testid="account-detail"]');
  assert.match(
    (await page.locator('[data-testid="account-detail"]').textContent()) ?? "",
    /Active keys: \S+/,
  );
  await page.screenshot({ path: join(ARTIFACTS, "console-accounts.png") });
  await page.keyboard.press("s");
  await page.waitForSelector(".abuse");
  assert.equal(await page.inputValue('.abuse input[aria-label="target"]'), customer.accountId);
  assert.deepEqual(pageErrors, []);
});
