import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PortalClient } from "@entrim/cluster-agent/test-support/portal.js";
import { startTestSmtp, type TestSmtp } from "@entrim/cluster-agent/test-support/smtp.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import { startUpstream, type Upstream } from "@entrim/cluster-agent/test-support/upstream.js";
import { type TestCluster, testCluster } from "./cluster.js";
import { type AgentProcess, cli, removeDir, startAgent, tempDir } from "./support.js";

/**
 * The portal as deployed: two agents behind a balancer, one store. A browser's requests land on
 * either agent, so a session, its CSRF token, a logout and a revocation made through one agent hold
 * on the other.
 */
let cluster: TestCluster;
let smtp: TestSmtp;
let upstream: Upstream;
const agents: AgentProcess[] = [];
const dirs: string[] = [];

before(async () => {
  cluster = await testCluster();
  smtp = await startTestSmtp();
  upstream = await startUpstream({ tokens: 4 });
  for (const name of ["portal-a", "portal-b"]) {
    const dir = tempDir(name);
    dirs.push(dir);
    if (agents.length === 0) cli(dir, "db", "migrate");
    agents.push(
      await startAgent(
        dir,
        ["--node-name", name, "--model", `up=${upstream.url}`, "--portal-listen", "127.0.0.1:0"],
        {
          mail: {
            smtp: { host: "127.0.0.1", port: smtp.port },
            from: "noreply@entrim.test",
            retryBaseMs: 100,
          },
        },
      ),
    );
  }
});

after(async () => {
  for (const agent of agents) await agent.stop();
  await upstream?.close();
  await smtp?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

/** The same browser (cookies and CSRF token) talking to another agent. */
function sameBrowserOn(client: PortalClient, agent: AgentProcess): PortalClient {
  const moved = new PortalClient(agent.portal!);
  for (const [name, value] of client.cookies) moved.cookies.set(name, value);
  moved.csrfToken = client.csrfToken;
  return moved;
}

test("a session made on one agent works on the other; logout and revocation hold everywhere", async () => {
  const [a, b] = agents as [AgentProcess, AgentProcess];
  const onA = new PortalClient(a.portal!);
  const legal = (await onA.session()).body.legal;
  const email = "two-agents@example.eu";
  const password = "a long enough password";
  const signup = await onA.post("/api/signup", {
    name: "Two Agents",
    email,
    password,
    acceptTerms: true,
    acceptPrivacy: true,
    termsVersion: legal.termsVersion,
    privacyVersion: legal.privacyVersion,
    ageConfirmed: true,
  });
  assert.equal(signup.status, 201);
  await until("the verification email arrived", () => smtp.received.some((m) => m.to.includes(email)));
  const body = smtp.received.find((m) => m.to.includes(email))!.body.replace(/=\r?\n/g, "");
  const token = /token=(?:3D)?([A-Za-z0-9_-]{43})/.exec(body)?.[1];
  assert.ok(token);
  // Verified through B, logged in through A.
  assert.equal((await new PortalClient(b.portal!).post("/api/verify-email", { token })).status, 200);
  assert.equal((await onA.post("/api/login", { email, password })).status, 200);

  // The key is made through B with A's session and CSRF token.
  const onB = sameBrowserOn(onA, b);
  const created = await onB.post("/api/keys", { name: "made on b" });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const chat = (agent: AgentProcess) =>
    fetch(`${agent.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.body.token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "up", messages: [{ role: "user", content: "hi" }], max_tokens: 4 }),
    });
  assert.equal((await chat(a)).status, 200);

  // Revoked through A: both agents refuse the key.
  assert.equal((await onA.delete(`/api/keys/${created.body.key.id}`)).status, 200);
  for (const agent of [a, b])
    await until(`${agent.url} refuses the revoked key`, async () => (await chat(agent)).status === 401);

  // Logged out through B: A no longer knows the session.
  assert.equal((await onB.post("/api/logout")).status, 200);
  const afterLogout = await onA.get("/api/keys");
  assert.equal(afterLogout.status, 401);
  assert.equal(afterLogout.body.error.code, "not_authenticated");
});
