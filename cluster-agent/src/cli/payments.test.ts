import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";
import { registerPaymentCommands } from "./payments.js";

let accountId: string;
const { cli } = cliFixture(registerAccountCommands, registerPaymentCommands);

before(async () => {
  accountId = JSON.parse(
    await cli("--json", "accounts", "create", "--name", "Prepaid AG", "--email", "prepaid@example.eu"),
  ).id;
});

describe("entrim-agent prepaid credit", () => {
  it("switches an account to prepaid and adjusts its credit exactly", async () => {
    assert.match(
      await cli("accounts", "billing-mode", "--account", accountId, "--mode", "prepaid"),
      /is prepaid/,
    );
    const added = JSON.parse(
      await cli(
        "--json",
        "credit",
        "top-up",
        "--account",
        accountId,
        "--amount",
        "12.34",
        "--reason",
        "goodwill",
      ),
    );
    assert.equal(added.balancePicoEur, "12340000000000");
    assert.match(
      await cli("credit", "top-up", "--account", accountId, "--amount", "-2.34", "--reason", "correction"),
      /Balance: 10\.00/,
    );
  });

  it("refuses a mode or amount it does not know", async () => {
    await assert.rejects(
      cli("accounts", "billing-mode", "--account", accountId, "--mode", "free"),
      cliError(/prepaid/),
    );
    await assert.rejects(
      cli("credit", "top-up", "--account", accountId, "--amount", "1.234", "--reason", "x"),
      cliError(/at most 2 decimals/),
    );
  });
});
