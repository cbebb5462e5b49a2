import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type PortalClient, type PortalKit, startPortalKit } from "../test-support/portal.js";

let kit: PortalKit;
before(async () => {
  kit = await startPortalKit({ trustedProxies: ["127.0.0.1"] });
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
let n = 0;

async function owner(): Promise<{ client: PortalClient; email: string }> {
  const email = `owner${++n}@example.eu`;
  const client = kit.client({ forwardedFor: `10.9.0.${n}` });
  await client.post("/api/signup", { name: `Owner ${n}`, email, password: PASSWORD, ...consent });
  const token = new URL((await kit.readMail(email)).link!).searchParams.get("token");
  await client.post("/api/verify-email", { token });
  assert.equal((await client.post("/api/login", { email, password: PASSWORD })).status, 200);
  return { client, email };
}

async function invite(client: PortalClient, role: string) {
  const email = `member${++n}@example.eu`;
  const created = await client.post("/api/team/invites", { email, role });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const link = (await kit.readMail(email)).link!;
  assert.match(link, /\/accept-invite\?token=/);
  const token = new URL(link).searchParams.get("token")!;
  const browser = kit.client({ forwardedFor: `10.8.0.${n}` });
  const info = await browser.get(`/api/invites/${token}`);
  assert.equal(info.body.role, role);
  assert.equal(
    (
      await browser.post("/api/invites/accept", {
        token,
        name: "Grace Hopper",
        password: PASSWORD,
        ...consent,
      })
    ).status,
    201,
  );
  assert.equal(
    (await browser.post("/api/invites/accept", { token, name: "Again", password: PASSWORD, ...consent }))
      .status,
    400,
  );
  const login = await browser.post("/api/login", { email, password: PASSWORD });
  assert.equal(login.status, 200);
  return { browser, email, inviteId: created.body.invite.id as string, userId: login.body.user.id as string };
}

test("invite → email → accept → login with the role; owner-only routes refuse a developer", async () => {
  const { client } = await owner();
  const dev = await invite(client, "developer");
  assert.equal((await dev.browser.session()).body.user.role, "developer");
  const refused = await dev.browser.get("/api/team");
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, "forbidden_role");
  assert.equal(
    (await dev.browser.post("/api/team/invites", { email: "x@example.eu", role: "owner" })).status,
    403,
  );
  const team = await client.get("/api/team");
  assert.equal(team.body.members.length, 2);
  assert.equal(team.body.members.filter((m: { you: boolean }) => m.you).length, 1);
});

test("the last owner cannot be demoted or removed; a removed member's sessions end", async () => {
  const { client } = await owner();
  const me = (await client.session()).body.user.id;
  assert.equal((await client.patch(`/api/team/members/${me}`, { role: "developer" })).status, 409);
  assert.equal((await client.delete(`/api/team/members/${me}`)).status, 409);
  const billing = await invite(client, "billing");
  assert.equal((await client.patch(`/api/team/members/${billing.userId}`, { role: "owner" })).status, 200);
  assert.equal((await client.patch(`/api/team/members/${me}`, { role: "developer" })).status, 200);
  assert.equal((await billing.browser.delete(`/api/team/members/${me}`)).status, 204);
  assert.equal((await client.session()).body.user, null);
});

test("another account's session, member and invite ids are 404 in every route", async () => {
  const a = await owner();
  const b = await owner();
  const bMember = await invite(b.client, "developer");
  const pending = await b.client.post("/api/team/invites", {
    email: `pending${++n}@example.eu`,
    role: "billing",
  });
  const bSession = (await b.client.get("/api/sessions")).body.sessions[0].id;
  for (const [method, path, body] of [
    ["DELETE", `/api/sessions/${bSession}`],
    ["PATCH", `/api/team/members/${bMember.userId}`, { role: "owner" }],
    ["DELETE", `/api/team/members/${bMember.userId}`],
    ["DELETE", `/api/team/invites/${pending.body.invite.id}`],
  ] as const) {
    const answer = await a.client.request(method, path, body);
    assert.equal(answer.status, 404, `${method} ${path}`);
    assert.equal(answer.body.error.code, "not_found");
  }
  assert.equal((await b.client.session()).body.user.role, "owner");
  assert.equal((await b.client.get("/api/team")).body.invites.length, 1);
});

test("security headers on every answer; tokens and passwords are nowhere in the database or the log", async () => {
  const { client } = await owner();
  for (const path of ["/api/session", "/", "/some/page"]) {
    const answer = await fetch(`${kit.url}${path}`);
    assert.match(
      answer.headers.get("content-security-policy")!,
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(answer.headers.get("x-content-type-options"), "nosniff");
    assert.equal(answer.headers.get("referrer-policy"), "no-referrer");
    assert.equal(answer.headers.get("x-frame-options"), "DENY");
  }
  assert.equal((await fetch(`${kit.url}/api/session`)).headers.get("cache-control"), "no-store");
  const unknown = await client.get("/api/nothing-here");
  assert.equal(unknown.status, 404);
  const cookieToken = client.cookies.get("entrim_portal")!;
  const mailTokens = kit.smtp.received.flatMap((m) =>
    [...m.body.matchAll(/token=([A-Za-z0-9_-]{43})/g)].map((x) => x[1]!),
  );
  assert.ok(mailTokens.length > 0);
  const { rows } = await kit.db.store.pool.query(`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t USING (table_schema, table_name)
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea')`);
  let dump = "";
  for (const { table_name, column_name } of rows) {
    const values = await kit.db.store.pool.query(
      `SELECT ${JSON.stringify(column_name)}::text AS v FROM ${JSON.stringify(table_name)} WHERE ${JSON.stringify(column_name)} IS NOT NULL`,
    );
    if (table_name !== "mail_queue") dump += values.rows.map((r) => r.v).join("\n");
  }
  const log = await kit.log();
  for (const secret of [PASSWORD, cookieToken, ...mailTokens]) {
    assert.ok(!dump.includes(secret), "a secret is stored in clear");
    assert.ok(!log.includes(secret), "a secret is in the log");
  }
});
