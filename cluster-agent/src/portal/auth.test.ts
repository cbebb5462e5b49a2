import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setAccountStatus } from "../store/accounts.js";
import { createSuspension } from "../store/suspensions.js";
import { type PortalClient, type PortalKit, startPortalKit } from "../test-support/portal.js";
import { until } from "../test-support/until.js";
import { totpCode } from "./totp.js";

let kit: PortalKit;
before(async () => {
  // Behind a "balancer" on loopback, so each client's x-forwarded-for is its address.
  kit = await startPortalKit({ ipBlockFailures: 8, trustedProxies: ["127.0.0.1"] });
});
after(() => kit.close());

const PASSWORD = "correct horse battery staple";
let n = 0;

async function signUp(client: PortalClient, email: string, password = PASSWORD) {
  const session = await client.session();
  return client.post("/api/signup", {
    name: "Ada Lovelace",
    email,
    company: "Analytical Engines Ltd",
    password,
    acceptTerms: true,
    acceptPrivacy: true,
    ageConfirmed: true,
    termsVersion: session.body.legal.termsVersion,
    privacyVersion: session.body.legal.privacyVersion,
  });
}

/** Signs up, verifies by the emailed link and logs in; returns the logged-in client. */
async function customer(forwardedFor = `10.1.0.${++n}`) {
  const email = `user${++n}@example.eu`;
  const client = kit.client({ forwardedFor });
  assert.equal((await signUp(client, email)).status, 201);
  const mail = await kit.readMail(email);
  const token = new URL(mail.link!).searchParams.get("token");
  assert.equal((await client.post("/api/verify-email", { token })).status, 200);
  const login = await client.post("/api/login", { email, password: PASSWORD });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return { client, email };
}

test("sign up → verify by the emailed link → log in; unverified login is 403; the session shows the user", async () => {
  const email = "first@example.eu";
  const client = kit.client({ forwardedFor: "10.0.0.1" });
  const signup = await signUp(client, email);
  assert.equal(signup.status, 201);
  const unverified = await client.post("/api/login", { email, password: PASSWORD });
  assert.equal(unverified.status, 403);
  assert.equal(unverified.body.error.code, "email_not_verified");
  const mail = await kit.readMail(email);
  assert.match(mail.subject, /Confirm your email/);
  assert.ok(mail.link?.startsWith(`${kit.url}/verify-email?token=`), mail.text);
  const token = new URL(mail.link!).searchParams.get("token");
  assert.equal((await client.post("/api/verify-email", { token })).status, 200);
  const again = await client.post("/api/verify-email", { token });
  assert.equal(again.status, 400);
  assert.equal(again.body.error.param, "token");
  const login = await client.post("/api/login", { email, password: PASSWORD });
  assert.equal(login.status, 200);
  assert.equal(login.body.user.role, "owner");
  assert.equal(login.body.account.company, "Analytical Engines Ltd");
  const session = await client.session();
  assert.equal(session.body.user.email, email);
  assert.equal(session.body.user.emailVerified, true);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("entrim_portal="))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/);
  const { rows } = await kit.db.store.pool.query(
    "SELECT document, version, age_confirmed FROM terms_acceptances ORDER BY document",
  );
  assert.deepEqual(
    rows.map((r) => [r.document, r.age_confirmed]),
    [
      ["privacy", true],
      ["terms", true],
    ],
  );
});

test("a second sign-up with a registered address answers the same and tells the address's owner", async () => {
  const { email } = await customer();
  const before = kit.mailCount(email);
  const again = await signUp(kit.client(), email);
  assert.equal(again.status, 201);
  const mail = await kit.readMail(email, before);
  assert.match(mail.subject, /tried to sign up/);
});

test("an outdated terms version, a short password and an unknown field are 400 naming the field", async () => {
  const client = kit.client();
  await client.session();
  const base = {
    name: "X",
    email: "x@example.eu",
    password: PASSWORD,
    acceptTerms: true,
    acceptPrivacy: true,
    ageConfirmed: true,
    termsVersion: "2026-06-01",
    privacyVersion: "2026-06-01",
  };
  assert.equal(
    (await client.post("/api/signup", { ...base, termsVersion: "2020-01-01" })).body.error.param,
    "termsVersion",
  );
  assert.equal(
    (await client.post("/api/signup", { ...base, password: "short" })).body.error.param,
    "password",
  );
  const unknown = await client.post("/api/signup", { ...base, admin: true });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.param, "admin");
});

test("wrong password and unknown email get the same 401", async () => {
  const { email } = await customer();
  const client = kit.client({ forwardedFor: "10.2.0.1" });
  const wrong = await client.post("/api/login", { email, password: "not the password at all" });
  const unknown = await client.post("/api/login", { email: "nobody@example.eu", password: PASSWORD });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, unknown.body);
  assert.equal(wrong.body.error.code, "invalid_credentials");
});

test("CSRF: a missing or wrong token and a foreign Origin are 403 and change nothing", async () => {
  const { client } = await customer();
  const missing = await client.request("PATCH", "/api/me", { name: "Mallory" }, { "x-csrf-token": "" });
  assert.equal(missing.status, 403);
  assert.equal(missing.body.error.code, "csrf_failed");
  const wrong = await client.request(
    "PATCH",
    "/api/me",
    { name: "Mallory" },
    { "x-csrf-token": "x".repeat(43) },
  );
  assert.equal(wrong.body.error.code, "csrf_failed");
  const foreign = await client.request(
    "PATCH",
    "/api/me",
    { name: "Mallory" },
    { origin: "https://evil.example" },
  );
  assert.equal(foreign.body.error.code, "csrf_failed");
  const login = await kit
    .client()
    .request("POST", "/api/login", { email: "a@example.eu", password: PASSWORD }, { "x-csrf-token": "" });
  assert.equal(login.status, 403);
  assert.equal((await client.session()).body.user.name, "Ada Lovelace");
  const ok = await client.patch("/api/me", { name: "Ada King" });
  assert.equal(ok.status, 200);
  assert.equal((await client.session()).body.user.name, "Ada King");
});

test("password reset by email: the link works once and ends every session", async () => {
  const { client, email } = await customer();
  const other = kit.client();
  assert.equal((await other.post("/api/password/forgot", { email })).status, 202);
  const mail = await kit.readMail(email);
  assert.match(mail.link!, /\/reset-password\?token=/);
  const token = new URL(mail.link!).searchParams.get("token");
  const newPassword = "a brand new passphrase";
  assert.equal((await other.post("/api/password/reset", { token, password: newPassword })).status, 200);
  assert.equal((await other.post("/api/password/reset", { token, password: newPassword })).status, 400);
  assert.equal((await client.session()).body.user, null);
  assert.equal((await kit.client().post("/api/login", { email, password: PASSWORD })).status, 401);
  assert.equal((await kit.client().post("/api/login", { email, password: newPassword })).status, 200);
  // Unknown addresses answer the same and get nothing.
  assert.equal((await other.post("/api/password/forgot", { email: "ghost@example.eu" })).status, 202);
});

test("change password ends the other sessions; the session list shows the current one; logout-all", async () => {
  const { client, email } = await customer();
  const second = kit.client();
  assert.equal((await second.post("/api/login", { email, password: PASSWORD })).status, 200);
  const list = await client.get("/api/sessions");
  assert.equal(list.body.sessions.length, 2);
  assert.equal(list.body.sessions.filter((s: { current: boolean }) => s.current).length, 1);
  const changed = await client.post("/api/password/change", {
    currentPassword: PASSWORD,
    newPassword: `${PASSWORD}!`,
  });
  assert.equal(changed.status, 200);
  assert.equal((await second.session()).body.user, null);
  assert.equal((await client.session()).body.user.email, email);
  const third = kit.client();
  await third.post("/api/login", { email, password: `${PASSWORD}!` });
  const all = await client.post("/api/sessions/logout-all");
  assert.equal(all.status, 200);
  assert.equal((await client.session()).body.user, null);
  assert.equal((await third.session()).body.user, null);
});

test("session idle and absolute expiry follow the clock", async () => {
  const { client, email } = await customer();
  kit.clock.advance(59 * 60_000);
  assert.ok((await client.session()).body.user, "used within the idle time: still logged in");
  kit.clock.advance(61 * 60_000);
  const token = client.csrfToken;
  const stale = await client.patch("/api/me", { name: "Late" });
  assert.equal(stale.status, 401, "an expired session asks to log in again (the token still holds)");
  assert.equal(stale.body.error.code, "not_authenticated");
  assert.equal((await client.session()).body.user, null, "idle for over an hour: logged out");
  assert.equal(client.csrfToken, token, "the token changes with the cookie, not with the server's expiry");
  assert.equal((await client.post("/api/login", { email, password: PASSWORD })).status, 200);
  const busy = kit.client();
  await busy.post("/api/login", { email, password: PASSWORD });
  for (let i = 0; i < 13; i++) {
    kit.clock.advance(59 * 60_000);
    const user = (await busy.session()).body.user;
    if (i < 12) assert.ok(user, `hour ${i}: still logged in`);
    else assert.equal(user, null, "past 12 hours: logged out however busy");
  }
});

test("TOTP: set up, enable, login needs a code, a replayed code is refused, disable", async () => {
  const { client, email } = await customer();
  const setup = await client.post("/api/totp/setup");
  assert.equal(setup.status, 200);
  assert.match(setup.body.otpauthUrl, /^otpauth:\/\/totp\//);
  const secret: string = setup.body.secret;
  kit.clock.advance(30_000);
  assert.equal(
    (await client.post("/api/totp/enable", { code: await totpCode(secret, kit.clock.now) })).status,
    200,
  );
  const browser = kit.client();
  const needs = await browser.post("/api/login", { email, password: PASSWORD });
  assert.equal(needs.body.error.code, "totp_required");
  const replay = await browser.post("/api/login", {
    email,
    password: PASSWORD,
    totpCode: await totpCode(secret, kit.clock.now),
  });
  assert.equal(replay.body.error.code, "invalid_totp", "the code that enabled TOTP is used up");
  kit.clock.advance(30_000);
  const code = await totpCode(secret, kit.clock.now);
  assert.equal((await browser.post("/api/login", { email, password: PASSWORD, totpCode: code })).status, 200);
  const reused = await kit.client().post("/api/login", { email, password: PASSWORD, totpCode: code });
  assert.equal(reused.body.error.code, "invalid_totp");
  kit.clock.advance(30_000);
  const off = await client.post("/api/totp/disable", {
    password: PASSWORD,
    code: await totpCode(secret, kit.clock.now),
  });
  assert.equal(off.status, 200);
  assert.equal((await kit.client().post("/api/login", { email, password: PASSWORD })).status, 200);
});

test("throttling per account and per address answers 429 with Retry-After; repeated failures block the address", async () => {
  const { email } = await customer();
  const client = kit.client({ forwardedFor: "10.3.0.1" });
  for (let i = 0; i < 5; i++)
    assert.equal((await client.post("/api/login", { email, password: "wrong wrong wrong" })).status, 401);
  const limited = await kit
    .client({ forwardedFor: "10.3.0.2" })
    .post("/api/login", { email, password: PASSWORD });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, "throttled");
  assert.ok(Number(limited.headers.get("retry-after")) > 0);
  await until("the failures and the throttled attempt are security events", async () => {
    const { rows } = await kit.db.store.pool.query(
      "SELECT kind, code FROM security_events WHERE ip IN ('10.3.0.1', '10.3.0.2') ORDER BY occurred_at",
    );
    return (
      rows.filter((r) => r.kind === "auth_failure" && r.code === "invalid_credentials").length === 5 &&
      rows.some((r) => r.kind === "rate_limited" && r.code === "throttled")
    );
  });
  kit.clock.advance(15 * 60_000 + 1000);
  assert.equal(
    (await kit.client({ forwardedFor: "10.3.0.2" }).post("/api/login", { email, password: PASSWORD })).status,
    200,
  );

  // One address guessing many accounts: the IP blocker's suspension refuses it.
  const guesser = kit.client({ forwardedFor: "10.4.0.1" });
  for (let i = 0; i < 8; i++)
    await guesser.post("/api/login", { email: `guess${i}@example.eu`, password: PASSWORD });
  // The block is recorded as a suspension (what every agent applies), then applied here.
  await until("the address is suspended", async () => {
    const { rows } = await kit.db.store.pool.query(
      "SELECT 1 FROM suspensions WHERE target_type = 'ip' AND host(network) = '10.4.0.1'",
    );
    return rows.length === 1;
  });
  await until("this agent refuses the address", () => {
    try {
      kit.suspensions.checkIp("10.4.0.1");
      return false;
    } catch {
      return true;
    }
  });
  const blocked = await guesser.post("/api/login", { email: "guess@example.eu", password: PASSWORD });
  assert.equal(blocked.status, 403);
});

test("a suspended or restricted account's users still log in, read why, and reach their invoices", async () => {
  for (const sanction of ["suspended", "restricted"] as const) {
    const { email } = await customer();
    const pool = kit.db.store.pool;
    const { rows } = await pool.query("SELECT account_id FROM portal_users WHERE email = $1", [email]);
    const accountId = rows[0].account_id as string;
    if (sanction === "suspended") {
      await createSuspension(pool, {
        targetType: "account",
        target: accountId,
        state: "suspended",
        reason: "non_payment",
        createdBy: "cli:test",
      });
    } else {
      await setAccountStatus(pool, accountId, "restricted");
    }
    const client = kit.client({ forwardedFor: `10.9.0.${++n}` });
    const login = await client.post("/api/login", { email, password: PASSWORD });
    assert.equal(login.status, 200, `${sanction}: ${JSON.stringify(login.body)}`);
    assert.equal((await client.get("/api/invoices")).status, 200);
    if (sanction === "suspended") {
      const notices = await client.get("/api/notices");
      const suspension = notices.body.notices.find((x: { kind: string }) => x.kind === "suspension");
      assert.ok(suspension?.active, JSON.stringify(notices.body));
      assert.match(`${suspension.reason} ${suspension.whatToDo}`, /pay/i);
    } else {
      assert.equal(login.body.account.status, "restricted");
    }
  }
});
