import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";
import { registerAuditCommands } from "./audit.js";
import { registerLegalCommands } from "./legal.js";
import { registerNoticeCommands } from "./notices.js";

const fixture = cliFixture(
  registerAccountCommands,
  registerLegalCommands,
  registerNoticeCommands,
  registerAuditCommands,
);
const { cli } = fixture;
const accounts: string[] = [];
const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;

before(async () => {
  for (const name of ["Legal AG", "Terms GmbH"]) {
    const created = await cli(
      "--json",
      "accounts",
      "create",
      "--name",
      name,
      "--email",
      `${accounts.length}@legal.eu`,
    );
    accounts.push(JSON.parse(created).id);
  }
});

describe("entrim-agent legal", () => {
  it("publishes a version, tells every account in an essential notice, lists it and audits it", async () => {
    const published = JSON.parse(
      await cli(
        "--json",
        "legal",
        "publish",
        "--document",
        "terms",
        "--doc-version",
        "v2",
        "--effective",
        nextYear,
        "--url",
        "https://example.eu/terms/v2",
      ),
    );
    assert.equal(published.accounts, 2);
    assert.equal(published.mails, 2, "essential: mailed to every account");
    for (const accountId of accounts) {
      const notices = JSON.parse(await cli("--json", "notices", "list", "--account", accountId));
      const notice = notices.find((n: { kind: string }) => n.kind === "terms");
      assert.equal(notice.title, `Our Terms of Service change on ${nextYear}`);
      assert.match(notice.body, /https:\/\/example\.eu\/terms\/v2/);
      assert.match(notice.body, /accept it in the portal/);
    }
    const listed = await cli("legal", "list");
    assert.match(listed, new RegExp(`terms\\s+v2\\s+${nextYear}\\s+https://example.eu/terms/v2`));
    const json = JSON.parse(await cli("--json", "legal", "list"));
    assert.deepEqual(
      json.map((d: { document: string; version: string }) => `${d.document}:${d.version}`),
      ["terms:v2"],
    );
    assert.match(await cli("--json", "audit", "list", "--action", "legal.publish"), /legal:terms/);
  });

  it("says 'changes' for the privacy policy", async () => {
    assert.match(
      await cli("legal", "publish", "--document", "privacy", "--doc-version", "p2", "--effective", nextYear),
      /^Published privacy version p2, effective .*: 2 accounts notified, 2 emails queued\./,
    );
    const notices = JSON.parse(await cli("--json", "notices", "list", "--account", accounts[0]!));
    assert.ok(
      notices.some((n: { title: string }) => n.title === `Our Privacy Policy changes on ${nextYear}`),
    );
  });

  it("refuses a duplicate version, a past date and mistakes, and then notifies no one", async () => {
    const before = JSON.parse(await cli("--json", "notices", "list", "--account", accounts[0]!)).length;
    await assert.rejects(
      cli("legal", "publish", "--document", "terms", "--doc-version", "v2", "--effective", nextYear),
      cliError(/Version v2 of the terms is already published/),
    );
    await assert.rejects(
      cli("legal", "publish", "--document", "terms", "--doc-version", "v3", "--effective", "2001-01-01"),
      cliError(/in the past/),
    );
    await assert.rejects(
      cli("legal", "publish", "--document", "cookies", "--doc-version", "v3", "--effective", nextYear),
      cliError(/--document must be one of terms, privacy/),
    );
    await assert.rejects(
      cli("legal", "publish", "--document", "terms", "--doc-version", "v3", "--effective", "next week"),
      cliError(/YYYY-MM-DD/),
    );
    await assert.rejects(
      cli(
        "legal",
        "publish",
        "--document",
        "terms",
        "--doc-version",
        "v3",
        "--effective",
        nextYear,
        "--url",
        "ftp://x",
      ),
      cliError(/https:\/\//),
    );
    const after = JSON.parse(await cli("--json", "notices", "list", "--account", accounts[0]!)).length;
    assert.equal(after, before);
  });
});
