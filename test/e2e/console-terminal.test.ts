import assert from "node:assert/strict";
import { createHash, randomInt } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import {
  generateKeyPair,
  type KeyPair,
  startTestSshd,
  type TestSshd,
} from "@entrim/electron/test-support/sshd";
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
import { type AgentProcess, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The console's terminal tab end to end: a real agent (the node to open a shell on), a real SSH server
 * on loopback (ssh2's Server with a generated host key, public-key auth, /bin/sh behind the shell), the
 * browser mode in Debian's Chromium. Host keys: asked once when unknown, refused when changed.
 */
const NODE = "terminal-0";
let cluster: TestCluster;
let upstream: Upstream;
let browser: Browser;
let agent: AgentProcess;
let sshd: TestSshd;
let console_: ConsoleProcess | undefined;
const dirs: string[] = [];
let profilesFile: string;
const clientKey = generateKeyPair();
const hostKey = generateKeyPair();
const skip = chromiumMissing();
const pageErrors: string[] = [];

/** OpenSSH's fingerprint format, computed here independently of the console's code. */
const fingerprintOf = (key: KeyPair) =>
  `SHA256:${createHash("sha256").update(key.blob).digest("base64").replace(/=+$/, "")}`;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  // The operator's own ~/.ssh/known_hosts stays out of the test (the console reads none).
  cluster = await testCluster({ env: { ENTRIM_CONSOLE_SSH_KNOWN_HOSTS: "" } });
  upstream = await startUpstream({ tokens: 5 });
  const dir = tempDir(NODE);
  const pkiDir = tempDir("terminal-pki");
  dirs.push(dir, pkiDir);
  const pki = makeClusterPki({ [NODE]: dir }, { admin: "admin" }, pkiDir);
  agent = await startAgent(dir, ["--node-name", NODE, "--model", `up=${upstream.url}`]);
  assert.ok(agent.control, "the agent announced its control address");
  sshd = await startTestSshd({ hostKey, clientPublicKey: clientKey.public });
  const keyFile = join(pkiDir, "ssh-key");
  writeFileSync(keyFile, clientKey.private, { mode: 0o600 });
  profilesFile = join(pkiDir, "profiles.json");
  writeProfiles(profilesFile, pki, [agent.control!]);
  // The node's host comes from its control address (127.0.0.1); user, port and key from the profile.
  const file = JSON.parse(readFileSync(profilesFile, "utf8")) as { profiles: Record<string, unknown>[] };
  file.profiles[0]!.ssh = { user: "ops", port: sshd.port, keyFile };
  writeFileSync(profilesFile, JSON.stringify(file, null, 2));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await console_?.stop();
  await sshd?.close();
  await agent?.stop();
  await upstream?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

const row = `.row.node[data-node="${NODE}"]`;

/** From the fleet: put the cursor on the node and press t. */
async function openTerminal(page: Page): Promise<void> {
  await page.click('.topbar button:has-text("Fleet")');
  await page.click(`${row} .name`);
  await page.keyboard.press("t");
}

test("a terminal tab runs a command on a real sshd; the unknown key is asked once, a changed key refused", {
  skip,
}, async () => {
  console_ = await startConsole(profilesFile, "admin");
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(console_.url);
  await page.waitForSelector(row);

  // Unknown host key: the dialog shows its SHA256 fingerprint; accept it once.
  await openTerminal(page);
  const dialog = page.locator('[role="dialog"][aria-label="Unknown host key"]');
  await dialog.waitFor();
  assert.equal(await dialog.getByTestId("host-key-fingerprint").textContent(), fingerprintOf(hostKey));
  await dialog.getByRole("button", { name: "Accept and remember" }).click();
  const first = page.locator(`.terminal-pane[data-node="${NODE}"]`).first();
  await first.locator('.terminal-status:has-text("ops@")').waitFor();
  assert.equal(await first.getAttribute("data-status"), "open");

  // Typed into xterm, run by the remote shell; the shell computes the marker, so the input line alone
  // (were it echoed) cannot satisfy the wait.
  const n = randomInt(1000, 9999);
  await first.locator(".xterm").click();
  await page.keyboard.type(`echo hello-$((${n}+1))-marker\n`);
  await first
    .locator(".xterm-rows", { hasText: `hello-${n + 1}-marker` })
    .waitFor()
    .catch(async (error) => {
      await page.screenshot({ path: join(ARTIFACTS, "console-terminal-failed.png") });
      throw new Error(`${error.message}\nterminal text: ${await first.locator(".xterm-rows").textContent()}`);
    });
  // Cropped to the tab and its first lines (docs/images/console-terminal.png is picked from this).
  await page.screenshot({
    path: join(ARTIFACTS, "console-terminal.png"),
    clip: { x: 0, y: 0, width: 1400, height: 180 },
  });

  // A flood (3 MB with no pauses) cannot freeze the page: flow control throttles the remote, and the
  // command after it still shows up.
  await page.keyboard.type(`head -c 3000000 /dev/zero | tr '\\0' x; echo; echo flood-$((${n}+2))-done\n`);
  await first.locator(".xterm-rows", { hasText: `flood-${n + 2}-done` }).waitFor({ timeout: 60_000 });

  // A second tab to the same node: the key is remembered, so no question this time.
  await openTerminal(page);
  const second = page.locator(`.terminal-pane[data-node="${NODE}"]`).nth(1);
  await second.locator('.terminal-status:has-text("ops@")').waitFor();
  assert.equal(await page.locator('[role="tab"]').count(), 2, "two tabs");

  // The server comes back with another host key on the same port: refused, never asked.
  const port = sshd.port;
  await sshd.close();
  const otherKey = generateKeyPair();
  sshd = await startTestSshd({ hostKey: otherKey, clientPublicKey: clientKey.public, port });
  await openTerminal(page);
  const third = page.locator(`.terminal-pane[data-node="${NODE}"]`).nth(2);
  await third.locator('.terminal-status:has-text("Host key changed")').waitFor();
  assert.equal(await third.getAttribute("data-status"), "failed");
  const message = (await third.locator(".terminal-status").textContent()) ?? "";
  assert.ok(message.includes(fingerprintOf(hostKey)), `expected fingerprint named: ${message}`);
  assert.ok(message.includes(fingerprintOf(otherKey)), `presented fingerprint named: ${message}`);
  assert.equal(await dialog.count(), 0, "a changed key is never asked about");
  assert.equal(sshd.shells, 0, "no shell was started on the impostor");
  await page.screenshot({ path: join(ARTIFACTS, "console-terminal-changed.png") });
  assert.deepEqual(pageErrors, []);
});
