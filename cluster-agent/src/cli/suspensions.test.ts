import assert from "node:assert/strict";
import { userInfo } from "node:os";
import { before, describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";
import { registerKeyCommands } from "./keys.js";
import { registerNoticeCommands } from "./notices.js";
import { parseDuration, registerSuspensionCommands } from "./suspensions.js";

let accountId: string;
let keyId: string;
let token: string;
const me = `cli:${userInfo().username}`;
const { cli } = cliFixture(
  registerAccountCommands,
  registerKeyCommands,
  registerSuspensionCommands,
  registerNoticeCommands,
);
const json = async (...args: string[]) => JSON.parse(await cli("--json", ...args));

before(async () => {
  accountId = (await json("accounts", "create", "--name", "Suspended AG", "--email", "s@example.eu")).id;
  ({ id: keyId, token } = await json("keys", "create", "--account", accountId));
});

describe("durations", () => {
  it("reads 90s, 30m, 24h, 7d and 2w, and refuses the rest with an example", () => {
    assert.equal(parseDuration("90s"), 90_000);
    assert.equal(parseDuration("30m"), 1_800_000);
    assert.equal(parseDuration("24h"), 86_400_000);
    assert.equal(parseDuration("7d"), 604_800_000);
    assert.equal(parseDuration("2w"), 1_209_600_000);
    for (const bad of ["", "24", "h", "1.5h", "-1h", "0m", "1y", "99999d"]) {
      assert.throws(() => parseDuration(bad), /e\.g\. 90s, 30m, 24h, 7d/, bad);
    }
  });
});

describe("entrim-agent suspend / warn / unsuspend / suspensions list", () => {
  it("suspends an account with an expiry and records who did it and why", async () => {
    const human = await cli(
      "suspend",
      "--account",
      accountId,
      "--reason",
      "non_payment",
      "--expires",
      "24h",
      "--note",
      "invoice 17",
    );
    assert.match(
      human,
      new RegExp(`^Suspended account ${accountId} \\(reason: non_payment\\), until \\S+Z\\. Every agent`),
    );
    const [row] = await json("suspensions", "list", "--active", "--account", accountId);
    assert.equal(row.state, "suspended");
    assert.equal(row.createdBy, me);
    assert.equal(row.note, "invoice 17");
    const hours = (Date.parse(row.expiresAt) - Date.now()) / 3_600_000;
    assert.ok(hours > 23.9 && hours <= 24, `expires in ${hours} h`);
  });

  it("warns a key, lists it under its account, and a suspension supersedes the warning", async () => {
    const warned = await json("warn", "--key", keyId, "--reason", "abuse");
    assert.equal(warned.state, "warned");
    assert.equal(warned.expiresAt, null);
    const suspended = await json("suspend", "--key", keyId, "--reason", "abuse", "--state", "suspended");
    const all = await json("suspensions", "list", "--account", accountId, "--type", "key");
    assert.deepEqual(
      all.map((s: { id: string; active: boolean; liftReason: string | null }) => [
        s.id,
        s.active,
        s.liftReason,
      ]),
      [
        [suspended.id, true, null],
        [warned.id, false, `superseded by ${suspended.id}`],
      ],
    );
  });

  it("blocks networks in canonical form and explains malformed ones", async () => {
    const row = await json("suspend", "--ip", "2001:DB8::/32", "--reason", "legal");
    assert.equal(row.target, "2001:db8::/32");
    assert.equal((await json("suspend", "--ip", "192.0.2.7", "--reason", "security")).target, "192.0.2.7/32");
    await assert.rejects(
      cli("suspend", "--ip", "10.0.0.1/8", "--reason", "abuse"),
      cliError(/did you mean 10\.0\.0\.0\/8/),
    );
    await assert.rejects(
      cli("suspend", "--ip", "nope", "--reason", "abuse"),
      cliError(/not an IP address or network/),
    );
  });

  it("lifts with a reason, keeps the history, and says when there is nothing to lift", async () => {
    assert.match(
      await cli("unsuspend", "--account", accountId, "--note", "paid"),
      /^Lifted the suspension of account/,
    );
    const [row] = await json("suspensions", "list", "--account", accountId, "--type", "account");
    assert.equal(row.active, false);
    assert.equal(row.liftedBy, me);
    assert.equal(row.liftReason, "paid");
    await assert.rejects(
      cli("unsuspend", "--account", accountId, "--note", "again"),
      cliError(/no active suspension.*suspensions list/),
    );
    await assert.rejects(cli("unsuspend", "--account", accountId), /--note/);
    const table = await cli("suspensions", "list");
    assert.match(table, /^id\s+target\s+state\s+reason\s+active\s+expires\s+created\s+by\s+lifted\s+note\n/);
    assert.match(table, new RegExp(`account:${accountId}\\s+suspended\\s+non_payment\\s+no`));
  });

  it("refuses unclear or unknown targets with what to do", async () => {
    await assert.rejects(cli("suspend", "--reason", "abuse"), cliError(/exactly one target/));
    await assert.rejects(
      cli("suspend", "--account", accountId, "--ip", "1.2.3.4", "--reason", "abuse"),
      cliError(/exactly one target/),
    );
    await assert.rejects(
      cli("suspend", "--account", "acct_missingmissingmi", "--reason", "abuse"),
      cliError(/no account.*accounts list/),
    );
    await assert.rejects(
      cli("suspend", "--key", "zzzzzzzzzzzz", "--reason", "abuse"),
      cliError(/no API key.*keys list/),
    );
    await assert.rejects(
      cli("suspend", "--key", token, "--reason", "abuse"),
      cliError(new RegExp(`pass only its id: --key ${keyId}`)),
    );
    await assert.rejects(cli("suspend", "--account", accountId, "--reason", "bored"), /Allowed choices/);
    await assert.rejects(
      cli("suspend", "--account", accountId, "--reason", "abuse", "--expires", "soon"),
      cliError(/not a duration/),
    );
  });
  it("an abuse warning on an account tells the account (an essential notice)", async () => {
    const other = (await json("accounts", "create", "--name", "Warned AG", "--email", "w@example.eu")).id;
    await cli("warn", "--account", other, "--reason", "abuse", "--note", "scraping");
    const notices = await json("notices", "list", "--account", other);
    assert.deepEqual(
      notices.map((n: { kind: string }) => n.kind),
      ["abuse"],
    );
    assert.ok(!JSON.stringify(notices).includes("scraping"), "the operators' note stays internal");
  });
});
