import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type MailConfig, mailSchema } from "../config/mail.js";
import { claimDue, enqueueMail, getMailLogEntry, listMailLog, type OutgoingMail } from "../store/mail.js";
import { openStore, type Store } from "../store/store.js";
import { makeTempDataDir, openTestStore, type TestStore } from "../test-support/postgres.js";
import { startTestSmtp, type TestSmtp } from "../test-support/smtp.js";
import { until } from "../test-support/until.js";
import { Mailer } from "./mailer.js";

let db: TestStore;
before(async () => {
  db = await openTestStore();
});
after(async () => {
  await db?.close();
});

function mailConfig(smtp: TestSmtp, extra: { smtp?: object; [key: string]: unknown } = {}): MailConfig {
  const { smtp: smtpExtra, ...rest } = extra;
  return mailSchema.parse({
    smtp: { host: "127.0.0.1", port: smtp.port, ...smtpExtra },
    from: "Entrim <noreply@entrim.test>",
    retryBaseMs: 100,
    // Only the NOTIFY and the retry timer wake the sender in these tests, never the poll.
    pollMs: 60_000,
    ...rest,
  }) as MailConfig;
}

async function withMailer<T>(
  smtp: TestSmtp,
  fn: (mailer: Mailer) => Promise<T>,
  options: { store?: Store; extra?: Parameters<typeof mailConfig>[1]; env?: NodeJS.ProcessEnv } = {},
): Promise<T> {
  const mailer = new Mailer({
    store: options.store ?? db.store,
    config: mailConfig(smtp, options.extra),
    ...(options.env ? { env: options.env } : {}),
  });
  await mailer.start();
  try {
    return await fn(mailer);
  } finally {
    await mailer.stop();
  }
}

const message = (n = 1): OutgoingMail => ({
  kind: "test",
  accountId: "acct_mailtest",
  to: `customer${n}@example.eu`,
  subject: `Your invoice number ${n} is ready`,
  text: `Dear customer, invoice ${n} is attached in spirit.`,
});

async function queueDepth(): Promise<number> {
  const { rows } = await db.store.pool.query("SELECT count(*)::int AS n FROM mail_queue");
  return rows[0].n;
}

test("a queued message arrives at the SMTP server as written, is logged sent, and leaves the queue", async () => {
  const smtp = await startTestSmtp();
  try {
    const id = await withMailer(smtp, async () => {
      const queued = await enqueueMail(db.store.pool, { ...message(), html: "<p>Dear customer</p>" });
      await until("the message is delivered and recorded", () => getMailLogEntry(db.store.pool, queued));
      return queued;
    });
    assert.equal(smtp.received.length, 1);
    const got = smtp.received[0]!;
    assert.equal(got.from, "noreply@entrim.test");
    assert.deepEqual(got.to, ["customer1@example.eu"]);
    assert.equal(got.subject, "Your invoice number 1 is ready");
    assert.match(got.raw, /Dear customer, invoice 1 is attached in spirit\./);
    assert.match(got.raw, /<p>Dear customer<\/p>/);
    const log = await getMailLogEntry(db.store.pool, id);
    assert.equal(log?.result, "sent");
    assert.equal(log?.attempts, 1);
    assert.equal(log?.kind, "test");
    assert.equal(log?.accountId, "acct_mailtest");
    assert.equal(await queueDepth(), 0);
  } finally {
    await smtp.close();
  }
});

test("a message enqueued inside a caller's transaction is sent only once that transaction commits", async () => {
  const smtp = await startTestSmtp();
  try {
    await withMailer(smtp, async () => {
      const client = await db.store.pool.connect();
      let id: string;
      try {
        await client.query("BEGIN");
        await enqueueMail(client, message(7));
        await client.query("ROLLBACK");
        await client.query("BEGIN");
        id = await enqueueMail(client, message(8));
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      await until("the committed message is recorded", () => getMailLogEntry(db.store.pool, id));
    });
    assert.deepEqual(
      smtp.received.map((m) => m.to[0]),
      ["customer8@example.eu"],
    );
  } finally {
    await smtp.close();
  }
});

test("451 twice, then accepted: delivered on the third attempt", async () => {
  const smtp = await startTestSmtp({ answer: (n) => (n <= 2 ? 451 : 250) });
  try {
    const id = await withMailer(smtp, async () => {
      const queued = await enqueueMail(db.store.pool, message(2));
      await until("the message is delivered after retries", () => getMailLogEntry(db.store.pool, queued));
      return queued;
    });
    const log = await getMailLogEntry(db.store.pool, id);
    assert.equal(log?.result, "sent");
    assert.equal(log?.attempts, 3);
    assert.equal(smtp.attempts, 3);
    assert.equal(smtp.received.length, 1);
  } finally {
    await smtp.close();
  }
});

test("550: recorded failed after one attempt, never retried", async () => {
  const smtp = await startTestSmtp({ answer: () => 550 });
  try {
    const id = await withMailer(smtp, async () => {
      const queued = await enqueueMail(db.store.pool, message(3));
      await until("the message is given up", () => getMailLogEntry(db.store.pool, queued));
      return queued;
    });
    const log = await getMailLogEntry(db.store.pool, id);
    assert.equal(log?.result, "failed");
    assert.equal(log?.attempts, 1);
    assert.equal(log?.lastErrorCode, 550);
    assert.equal(log?.lastErrorClass, "permanent");
    assert.equal(smtp.attempts, 1);
    assert.equal(await queueDepth(), 0);
  } finally {
    await smtp.close();
  }
});

test("temporary failures stop at maxAttempts: recorded failed with the last reply code", async () => {
  const smtp = await startTestSmtp({ answer: () => 421 });
  try {
    const id = await withMailer(
      smtp,
      async () => {
        const queued = await enqueueMail(db.store.pool, message(4));
        await until("the message is given up", () => getMailLogEntry(db.store.pool, queued));
        return queued;
      },
      { extra: { maxAttempts: 2 } },
    );
    const log = await getMailLogEntry(db.store.pool, id);
    assert.deepEqual([log?.result, log?.attempts, log?.lastErrorCode], ["failed", 2, 421]);
    assert.equal(smtp.attempts, 2);
  } finally {
    await smtp.close();
  }
});

test("two agents' senders on one store: 20 messages, each delivered exactly once", async () => {
  const smtp = await startTestSmtp();
  const second = await openStore({ databaseUrl: db.url, dataDir: await makeTempDataDir() });
  try {
    await withMailer(smtp, () =>
      withMailer(
        smtp,
        async () => {
          const ids: string[] = [];
          for (let n = 100; n < 120; n++) ids.push(await enqueueMail(db.store.pool, message(n)));
          await until("all 20 are recorded", async () => {
            const { rows } = await db.store.pool.query(
              "SELECT count(*)::int AS n FROM mail_log WHERE id = ANY($1)",
              [ids],
            );
            return rows[0].n === 20;
          });
        },
        { store: second },
      ),
    );
    const recipients = smtp.received.map((m) => m.to[0]).sort();
    assert.equal(recipients.length, 20);
    assert.equal(new Set(recipients).size, 20);
  } finally {
    await second.close();
    await smtp.close();
  }
});

test("a claim whose sender crashed is taken up again once its lease runs out", async () => {
  const smtp = await startTestSmtp();
  try {
    const id = await enqueueMail(db.store.pool, message(5));
    // The crashed sender: it claimed the message (lease 1 s) and never reported back.
    const [claimed] = await claimDue(db.store.pool, 10, 1_000);
    assert.equal(claimed?.id, id);
    await withMailer(smtp, async () => {
      await until("the message is delivered by the surviving sender", () =>
        getMailLogEntry(db.store.pool, id),
      );
    });
    const log = await getMailLogEntry(db.store.pool, id);
    assert.equal(log?.result, "sent");
    assert.equal(log?.attempts, 2);
    assert.equal(smtp.received.length, 1);
  } finally {
    await smtp.close();
  }
});

test("the SMTP login comes from the environment variables the config names", async () => {
  const smtp = await startTestSmtp({ login: { user: "relay-user", pass: "s3cret-from-env" } });
  try {
    const id = await withMailer(
      smtp,
      async () => {
        const queued = await enqueueMail(db.store.pool, message(6));
        await until("the message is delivered", () => getMailLogEntry(db.store.pool, queued));
        return queued;
      },
      {
        extra: { smtp: { userEnv: "TEST_SMTP_USER", passwordEnv: "TEST_SMTP_PASSWORD" } },
        env: { TEST_SMTP_USER: "relay-user", TEST_SMTP_PASSWORD: "s3cret-from-env" },
      },
    );
    assert.equal((await getMailLogEntry(db.store.pool, id))?.result, "sent");
    assert.equal(smtp.received[0]?.user, "relay-user");
  } finally {
    await smtp.close();
  }
  assert.throws(
    () =>
      new Mailer({
        store: db.store,
        config: mailConfig(smtp, { smtp: { userEnv: "TEST_SMTP_USER", passwordEnv: "TEST_SMTP_PASSWORD" } }),
        env: { TEST_SMTP_USER: "relay-user" },
      }),
    /mail\.smtp\.passwordEnv names TEST_SMTP_PASSWORD, which is not set/,
  );
});

test("nothing in mail_log holds an address, a subject or a body, and the queue keeps no content", async () => {
  // Everything the earlier tests sent or gave up is in the log now; read every column of every row.
  const { rows } = await db.store.pool.query("SELECT * FROM mail_log");
  assert.ok(rows.length >= 20);
  const everything = JSON.stringify(rows);
  for (const needle of ["@", "example.eu", "customer", "invoice", "Dear", "Your", "attached"]) {
    assert.ok(!everything.includes(needle), `mail_log holds "${needle}"`);
  }
  assert.equal(await queueDepth(), 0);
  // What an operator reads back per account: the facts of each message, newest first.
  const mine = await listMailLog(db.store.pool, { accountId: "acct_mailtest", limit: 5 });
  assert.equal(mine.length, 5);
  assert.ok(mine.every((e) => e.accountId === "acct_mailtest" && e.kind === "test"));
  assert.ok(mine[0]!.finishedAt >= mine[4]!.finishedAt);
});
