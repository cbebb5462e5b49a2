import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import { type Browser, chromium, type Page } from "playwright-core";
import { type TestCluster, testCluster } from "./cluster.js";
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  type ConsoleProcess,
  chromiumMissing,
  makeClusterPki,
  startConsole,
  writeProfiles,
} from "./console-support.js";
import { type AgentProcess, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The console's status page view: an operator posts an incident and customers see it on /status; a
 * viewer sees the post button disabled, with why.
 */
const NODE = "status-c0";
let cluster: TestCluster;
let upstream: Upstream;
let browser: Browser;
let agent: AgentProcess;
const consoles: ConsoleProcess[] = [];
const dirs: string[] = [];
const skip = chromiumMissing();

before(async () => {
  if (skip) return;
  cluster = await testCluster();
  upstream = await startUpstream({ tokens: 4 });
  const dataDir = tempDir(NODE);
  const pkiDir = tempDir("status-console-pki");
  dirs.push(dataDir, pkiDir);
  const pki = makeClusterPki({ [NODE]: dataDir }, { otto: "operator", vera: "viewer" }, pkiDir);
  agent = await startAgent(dataDir, ["--node-name", NODE, "--model", `up=${upstream.url}`]);
  const profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agent.control!]);
  consoles.push(await startConsole(profilesFile, "otto"), await startConsole(profilesFile, "vera"));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const c of consoles) await c.stop();
  await agent?.stop();
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

async function statusView(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector(`.row.node[data-node="${NODE}"]`);
  await page.keyboard.press("Shift+S");
  await page.locator('[aria-label="Status page"]').waitFor();
  return page;
}

test("an operator posts an incident from the console; a viewer may not", { skip }, async () => {
  const page = await statusView(consoles[0]!.url);
  await page.getByLabel("Title").first().fill("Slow answers from up");
  await page.getByLabel("Text").first().fill("We are looking into it.");
  await page.getByLabel("Models (comma-separated)").fill("up");
  await page.getByRole("button", { name: "Post incident" }).click();
  await page.locator('[data-testid="status-incidents"] td', { hasText: "Slow answers from up" }).waitFor();
  await until("customers see it on /status", async () =>
    (await (await fetch(`${agent.url}/status`)).text()).includes("Slow answers from up"),
  );
  await page.locator('[data-testid="status-summary"]', { hasText: "up is degraded" }).waitFor();

  const viewer = await statusView(consoles[1]!.url);
  const post = viewer.getByRole("button", { name: "Post incident" });
  assert.equal(await post.isDisabled(), true);
  assert.match((await post.getAttribute("title")) ?? "", /Needs the operator role/);
  await viewer.locator('[data-testid="status-incidents"] td', { hasText: "Slow answers from up" }).waitFor();
  const resolve = viewer.getByRole("button", { name: "Resolve" });
  assert.equal(await resolve.isDisabled(), true);
});
