import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Page } from "playwright-core";
import { cli } from "./support.js";

/** The console's browser mode as an operator starts it: `entrim-console web`. */
export const CONSOLE_BIN = new URL("../../../electron/bin/entrim-console.js", import.meta.url).pathname;
/** Screenshots land here (gitignored); the README's images are picked from them by hand. */
export const ARTIFACTS = new URL("../../artifacts/", import.meta.url).pathname;
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
];

export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM)
    ? false
    : `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this as root)`;
}

export interface ConsolePki {
  ca: string;
  operators: Record<string, { cert: string; key: string }>;
}

/** One cluster CA for every agent (each gets a node certificate in its data dir), operators beside it. */
export function makeClusterPki(
  dataDirs: Record<string, string>,
  operators: Record<string, string>,
  dir: string,
): ConsolePki {
  const caDir = join(dir, "ca");
  const [first] = Object.values(dataDirs);
  cli(first!, "certs", "init-ca", "--dir", caDir);
  for (const [node, dataDir] of Object.entries(dataDirs))
    cli(dataDir, "certs", "issue-node", "--name", node, "--ca-dir", caDir);
  const out = join(dir, "operators");
  const made: ConsolePki["operators"] = {};
  for (const [name, role] of Object.entries(operators)) {
    cli(first!, "certs", "issue-operator", "--name", name, "--role", role, "--ca-dir", caDir, "--out", out);
    made[name] = { cert: join(out, `${name}.pem`), key: join(out, `${name}-key.pem`) };
  }
  return { ca: join(out, "ca.pem"), operators: made };
}

export function writeProfiles(file: string, pki: ConsolePki, addresses: string[]): void {
  mkdirSync(join(file, ".."), { recursive: true });
  const profiles = Object.entries(pki.operators).map(([name, files]) => ({
    name,
    addresses,
    caFile: pki.ca,
    certFile: files.cert,
    keyFile: files.key,
    readOnly: false,
  }));
  writeFileSync(file, JSON.stringify({ profiles }, null, 2));
}

export interface ConsoleProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts browser mode connected to `profile`; resolves with the URL it prints. */
export async function startConsole(profilesFile: string, profile: string): Promise<ConsoleProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CONSOLE_BIN, "web", "--profiles", profilesFile, "--profile", profile],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string };
        if (event.event === "ready" && event.url) resolve(event.url);
      } catch {
        // not a JSON line
      }
    });
    child.once("exit", (code) => reject(new Error(`console exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Opens an account's detail from the Accounts view: searches for it, waits until the search has
 * narrowed the list so the cursor is on that account (before the answer arrives, the cursor is on
 * whichever account was listed first), then Enter; resolves when that account's panel is shown.
 * On a loaded machine the panel's calls have taken more than Playwright's default 30 s.
 */
export async function openConsoleAccount(page: Page, accountId: string, search: string): Promise<void> {
  await page.keyboard.press("6");
  await page.keyboard.press("/");
  await page.keyboard.type(search);
  await page.keyboard.press("Enter");
  await page.locator(`.accounts tr.cursor[data-account="${accountId}"]`).waitFor({ timeout: 90_000 });
  await page.keyboard.press("Escape");
  await page.keyboard.press("Enter");
  await page
    .locator('[data-testid="account-detail"] h3', { hasText: accountId })
    .waitFor({ timeout: 90_000 });
}
