import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeTinyModel } from "@entrim/cluster-agent/dist/runtime/tiny-model.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { type ListModelsResponse__Output, loadAgentProto } from "@entrim/proto";
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
  startConsole,
  writeProfiles,
} from "./console-support.js";
import { call, tlsFor } from "./control.js";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Rollouts from the console: two real agents on one store serving the tiny model as catalogue
 * version v1, v2 beside it (the tiny model with another seed, added with the catalog CLI); the
 * console's browser mode in Chromium starts the rollout, watches it to the end, and the agents say
 * both nodes serve v2. A viewer's certificate sees start disabled with the reason.
 */
const NODES = ["cro-0", "cro-1"];
const MODEL = "entrim-tiny";
let cluster: TestCluster;
let browser: Browser;
let pki: ConsolePki;
let profilesFile: string;
const dirs: string[] = [];
const agents: AgentProcess[] = [];
const consoles: ConsoleProcess[] = [];
const pageErrors: string[] = [];
let rollouts: InstanceType<ReturnType<typeof loadAgentProto>["RolloutService"]>;
const skip = chromiumMissing();

async function placements() {
  const models = await call<ListModelsResponse__Output>(rollouts, "ListModels", {});
  return models.models.find((m) => m.name === MODEL)?.nodes ?? [];
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await testCluster();
  for (const node of NODES) dirs.push(tempDir(node));
  const files = tempDir("console-rollout-models");
  dirs.push(files);
  // v1 is the tiny model every agent generates by default (seed 1); v2 answers differently.
  const v1 = await writeTinyModel({ out: join(files, "v1.gguf"), seed: 1 });
  const v2 = await writeTinyModel({ out: join(files, "v2.gguf"), seed: 2 });
  cli(dirs[0]!, "catalog", "add-model", "--name", MODEL);
  for (const [version, file] of [
    ["v1", v1],
    ["v2", v2],
  ] as const)
    cli(
      dirs[0]!,
      ...["catalog", "add-version", "--model", MODEL, "--model-version", version],
      ...["--uri", `file://${file.path}`, "--sha256", file.sha256, "--size", String(file.bytes)],
      ...["--option", "threads=1", "--option", "parallel=2"],
    );
  const pkiDir = tempDir("console-rollouts-pki");
  dirs.push(pkiDir);
  pki = makeClusterPki(
    Object.fromEntries(NODES.map((n, i) => [n, dirs[i]!])),
    { admin: "admin", viewer: "viewer" },
    pkiDir,
  );
  agents.push(...(await Promise.all(NODES.map((node, i) => startAgent(dirs[i]!, ["--node-name", node])))));
  profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agents[0]!.control!]);
  rollouts = new (loadAgentProto().RolloutService)(
    agents[1]!.control!,
    tlsFor({ ca: pki.ca, ...pki.operators.admin! }),
  );
  await until(
    "both nodes record v1 as live",
    async () => {
      const placed = await placements();
      return placed.length === 2 && placed.every((p) => p.liveVersion === "v1" && p.state === "live");
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const c of consoles) await c.stop();
  rollouts?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

async function open(profile: string): Promise<Page> {
  const console = await startConsole(profilesFile, profile);
  consoles.push(console);
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(console.url);
  await page.waitForSelector(`[data-testid="operator"] .role-${profile}`);
  return page;
}

test("an admin starts a rollout to v2 in batches of one from the console and watches it complete", {
  skip,
}, async () => {
  const page = await open("admin");
  await page.keyboard.press("7");
  await page.waitForSelector(`.catalogue tr[data-version="v1"] [data-testid="live-on"]:text("cro-0, cro-1")`);
  await page.keyboard.press("n");
  const dialog = page.locator('[role="dialog"][aria-label="Start rollout"]');
  await dialog.waitFor();
  // Sent empty first: every missing field says what it needs.
  await dialog.locator('input[name="windowSeconds"]').fill("0");
  await dialog.locator('button[type="submit"]').click();
  assert.equal(await dialog.locator('[data-error="version"]').textContent(), "pick a version");
  assert.equal(
    await dialog.locator('[data-error="windowSeconds"]').textContent(),
    "the window is 1 to 3600 s",
  );
  assert.match((await dialog.locator('[data-error="reason"]').textContent()) ?? "", /say why/);
  await dialog.locator('select[name="version"]').selectOption("v2");
  await dialog.locator('input[name="batchSize"]').fill("1");
  await dialog.locator('input[name="maxP95Ms"]').fill("30000");
  await dialog.locator('input[name="windowSeconds"]').fill("1");
  await dialog.locator('input[name="reason"]').fill("new weights");
  await dialog.locator('button[type="submit"]').click();
  await dialog.waitFor({ state: "detached" });

  const detail = page.locator('[data-testid="rollout-detail"]');
  await detail.waitFor();
  assert.match((await detail.locator("h3").textContent()) ?? "", /entrim-tiny → v2/);
  await page.waitForSelector('[data-testid="rollout-detail"][data-state="completed"]', { timeout: 120_000 });
  for (const node of NODES) {
    const row = detail.locator(`tr[data-node="${node}"]`);
    assert.equal(await row.getAttribute("data-state"), "done");
    assert.equal(await row.locator('[data-testid="live-version"]').textContent(), "v2");
  }
  const listed = page.locator(".rollouts-list tr[data-rollout]").first();
  assert.match((await listed.textContent()) ?? "", /entrim-tiny.*v1 → v2.*completed.*2\/2.*admin/);
  await page.waitForSelector(`.catalogue tr[data-version="v2"] [data-testid="live-on"]:text("cro-0, cro-1")`);
  // Cropped to the list, the detail and the catalogue: the rest of the screen is empty.
  await page.screenshot({
    path: join(ARTIFACTS, "console-rollouts.png"),
    clip: { x: 0, y: 0, width: 1600, height: 440 },
  });

  // The agents agree: both nodes serve v2.
  const placed = await placements();
  assert.deepEqual(
    placed.map((p) => [p.node, p.liveVersion]).sort(),
    NODES.map((n) => [n, "v2"]),
  );
  assert.deepEqual(pageErrors, []);
});

test("pause from the keyboard raises the rollout-paused alert; abort asks for the model's name and returns the node", {
  skip,
}, async () => {
  const page = await open("admin");
  await page.keyboard.press("7");
  await page.keyboard.press("n");
  const dialog = page.locator('[role="dialog"][aria-label="Start rollout"]');
  await dialog.locator('select[name="version"]').selectOption("v1");
  // A long gate window keeps the first batch busy while it is paused.
  await dialog.locator('input[name="windowSeconds"]').fill("600");
  await dialog.locator('input[name="reason"]').fill("back to v1");
  await dialog.locator('input[name="reason"]').press("Enter");
  await dialog.waitFor({ state: "detached" });
  const detail = page.locator('[data-testid="rollout-detail"]');
  await page.waitForSelector('[data-testid="rollout-detail"][data-state="running"]');
  const id = (await page.locator(".rollouts-list tr.cursor").getAttribute("data-rollout"))!;
  await page.keyboard.press("p");
  await page.waitForSelector('[data-testid="rollout-detail"][data-state="paused"]');
  assert.match(
    (await detail.locator('[data-testid="rollout-reason"]').textContent()) ?? "",
    /pause by admin/,
  );

  await page.waitForSelector('[data-testid="alert-badge"]');
  await page.keyboard.press("5");
  // The cluster's alert (the leader's rollout-paused rule), live in the console.
  const alert = page.locator(`.alerts tr[data-fingerprint="rollout-paused//${id}"]`);
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? "", /Rollout of entrim-tiny to v1 paused: pause by admin/);

  await page.keyboard.press("7");
  await page.waitForSelector(`.rollouts-list tr.cursor[data-rollout="${id}"]`);
  await page.keyboard.press("c");
  const confirm = page.locator('[role="dialog"][aria-label="Abort rollout"]');
  await confirm.locator('input[name="reason"]').fill("wrong direction");
  await confirm.locator('input[name="confirm"]').fill("entrim");
  assert.equal(
    await confirm.locator('button[type="submit"]').isDisabled(),
    true,
    "a partial name is not enough",
  );
  await confirm.locator('input[name="confirm"]').fill(MODEL);
  await confirm.locator('input[name="confirm"]').press("Enter");
  await confirm.waitFor({ state: "detached" });
  await page.waitForSelector('[data-testid="rollout-detail"][data-state="aborted"]', { timeout: 120_000 });
  // The alert went with the pause: resolved.
  await page.keyboard.press("5");
  await page.locator(`.alerts tr[data-fingerprint="rollout-paused//${id}"][data-state="resolved"]`).waitFor();
  assert.deepEqual(
    (await placements()).map((p) => [p.node, p.liveVersion]).sort(),
    NODES.map((n) => [n, "v2"]),
    "every node serves what it served before the rollout",
  );
  assert.deepEqual(pageErrors, []);
});

test("a viewer's certificate sees start and roll back disabled, with the reason", { skip }, async () => {
  const page = await open("viewer");
  await page.keyboard.press("7");
  await page.waitForSelector(".rollouts-list tr[data-rollout]");
  const start = page.locator('button[data-action="rollout.start"]');
  assert.equal(await start.isDisabled(), true);
  assert.equal(
    await start.getAttribute("title"),
    "Needs the admin role; your certificate (viewer) names viewer.",
  );
  const rollback = page.locator('button[data-action="rollout.rollback"]');
  assert.equal(await rollback.isDisabled(), true);
  // The shortcut does nothing but say why.
  await page.keyboard.press("n");
  await page.waitForSelector('.notice.error:text("Start rollout…: Needs the admin role")');
  assert.equal(await page.locator('[role="dialog"]').count(), 0);
  // A row's context menu offers the same actions, disabled with the same reason.
  await page.locator(".rollouts-list tr[data-rollout]").first().click({ button: "right" });
  const item = page.locator('.context-menu button[data-action="rollout.abort"]');
  assert.equal(await item.isDisabled(), true);
  assert.match(
    (await item.getAttribute("title")) ?? "",
    /^Needs the operator role; your certificate \(viewer\)/,
  );
  assert.deepEqual(pageErrors, []);
});
