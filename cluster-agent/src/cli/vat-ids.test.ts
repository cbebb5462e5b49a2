import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { testBilling } from "../test-support/billing.js";
import { cliError, cliFixture } from "../test-support/cli.js";
import { startViesStandIn, type ViesStandIn } from "../test-support/vies.js";
import { registerAccountCommands } from "./accounts.js";
import { registerVatIdCommands } from "./vat-ids.js";

const fixture = cliFixture(registerAccountCommands, registerVatIdCommands);
const { cli } = fixture;
let vies: ViesStandIn;
let on: string;
let off: string;

async function setVatId(accountId: string, vatId: string): Promise<void> {
  const db = new pg.Client({ connectionString: await fixture.databaseUrl() });
  await db.connect();
  await db.query("UPDATE accounts SET country = $2, vat_id = $3 WHERE id = $1", [
    accountId,
    vatId.slice(0, 2),
    vatId,
  ]);
  await db.end();
}

before(async () => {
  vies = await startViesStandIn();
  const seller = testBilling().seller;
  on = join(fixture.dataDir, "vies-on.json");
  off = join(fixture.dataDir, "vies-off.json");
  await writeFile(
    on,
    JSON.stringify({ billing: { seller, vat: { vies: { enabled: true, url: vies.url } } } }),
  );
  await writeFile(off, JSON.stringify({ billing: { seller } }));
});
after(() => vies.close());

describe("entrim-agent vat-ids check", () => {
  it("asks VIES now and prints the result with its consultation number", async () => {
    const { id } = JSON.parse(
      await cli("--json", "accounts", "create", "--name", "Käufer GmbH", "--email", "k@example.de"),
    );
    await setVatId(id, "DE123456789");
    vies.mode = "valid";
    assert.match(
      await cli("vat-ids", "check", "--account", id, "--config", on),
      /DE123456789: valid \(consultation number WAPI/,
    );
    vies.mode = "ms_unavailable";
    assert.match(
      await cli("vat-ids", "check", "--account", id, "--config", on),
      /unknown[\s\S]*tries again before issuing/,
    );
  });

  it("says what to do when VIES is off or the account has no EU VAT ID", async () => {
    const { id } = JSON.parse(
      await cli("--json", "accounts", "create", "--name", "Private", "--email", "p@example.de"),
    );
    await assert.rejects(
      cli("vat-ids", "check", "--account", id, "--config", off),
      cliError(/vies\.enabled to true/),
    );
    await assert.rejects(cli("vat-ids", "check", "--account", id, "--config", on), cliError(/no EU VAT ID/));
  });
});
