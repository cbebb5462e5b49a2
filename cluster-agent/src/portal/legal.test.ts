// Terms publishing and the notification opt-out, end to end through the portal: a real store, the
// real mailer sending to a real SMTP server, and portal users logged in over HTTP.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { notifyEveryAccount } from "../notices/broadcast.js";
import { deprecateModel } from "../notices/deprecation.js";
import { publishLegal } from "../notices/legal.js";
import { listAudit } from "../store/audit-log.js";
import { createModel } from "../store/models.js";
import { type PortalClient, type PortalKit, startPortalKit } from "../test-support/portal.js";

let kit: PortalKit;
before(async () => {
  kit = await startPortalKit({ trustedProxies: ["127.0.0.1"] });
});
after(() => kit.close());

const PASSWORD = "correct horse battery staple";
const consent = (privacyVersion = "2026-06-01") => ({
  acceptTerms: true,
  acceptPrivacy: true,
  ageConfirmed: true,
  termsVersion: "2026-06-01",
  privacyVersion,
});
const day = (offsetDays: number) =>
  new Date(kit.clock.now.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
let n = 0;

interface Owner {
  client: PortalClient;
  email: string;
  accountId: string;
}

async function owner(): Promise<Owner> {
  const email = `legal${++n}@example.eu`;
  const client = kit.client({ forwardedFor: `10.7.0.${n}` });
  const signup = await client.post("/api/signup", {
    name: `Owner ${n}`,
    email,
    password: PASSWORD,
    ...consent(),
  });
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  const token = new URL((await kit.readMail(email)).link!).searchParams.get("token");
  await client.post("/api/verify-email", { token });
  const login = await client.post("/api/login", { email, password: PASSWORD });
  assert.equal(login.status, 200);
  return { client, email, accountId: login.body.account.id };
}

async function developerOf(of: Owner): Promise<PortalClient> {
  const email = `dev${++n}@example.eu`;
  assert.equal((await of.client.post("/api/team/invites", { email, role: "developer" })).status, 201);
  const token = new URL((await kit.readMail(email)).link!).searchParams.get("token")!;
  const browser = kit.client({ forwardedFor: `10.6.0.${n}` });
  const accepted = await browser.post("/api/invites/accept", {
    token,
    name: "Dev",
    password: PASSWORD,
    ...consent("p2"),
  });
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  assert.equal((await browser.post("/api/login", { email, password: PASSWORD })).status, 200);
  return browser;
}

const titles = async (client: PortalClient) =>
  ((await client.get("/api/notices")).body.notices as { title: string }[]).map((x) => x.title);

/** Ids of the mails queued for the account's notices of `kind` (none when it opted out). */
async function deliveries(accountId: string, kind: string) {
  const { rows } = await kit.db.store.pool.query<{ mail_skipped: string | null; mails: number }>(
    `SELECT n.mail_skipped, (SELECT count(*)::int FROM notice_deliveries d WHERE d.notice_id = n.id) AS mails
     FROM notices n WHERE n.account_id = $1 AND n.kind = $2`,
    [accountId, kind],
  );
  return rows;
}

let a: Owner;
let b: Owner;
let c: Owner;

test("a terms change reaches every account, shows as pending, and is gone once accepted", async () => {
  [a, b, c] = [await owner(), await owner(), await owner()];
  const effective = day(10);
  const published = await publishLegal(
    kit.db.store.pool,
    { document: "terms", version: "v2", date: effective, url: "https://example.eu/terms/v2", by: "cli:test" },
    kit.clock.now,
  );
  assert.ok(published.accounts >= 3);
  for (const o of [a, b, c]) {
    assert.ok((await titles(o.client)).includes(`Our Terms of Service change on ${effective}`));
    const mail = await kit.readMail(o.email);
    assert.equal(mail.subject, `Our Terms of Service change on ${effective}`);
    assert.match(mail.text, /https:\/\/example\.eu\/terms\/v2/);
    assert.match(mail.text, /sent whatever your notification settings/);
  }
  const session = await a.client.session();
  assert.deepEqual(session.body.legal.pending, [
    {
      document: "terms",
      version: "v2",
      effectiveAt: `${effective}T00:00:00.000Z`,
      url: "https://example.eu/terms/v2",
      upcoming: true,
    },
  ]);
  assert.equal(session.body.legal.termsVersion, "2026-06-01", "not in force before its date");

  const accepted = await a.client.post("/api/legal/accept", { document: "terms", version: "v2" });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.deepEqual(accepted.body.legal.pending, []);
  assert.deepEqual((await a.client.session()).body.legal.pending, []);
  assert.equal((await b.client.session()).body.legal.pending.length, 1, "each account accepts for itself");
  const audit = await listAudit(kit.db.store.pool, { action: "legal.accept" });
  assert.equal(audit.length, 1);
  assert.equal(audit[0]!.target, "legal:terms");
  assert.equal(audit[0]!.source, "portal");
});

test("accepting refuses unknown documents and versions; a version in force is required at sign-up", async () => {
  const unknown = await a.client.post("/api/legal/accept", { document: "cookies", version: "v2" });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.param, "document");
  const missing = await a.client.post("/api/legal/accept", { document: "terms", version: "v9" });
  assert.equal(missing.status, 404);
  assert.match(missing.body.error.message, /reload the page/);

  // In force today: the session says so, and a sign-up page showing the old version is refused.
  await publishLegal(
    kit.db.store.pool,
    { document: "privacy", version: "p2", date: day(0), by: "cli:test" },
    kit.clock.now,
  );
  const session = await b.client.session();
  assert.equal(session.body.legal.privacyVersion, "p2");
  assert.ok(
    session.body.legal.pending.some(
      (p: { version: string; upcoming: boolean }) => p.version === "p2" && !p.upcoming,
    ),
  );
  const stranger = kit.client({ forwardedFor: "10.5.0.1" });
  const old = await stranger.post("/api/signup", {
    name: "Late",
    email: "late@example.eu",
    password: PASSWORD,
    ...consent(),
  });
  assert.equal(old.status, 400);
  assert.equal(old.body.error.code, "outdated_version");
  const fresh = await stranger.post("/api/signup", {
    name: "Late",
    email: "late@example.eu",
    password: PASSWORD,
    ...consent("p2"),
  });
  assert.equal(fresh.status, 201);
  for (const o of [a, b, c]) await kit.readMail(o.email); // the privacy notice
});

test("an owner opts out: non-essential notices stay in the portal without email, essential ones still mail", async () => {
  const dev = await developerOf(a);
  const seen = await dev.get("/api/notifications");
  assert.deepEqual(seen.body, {
    nonEssential: true,
    essentialKinds: ["billing", "abuse", "terms"],
    nonEssentialKinds: ["maintenance", "model"],
  });
  const refused = await dev.request("PUT", "/api/notifications", { nonEssential: false });
  assert.equal(refused.status, 403);
  assert.equal((await a.client.request("PUT", "/api/notifications", { nonEssential: "no" })).status, 400);
  const off = await a.client.request("PUT", "/api/notifications", { nonEssential: false });
  assert.equal(off.status, 200);
  assert.equal(off.body.nonEssential, false);
  assert.equal((await dev.get("/api/notifications")).body.nonEssential, false);
  assert.equal((await listAudit(kit.db.store.pool, { action: "notifications.update" })).length, 1);

  await notifyEveryAccount(kit.db.store.pool, {
    kind: "maintenance",
    essential: false,
    title: "Upgrade window",
    body: "Requests may pause.",
  });
  await createModel(kit.db.store.pool, { name: "old-7b", createdBy: "test" });
  for (const [i, o] of [a, b].entries())
    await kit.db.store.pool.query(
      `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status, http_status)
       VALUES ($1, now(), now(), $2, 'keykeykeykey', 'old-7b', 'node-1', 'completed', 200)`,
      [`req_legal${String(i).padStart(15, "0")}`, o.accountId],
    );
  const deprecation = await deprecateModel(kit.db.store.pool, {
    model: "old-7b",
    date: day(30),
    by: "cli:test",
  });
  assert.deepEqual(deprecation.accounts.sort(), [a.accountId, b.accountId].sort());

  // The opted-out account reads both in the portal, but no mail was queued for them.
  const inPortal = await titles(a.client);
  assert.ok(inPortal.includes("Upgrade window"));
  assert.ok(inPortal.some((t) => t.includes("old-7b")));
  for (const kind of ["maintenance", "model"])
    assert.deepEqual(await deliveries(a.accountId, kind), [{ mail_skipped: "opted_out", mails: 0 }]);
  // The others get the mail; the account that never used the model gets no deprecation at all.
  assert.equal((await kit.readMail(b.email)).subject, "Upgrade window");
  assert.match((await kit.readMail(b.email)).subject, /old-7b/);
  assert.equal((await kit.readMail(c.email)).subject, "Upgrade window");
  assert.deepEqual(await deliveries(c.accountId, "model"), []);
  assert.ok(!(await titles(c.client)).some((t) => t.includes("old-7b")));

  // Essential: a terms change still reaches the opted-out owner's inbox.
  const date = day(20);
  await publishLegal(
    kit.db.store.pool,
    { document: "terms", version: "v3", date, by: "cli:test" },
    kit.clock.now,
  );
  assert.equal((await kit.readMail(a.email)).subject, `Our Terms of Service change on ${date}`);
  assert.equal(kit.mailCount(a.email), 4, "verify, terms v2, privacy p2, terms v3: nothing else");
});
