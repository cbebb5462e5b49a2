// The built app renders in a real Chromium under the portal's strict CSP: the login and sign-up forms
// appear with their labels, and the page logs no error and no CSP violation. The server is the stand-in
// of test-support/static-server.ts (the real one is cluster-agent's; test/e2e covers the two together).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { APP_DIR, type StaticPortal, serveApp, signedOutSession } from "./test-support/static-server.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is missing: apt-get install -y chromium`
  : !existsSync(join(APP_DIR, "app.js"))
    ? "portal/dist/app is not built: node portal/build.mjs"
    : false;

let browser: Browser;
let portal: StaticPortal;

before(async () => {
  if (skip) return;
  portal = await serveApp({ "/api/session": signedOutSession() });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await portal?.close();
});

/** Opens `path` and collects console errors, page errors and CSP violations until the test ends. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(`${portal.url}${path}`);
  return { page, problems };
}

test("the login page renders its form under the strict CSP", { skip }, async () => {
  const { page, problems } = await open("/login");
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  assert.equal(await page.getByLabel("Email").count(), 1);
  assert.equal(await page.getByLabel("Password").count(), 1);
  assert.equal(await page.getByRole("button", { name: "Log in" }).count(), 1);
  assert.equal(
    await page.getByLabel("Code from your authenticator app").count(),
    0,
    "only after totp_required",
  );
  assert.equal(await page.title(), "Entrim");
  await page.screenshot({ path: "/tmp/portal-login.png" });
  assert.deepEqual(problems, []);
  await page.close();
});

test("the sign-up page shows the legal versions from the session and links their documents", {
  skip,
}, async () => {
  const { page, problems } = await open("/signup");
  await page.getByRole("heading", { name: "Create your account" }).waitFor();
  for (const label of ["Your name", "Email", "Company (optional)", "Password"])
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, label);
  const terms = page.getByRole("checkbox", { name: /I accept the Terms of Service \(version 2026-01\)/ });
  const privacy = page.getByRole("checkbox", { name: /I accept the Privacy Policy \(version 2026-02\)/ });
  const age = page.getByRole("checkbox", { name: "I confirm I am 18 or older" });
  assert.equal(await terms.count(), 1);
  assert.equal(await privacy.count(), 1);
  assert.equal(await age.count(), 1);
  assert.equal(
    await page.getByRole("link", { name: "Terms of Service" }).getAttribute("href"),
    "https://example.com/terms",
  );
  // Leaving a box unticked is refused in the page, naming the box, before anything is sent.
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill("ada@example.com");
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery staple");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("alert").filter({ hasText: "Accept the Terms of Service to continue." }).waitFor();
  assert.equal(
    portal.apiRequests.filter((r) => r.startsWith("POST")).length,
    0,
    "nothing was posted without the consents",
  );
  await page.screenshot({ path: "/tmp/portal-signup.png", fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("a page behind login sends a visitor to log in and remembers where they were going", {
  skip,
}, async () => {
  const { page, problems } = await open("/usage?month=2026-11");
  await page.getByRole("heading", { name: "Log in" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/login");
  assert.equal(new URL(page.url()).searchParams.get("next"), "/usage?month=2026-11");
  assert.deepEqual(problems, []);
  await page.close();
});
