import assert from "node:assert/strict";
import { userInfo } from "node:os";
import { before, describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";
import { registerKeyCommands } from "./keys.js";
import { registerLimitCommands } from "./limits.js";

let accountId: string;
let keyId: string;
const { cli } = cliFixture(registerAccountCommands, registerKeyCommands, registerLimitCommands);

before(async () => {
  accountId = JSON.parse(
    await cli("--json", "accounts", "create", "--name", "Limits AG", "--email", "limits@example.eu"),
  ).id;
  keyId = JSON.parse(await cli("--json", "keys", "create", "--account", accountId)).id;
});

describe("entrim-agent limits", () => {
  it("sets account defaults and key overrides, recording who did it", async () => {
    const human = await cli("limits", "set", "--account", accountId, "--rpm", "60", "--tpm", "90000");
    assert.match(
      human,
      new RegExp(`^Limits of account ${accountId}: rpm 60, tpm 90000, concurrency unlimited`),
    );
    const json = JSON.parse(
      await cli(
        "--json",
        "limits",
        "set",
        "--account",
        accountId,
        "--key",
        keyId,
        "--rpm",
        "5",
        "--spend-cap",
        "99.90",
      ),
    );
    assert.equal(json.keyId, keyId);
    assert.equal(json.rpm, 5);
    assert.equal(json.spendCapEur, 99.9);
    assert.equal(json.updatedBy, `cli:${userInfo().username}`);
  });

  it("shows the effective limits of a key and where each comes from", async () => {
    const shown = JSON.parse(await cli("--json", "limits", "show", "--account", accountId, "--key", keyId));
    assert.deepEqual(shown.limits, {
      rpm: { value: 5, source: "key" },
      tpm: { value: 90000, source: "account" },
      concurrency: { value: null, source: "none" },
      spendCapEur: { value: 99.9, source: "key" },
    });
    const table = await cli("limits", "show", "--account", accountId, "--key", keyId);
    assert.match(table, /^limit\s+value\s+from\n/);
    assert.match(table, /rpm\s+5\s+key/);
    assert.match(table, /tpm\s+90000\s+account/);
    assert.match(table, /concurrency\s+unlimited/);
    assert.match(table, /spend-cap\s+99\.90 EUR\s+key/);
    assert.match(table, /each serving node enforces its share/);
  });

  it("clears a key's override so it inherits again", async () => {
    await cli("limits", "set", "--account", accountId, "--key", keyId, "--clear", "rpm", "spend-cap");
    const shown = JSON.parse(await cli("--json", "limits", "show", "--account", accountId, "--key", keyId));
    assert.deepEqual(shown.limits.rpm, { value: 60, source: "account" });
    assert.deepEqual(shown.limits.spendCapEur, { value: null, source: "none" });
  });

  it("explains every mistake", async () => {
    await assert.rejects(cli("limits", "set", "--account", accountId), cliError(/Nothing to change/));
    await assert.rejects(
      cli("limits", "set", "--account", accountId, "--rpm", "0"),
      cliError(/--rpm must be a whole number of 1 or more/),
    );
    await assert.rejects(
      cli("limits", "set", "--account", accountId, "--tpm", "1e3"),
      cliError(/--tpm must be a whole number/),
    );
    await assert.rejects(
      cli("limits", "set", "--account", accountId, "--spend-cap", "-5"),
      cliError(/--spend-cap must be an amount in EUR/),
    );
    await assert.rejects(
      cli("limits", "set", "--account", accountId, "--clear", "rpms"),
      cliError(/--clear takes rpm, tpm, concurrency or spend-cap/),
    );
    await assert.rejects(
      cli("limits", "set", "--account", accountId, "--rpm", "3", "--clear", "rpm"),
      cliError(/both set and cleared/),
    );
    await assert.rejects(
      cli("limits", "show", "--account", "acct_missing"),
      cliError(/no account acct_missing.*accounts list/),
    );
    await assert.rejects(
      cli("limits", "set", "--account", accountId, "--key", "zzzzzzzzzzzz", "--rpm", "1"),
      cliError(new RegExp(`no API key zzzzzzzzzzzz.*keys list --account ${accountId}`)),
    );
  });
});
