import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { endPool } from "@entrim/cluster-agent/dist/store/db.js";
import { enqueueMail, getMailLogEntry } from "@entrim/cluster-agent/dist/store/mail.js";
import { startTestSmtp, type TestSmtp } from "@entrim/cluster-agent/test-support/smtp.js";
import { until } from "@entrim/cluster-agent/test-support/until.js";
import pg from "pg";
import { type TestCluster, testCluster } from "./cluster.js";
import { removeDir, startAgent, tempDir } from "./support.js";

/** The agent as shipped: `mail` in its config file, the login in its environment, the store shared. */
let cluster: TestCluster;
let smtp: TestSmtp;
let pool: pg.Pool;
const dirs: string[] = [];
const login = { user: "relay-user", pass: `pw-${Date.now()}` };

before(async () => {
  cluster = await testCluster();
  smtp = await startTestSmtp({ login });
  pool = new pg.Pool({ connectionString: cluster.env.DATABASE_URL });
});
after(async () => {
  if (pool) await endPool(pool);
  await smtp?.close();
  await cluster?.stop();
  for (const dir of dirs) removeDir(dir);
});

const mailConfig = () => ({
  mail: {
    smtp: { host: "127.0.0.1", port: smtp.port, userEnv: "E2E_SMTP_USER", passwordEnv: "E2E_SMTP_PASSWORD" },
    from: "Entrim <noreply@entrim.test>",
    retryBaseMs: 100,
  },
});

test("an agent with mail configured sends what is queued, and its log names no address, subject or body", async () => {
  const dir = tempDir("mail");
  dirs.push(dir);
  const agent = await startAgent(dir, ["--node-name", "mail-1"], mailConfig(), {
    E2E_SMTP_USER: login.user,
    E2E_SMTP_PASSWORD: login.pass,
  });
  try {
    const id = await enqueueMail(pool, {
      kind: "notice",
      accountId: "acct_e2email",
      to: "grace.hopper@example.eu",
      subject: "Your spend cap is near",
      text: "Dear Grace, 90 percent of your cap is used.",
    });
    await until("the agent delivered the message", () => smtp.received.length === 1);
    assert.equal(smtp.received[0]?.to[0], "grace.hopper@example.eu");
    assert.equal(smtp.received[0]?.user, login.user);
    const line = await agent.waitForLog("mail sent");
    assert.match(line, new RegExp(id));
    assert.equal((await getMailLogEntry(pool, id))?.result, "sent");
    for (const secret of ["grace.hopper", "spend cap", "Dear Grace", login.pass]) {
      assert.ok(!agent.log().includes(secret), `the agent's log holds "${secret}"`);
    }
  } finally {
    await agent.stop();
  }
});

test("an agent whose SMTP password variable is not set refuses to start and names it", async () => {
  const dir = tempDir("mail-nopw");
  dirs.push(dir);
  await assert.rejects(
    startAgent(dir, ["--node-name", "mail-2"], mailConfig(), { E2E_SMTP_USER: login.user }),
    /mail\.smtp\.passwordEnv names E2E_SMTP_PASSWORD, which is not set/,
  );
});
