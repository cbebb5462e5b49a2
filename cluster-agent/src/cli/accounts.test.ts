import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";

const { cli } = cliFixture(registerAccountCommands);

describe("entrim-agent accounts", () => {
  it("creates accounts and lists them, for people and as JSON", async () => {
    const human = await cli("accounts", "create", "--name", "Acme GmbH", "--email", "ops@acme.eu");
    assert.match(human, /^Created account acct_[a-z0-9]{16} \(Acme GmbH, ops@acme\.eu\)\.\n$/);
    const created = JSON.parse(
      await cli(
        "--json",
        "accounts",
        "create",
        "--name",
        "Beta",
        "--email",
        "b@beta.eu",
        "--company",
        "Beta SE",
      ),
    );
    assert.equal(created.company, "Beta SE");
    assert.equal(created.status, "active");

    const listed = JSON.parse(await cli("--json", "accounts", "list"));
    assert.deepEqual(
      listed.map((a: { email: string }) => a.email),
      ["ops@acme.eu", "b@beta.eu"],
    );
    const table = await cli("accounts", "list", "--status", "active");
    assert.match(table, /^id\s+name\s+email\s+company\s+status\s+created\n/);
    assert.match(table, /Beta SE\s+active/);
  });

  it("explains invalid input", async () => {
    await assert.rejects(
      cli("accounts", "create", "--name", "X", "--email", "nope"),
      cliError(/valid email.*--email/),
    );
    await assert.rejects(
      cli("accounts", "create", "--name", "Again", "--email", "OPS@acme.eu"),
      cliError(/already exists/),
    );
    await assert.rejects(
      cli("accounts", "list", "--status", "gone"),
      cliError(/use one of active, restricted, closed/),
    );
    await assert.rejects(cli("accounts", "create", "--email", "x@y.eu"), /required option '--name <name>'/);
  });
});
