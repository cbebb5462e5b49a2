import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { startTestSmtp, type TestSmtp } from "../test-support/smtp.js";
import { registerMailCommands } from "./mail.js";

const { cli, dataDir } = cliFixture(registerMailCommands);
const json = async (...args: string[]) => JSON.parse(await cli("--json", ...args));

let accepting: TestSmtp;
let refusing: TestSmtp;
before(async () => {
  accepting = await startTestSmtp();
  refusing = await startTestSmtp({ answer: () => 550 });
});
after(async () => {
  await accepting?.close();
  await refusing?.close();
});

function configFile(name: string, mail: unknown): string {
  const path = join(dataDir, `${name}.json`);
  writeFileSync(path, JSON.stringify(mail === undefined ? {} : { mail }));
  return path;
}

const mailAt = (smtp: TestSmtp) => ({
  smtp: { host: "127.0.0.1", port: smtp.port },
  from: "noreply@entrim.test",
  retryBaseMs: 100,
});

describe("entrim-agent mail test", () => {
  it("sends a test message through the configured server and says it was accepted", async () => {
    const path = configFile("ok", mailAt(accepting));
    const human = await cli("mail", "test", "--to", "ops@example.eu", "--config", path);
    assert.match(human, /^Sent test message mail_[a-z0-9]{16} after 1 attempt: the SMTP server accepted it/);
    assert.equal(accepting.received.at(-1)?.to[0], "ops@example.eu");
    assert.equal(accepting.received.at(-1)?.subject, "Entrim mail test");
    const entry = await json("mail", "test", "--to", "ops@example.eu", "--config", path);
    assert.deepEqual([entry.kind, entry.result, entry.attempts], ["test", "sent", 1]);
  });

  it("reports a refusal with the server's code", async () => {
    const path = configFile("refused", mailAt(refusing));
    await assert.rejects(
      cli("mail", "test", "--to", "ops@example.eu", "--config", path),
      cliError(/failed after 1 attempt: the SMTP server answered 550 \(permanent\)/),
    );
  });

  it("says what to do when the recipient, the mail section or the login variable is missing", async () => {
    const path = configFile("ok2", mailAt(accepting));
    await assert.rejects(cli("mail", "test", "--config", path), cliError(/--to you@example\.eu/));
    await assert.rejects(
      cli("mail", "test", "--to", "ops@example.eu", "--config", configFile("none", undefined)),
      cliError(/Mail is not configured: add a `mail` section/),
    );
    const login = configFile("login", {
      ...mailAt(accepting),
      smtp: {
        host: "127.0.0.1",
        port: accepting.port,
        userEnv: "ENTRIM_TEST_NO_USER",
        passwordEnv: "ENTRIM_TEST_NO_PW",
      },
    });
    await assert.rejects(
      cli("mail", "test", "--to", "ops@example.eu", "--config", login),
      cliError(/mail\.smtp\.userEnv names ENTRIM_TEST_NO_USER, which is not set/),
    );
    await assert.rejects(
      cli("mail", "test", "--to", "not-an-address", "--config", path),
      cliError(/not a single email address/),
    );
  });
});
