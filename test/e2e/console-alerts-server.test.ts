import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { endPool } from "@entrim/cluster-agent/dist/store/db.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { type Alert__Output, loadAgentProto } from "@entrim/proto";
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
  startConsole,
  writeProfiles,
} from "./console-support.js";
import { call, tlsFor } from "./control.js";
import { type AgentProcess, removeDir, startAgent, tempDir } from "./support.js";

/**
 * Acceptance 1 (issue 17), the console's part: alerts are the cluster's, not a console's. With no
 * console open an agent dies (SIGKILL) and the leader fires "node down"; two operators' consoles opened
 * later both show it; one acknowledges with a note and the other sees who and the note without a
 * reload; the agent's return resolves it in both; the timeline has fired, acknowledged, resolved; a
 * viewer sees Acknowledge disabled, with why; the audit log has the acknowledgement. Then the agent the
 * consoles watch through dies and the watch goes on through the other one.
 */
const NODES = ["alc-0", "alc-1"];
const DOWN = NODES[1]!;
let cluster: TestCluster;
let browser: Browser;
let pki: ConsolePki;
let pool: pg.Pool;
let profilesFile: string;
const dirs: string[] = [];
const agents: (AgentProcess | undefined)[] = [];
const consoles: ConsoleProcess[] = [];
const skip = chromiumMissing();
const config = { node: { heartbeatSeconds: 1 }, alerting: { evaluateSeconds: 1 } };

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  cluster = await testCluster();
  pool = new pg.Pool({ connectionString: cluster.store.url });
  for (const node of NODES) dirs.push(tempDir(node));
  const pkiDir = tempDir("alerts-console-pki");
  dirs.push(pkiDir);
  pki = makeClusterPki(
    Object.fromEntries(NODES.map((n, i) => [n, dirs[i]!])),
    { otto: "operator", olga: "operator", vera: "viewer" },
    pkiDir,
  );
  for (const [i, node] of NODES.entries())
    agents.push(await startAgent(dirs[i]!, ["--node-name", node], config));
  profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agents[0]!.control!]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  for (const c of consoles) await c.stop();
  for (const a of agents) await a?.stop();
  if (pool) await endPool(pool);
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

async function alertsView(profile: string): Promise<Page> {
  const console = await startConsole(profilesFile, profile);
  consoles.push(console);
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  await page.goto(console.url);
  await page.waitForSelector(`.row.node[data-node="${NODES[0]}"]`);
  await page.keyboard.press("5");
  await page.locator('[aria-label="Alerts"]').waitFor();
  return page;
}

const row = (page: Page, state?: string) =>
  page.locator(
    `.alerts tr[data-rule="node-down"][data-node="${DOWN}"]${state ? `[data-state="${state}"]` : ""}`,
  );

test("node down fires with no console open; an acknowledgement in one console shows in the other; the return resolves it; the watch survives its agent", {
  skip,
}, async () => {
  // A crash, not a stop: no "stopped" registration, only silence. It comes back on the same control
  // address, as a real node would (the console's channel to it stays the same).
  const downAddress = agents[1]!.control!;
  agents[1]!.process.kill("SIGKILL");
  await agents[1]!.stop();
  agents[1] = undefined;

  const v1 = loadAgentProto();
  const client = new v1.AlertsService(agents[0]!.control!, tlsFor({ ca: pki.ca, ...pki.operators.vera! }), {
    "grpc.ssl_target_name_override": "localhost",
  });
  let down: Alert__Output | undefined;
  try {
    down = await until("the leader fires node down, no console open", async () =>
      (
        await call<{ alerts: Alert__Output[] }>(client, "ListAlerts", { filter: "ALERT_FILTER_FIRING" })
      ).alerts.find((a) => a.rule === "node-down" && a.node === DOWN),
    );
  } finally {
    client.close();
  }

  const a = await alertsView("otto");
  const b = await alertsView("olga");
  for (const page of [a, b]) {
    await row(page, "firing").waitFor();
    assert.match((await row(page).textContent()) ?? "", new RegExp(`${DOWN} is down`));
    await page.locator('[data-testid="alert-badge"]', { hasText: "1" }).waitFor();
  }

  // A acknowledges with a note, from the keyboard: the cursor on it, a, the note, Enter.
  await row(a).click();
  await a.keyboard.press("a");
  const dialog = a.locator('[role="dialog"][aria-label="Acknowledge alert"]');
  await dialog.waitFor();
  await a.keyboard.type("rebooting the host");
  await a.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
  await row(a, "acknowledged").waitFor();

  // B never reloads: the watch brings it, with who and the note.
  await row(b, "acknowledged").waitFor();
  assert.match(
    (await row(b).locator('[data-testid="alert-state"]').textContent()) ?? "",
    /acknowledged by otto .*: rebooting the host/,
  );
  assert.equal(
    await b.locator('[data-testid="alert-badge"]').textContent(),
    "1",
    "open, nobody left to wake",
  );
  await row(b).click();
  await b.locator('[data-testid="alert-timeline"] li[data-kind="acknowledged"]').waitFor();
  await a.screenshot({ path: join(ARTIFACTS, "console-alerts.png") });

  // A viewer sees the act disabled, with why.
  const v = await alertsView("vera");
  await row(v, "acknowledged").waitFor();
  const ack = v.locator('button[data-action="alerts.acknowledge"]');
  assert.equal(await ack.isDisabled(), true);
  assert.match((await ack.getAttribute("title")) ?? "", /Needs the operator role/);
  assert.equal(await v.locator('button[data-action="alerts.silence"]').isDisabled(), true);

  // The agent comes back: both consoles show it resolved.
  agents[1] = await startAgent(dirs[1]!, ["--node-name", DOWN, "--control-listen", downAddress], config);
  for (const page of [a, b]) await row(page, "resolved").waitFor({ timeout: 30_000 });
  await row(a).click();
  const timeline = a.locator('[data-testid="alert-timeline"]');
  await timeline.locator('li[data-kind="resolved"]').waitFor();
  const kinds = await timeline
    .locator("li[data-source=alert]")
    .evaluateAll((lis) => lis.map((li) => li.getAttribute("data-kind")));
  const order = ["fired", "acknowledged", "resolved"].map((k) => kinds.indexOf(k));
  assert.ok(
    order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)),
    `fired, acknowledged, resolved in order on the timeline: ${kinds.join(", ")}`,
  );
  assert.ok(down);
  await a.screenshot({ path: join(ARTIFACTS, "console-alerts-resolved.png") });

  // The audit log has the acknowledgement: in the console's audit view and in the store.
  await a.keyboard.press("3");
  await a.locator('.audit td:text("alert.acknowledge")').first().waitFor();
  const audit = await pool.query(
    "SELECT target, operator, result FROM audit_log WHERE action = 'alert.acknowledge' ORDER BY seq",
  );
  assert.deepEqual(audit.rows, [{ target: `alert:${down.id}`, operator: "otto", result: "ok" }]);

  // The agent the consoles watch through dies: the watch reopens on the other one, and the alert the new
  // leader fires for the dead agent reaches both consoles.
  agents[0]!.process.kill("SIGKILL");
  await agents[0]!.stop();
  agents[0] = undefined;
  for (const page of [a, b]) {
    await page.keyboard.press("5");
    await page
      .locator(`.alerts tr[data-rule="node-down"][data-node="${NODES[0]}"][data-state="firing"]`)
      .waitFor({ timeout: 60_000 });
  }
});
