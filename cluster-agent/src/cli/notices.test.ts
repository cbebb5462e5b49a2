import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";
import { registerAuditCommands } from "./audit.js";
import { registerNoticeCommands } from "./notices.js";

const fixture = cliFixture(registerAccountCommands, registerNoticeCommands, registerAuditCommands);
const { cli } = fixture;
let accountId: string;

before(async () => {
  const account = await cli(
    "--json",
    "accounts",
    "create",
    "--name",
    "Notices AG",
    "--email",
    "n@example.eu",
  );
  accountId = JSON.parse(account).id;
});

describe("entrim-agent notices", () => {
  it("publishes to everyone and to one account, lists them, and audits each", async () => {
    assert.match(
      await cli("notices", "publish", "--title", "Maintenance", "--body", "Sunday 02:00 UTC, short pauses."),
      /^Published notice ntc_\w+ to every account\./,
    );
    const one = JSON.parse(
      await cli(
        "--json",
        "notices",
        "publish",
        "--account",
        accountId,
        "--kind",
        "billing",
        "--title",
        "Your card",
        "--body",
        "Please update it.",
        "--expires",
        "2099-01-01",
      ),
    );
    assert.equal(one.accountId, accountId);
    assert.equal(one.kind, "billing");
    const listed = JSON.parse(await cli("--json", "notices", "list"));
    assert.deepEqual(listed.map((n: { title: string }) => n.title).sort(), ["Maintenance", "Your card"]);
    assert.match(await cli("notices", "list", "--account", accountId), /Your card/);
    const audit = await cli("--json", "audit", "list", "--action", "notice.publish");
    assert.match(audit, new RegExp(`notice:${one.id}`));
  });

  it("explains mistakes", async () => {
    await assert.rejects(
      cli("notices", "publish", "--title", "x", "--body", "y", "--kind", "party"),
      cliError(/--kind must be one of/),
    );
    await assert.rejects(
      cli("notices", "publish", "--title", "x", "--body", "y", "--account", "acct_missing"),
      cliError(/no account acct_missing/),
    );
    await assert.rejects(
      cli("notices", "publish", "--title", "x", "--body", "y", "--expires", "2001-01-01"),
      cliError(/in the future/),
    );
  });
  it("announces maintenance to every open account, as non-essential mail", async () => {
    const report = JSON.parse(
      await cli(
        "--json",
        "notices",
        "maintenance",
        "--title",
        "Upgrade window",
        "--body",
        "Requests may pause for a few seconds.",
        "--start",
        "2027-01-10T02:00:00Z",
        "--end",
        "2027-01-10T03:00:00Z",
      ),
    );
    assert.ok(report.accounts >= 1);
    assert.equal(report.mails, report.accounts - report.optedOut);
    const listed = JSON.parse(await cli("--json", "notices", "list", "--account", accountId));
    assert.ok(listed.some((n: { title: string }) => n.title === "Upgrade window"));
    await assert.rejects(
      cli(
        "notices",
        "maintenance",
        "--title",
        "x",
        "--body",
        "y",
        "--start",
        "2027-01-10",
        "--end",
        "2027-01-09",
      ),
      cliError(/--end must lie after --start/),
    );
  });
});
