import assert from "node:assert/strict";
import { readFile, stat } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";

const me = `cli:${userInfo().username}`;
const fixture = cliFixture(registerAccountCommands);
const { cli, dataDir } = fixture;
const json = async (...args: string[]) => JSON.parse(await cli("--json", ...args));

describe("entrim-agent accounts export|erase|restrict|unrestrict", () => {
  it("exports to stdout or a private file, then erases with a recorded reason", async () => {
    const { id } = await json(
      "accounts",
      "create",
      "--name",
      "Lin Person",
      "--email",
      "lin@person.example.com",
    );
    const document = JSON.parse(await cli("accounts", "export", id));
    assert.equal(document.account.name, "Lin Person");

    const out = join(dataDir, "export.json");
    const written = await json("accounts", "export", id, "--out", out);
    assert.equal(written.counts.keys, 0);
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(out, "utf8")).account.email, "lin@person.example.com");
    assert.match(
      await cli("accounts", "export", id, "--out", out),
      /^Exported acct_\w+ to .*export\.json:\n/,
    );

    const erased = await json("accounts", "erase", id, "--reason", "request 17", "--yes");
    assert.equal(erased.performedBy, me);
    assert.equal(erased.reason, "request 17");
    const after = JSON.parse(await cli("accounts", "export", id));
    assert.equal(after.account.name, "erased");
    assert.equal(after.account.status, "closed");
    assert.ok(!JSON.stringify(after).includes("lin@person"));
    await assert.rejects(
      cli("accounts", "erase", id, "--reason", "again", "--yes"),
      cliError(/already erased/),
    );
  });

  it("restricts and unrestricts, with who and why", async () => {
    const { id } = await json("accounts", "create", "--name", "Ro", "--email", "ro@restrict.example.com");
    const restricted = await json("accounts", "restrict", id, "--reason", "dispute 3");
    assert.deepEqual([restricted.action, restricted.performedBy], ["restrict", me]);
    assert.match(
      await cli("accounts", "unrestrict", id),
      /^Unrestricted acct_\w+: the account is active again\.\n$/,
    );
    const [account] = (await json("accounts", "list")).filter((a: { id: string }) => a.id === id);
    assert.equal(account.status, "active");
  });

  it("explains what to do with bad input, and never erases unconfirmed", async () => {
    const { id } = await json("accounts", "create", "--name", "Kim", "--email", "kim@confirm.example.com");
    await assert.rejects(cli("accounts", "export", "bob"), cliError(/not an account id.*accounts list/));
    await assert.rejects(cli("accounts", "erase", id), cliError(/--reason/));
    // The test runner gives no terminal: without --yes nobody could confirm.
    await assert.rejects(cli("accounts", "erase", id, "--reason", "r"), cliError(/no terminal.*--yes/));
    await assert.rejects(cli("accounts", "restrict", id), cliError(/--reason/));
    await assert.rejects(cli("accounts", "unrestrict", id), cliError(/is active; only a restricted account/));
    await assert.rejects(
      cli("accounts", "restrict", "acct_nobodynobodynobody", "--reason", "x"),
      cliError(/no account/),
    );
    assert.equal(JSON.parse(await cli("accounts", "export", id)).account.name, "Kim");
  });
});
