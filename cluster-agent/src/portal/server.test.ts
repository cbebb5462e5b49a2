import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type PortalKit, startPortalKit } from "../test-support/portal.js";
import { makeTempDataDir } from "../test-support/postgres.js";
import { startPortalMaintenance } from "./maintenance.js";

let kit: PortalKit;
let assets: string;
before(async () => {
  assets = join(await makeTempDataDir(), "app");
  mkdirSync(join(assets, "assets"), { recursive: true });
  writeFileSync(
    join(assets, "index.html"),
    "<!doctype html><title>portal</title><script src=/app.js></script>",
  );
  writeFileSync(join(assets, "app.js"), "console.log('portal')");
  kit = await startPortalKit({ portal: { publicUrl: "https://portal.example.eu", assetsDir: assets } });
});
after(() => kit.close());

const PASSWORD = "correct horse battery staple";
const consent = {
  acceptTerms: true,
  acceptPrivacy: true,
  ageConfirmed: true,
  termsVersion: "2026-06-01",
  privacyVersion: "2026-06-01",
};

test("the app's files are served, every other page path gets index.html, unknown /api paths a JSON 404", async () => {
  const script = await fetch(`${kit.url}/app.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type")!, /javascript/);
  const page = await fetch(`${kit.url}/verify-email?token=abc`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>portal<\/title>/);
  assert.equal(
    (await fetch(`${kit.url}/..%2f..%2fetc/passwd`)).status,
    200,
    "a path outside the app is the app",
  );
  const api = await fetch(`${kit.url}/api/nope`);
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, "not_found");
});

test("with an https public URL: links use it, cookies are Secure, its Origin is accepted", async () => {
  const email = "secure@example.eu";
  const client = kit.client({ origin: "https://portal.example.eu" });
  assert.equal(
    (await client.post("/api/signup", { name: "S", email, password: PASSWORD, ...consent })).status,
    201,
  );
  const mail = await kit.readMail(email);
  assert.ok(mail.link?.startsWith("https://portal.example.eu/verify-email?token="), mail.link);
  const token = new URL(mail.link!).searchParams.get("token");
  assert.equal((await client.post("/api/verify-email", { token })).status, 200);
  const login = await client.post("/api/login", { email, password: PASSWORD });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("entrim_portal="))!;
  assert.match(cookie, /; Secure/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const { rows } = await kit.db.store.pool.query(
    "SELECT action, role, source FROM audit_log WHERE source = 'portal' ORDER BY seq",
  );
  assert.deepEqual(
    rows.map((r) => r.action),
    ["account.signup", "user.verify-email"],
  );
  assert.equal(rows[0].role, "customer");
});

test("an oversized body is 413 and a body that is not JSON is 400, both in the OpenAI shape", async () => {
  const client = kit.client();
  await client.session();
  const big = await client.post("/api/login", { email: "a@example.eu", password: "x".repeat(70_000) });
  assert.equal(big.status, 413);
  const broken = await client.request("POST", "/api/login", undefined, {
    "content-type": "application/json",
  });
  assert.equal(broken.status, 400, "no body where one is needed");
  const form = await client.request("POST", "/api/login", undefined, {
    "content-type": "application/x-www-form-urlencoded",
  });
  assert.equal(form.status, 415);
  assert.ok((broken.body as { error: { message: string } }).error.message);
});

test("maintenance deletes ended and expired sessions and used or expired tokens, and is idempotent", async () => {
  const email = "stale@example.eu";
  const client = kit.client();
  await client.post("/api/signup", { name: "Stale", email, password: PASSWORD, ...consent });
  await kit.readMail(email);
  const count = async () => {
    const { rows } = await kit.db.store.pool.query(
      "SELECT (SELECT count(*) FROM portal_sessions)::int AS s, (SELECT count(*) FROM portal_tokens)::int AS t",
    );
    return rows[0] as { s: number; t: number };
  };
  const before = await count();
  assert.ok(before.s >= 1 && before.t >= 1);
  const maintenance = startPortalMaintenance({
    db: kit.db.store.pool,
    idleMs: 3_600_000,
    intervalMs: 3_600_000,
    now: () => new Date(kit.clock.now.getTime() + 3 * 86_400_000),
    logger: (await import("../common/log.js")).createLogger({ level: "silent" }),
  });
  try {
    const removed = await maintenance.runNow();
    assert.ok(removed.sessions >= 1 && removed.tokens >= 1);
    assert.deepEqual(await count(), { s: 0, t: 0 });
    assert.deepEqual(await maintenance.runNow(), { sessions: 0, tokens: 0 });
  } finally {
    await maintenance.stop();
  }
});
