import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import pg from "pg";
import { loadPepper } from "../config/pepper.js";
import { parseApiKey, verifySecret } from "../domain/api-key.js";
import { getApiKeyCredential } from "../store/api-keys.js";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";
import { registerKeyCommands } from "./keys.js";

let accountId: string;
const fixture = cliFixture(registerAccountCommands, registerKeyCommands);
const { cli, dataDir } = fixture;

before(async () => {
  const account = await cli(
    "--json",
    "accounts",
    "create",
    "--name",
    "Keys AG",
    "--email",
    "keys@example.eu",
  );
  accountId = JSON.parse(account).id;
});

describe("entrim-agent keys", () => {
  let keyId: string;

  it("creates a key, prints it once with a warning, and it verifies under the data dir's pepper", async () => {
    const human = await cli("keys", "create", "--account", accountId, "--name", "prod");
    const token = /sk-entrim-\S+/.exec(human)?.[0];
    assert.ok(token, "the token is printed");
    assert.match(human, /cannot be shown again/);
    const parsed = parseApiKey(token)!;
    keyId = parsed.id;
    const db = new pg.Client({ connectionString: await fixture.databaseUrl() });
    await db.connect();
    try {
      const credential = await getApiKeyCredential(db, parsed.id);
      const pepper = await loadPepper({ dataDir, env: {} });
      assert.equal(verifySecret(parsed.secret, credential!.hmac, pepper), true);
    } finally {
      await db.end();
    }

    const json = JSON.parse(await cli("--json", "keys", "create", "--account", accountId));
    assert.ok(parseApiKey(json.token));
    assert.match(json.warning, /cannot be shown again/);
  });

  it("lists keys without secrets", async () => {
    const listed = JSON.parse(await cli("--json", "keys", "list", "--account", accountId));
    assert.equal(listed.length, 2);
    for (const key of listed) {
      assert.deepEqual(Object.keys(key).sort(), [
        "accountId",
        "createdAt",
        "createdBy",
        "expiresAt",
        "id",
        "lastUsedAt",
        "name",
        "revokedAt",
      ]);
    }
    const table = await cli("keys", "list");
    assert.match(table, /^id\s+account\s+name\s+created\s+last used\s+revoked\s+expires\n/);
    assert.doesNotMatch(table, /sk-entrim-/);
    assert.match(table, new RegExp(`${keyId}\\s+${accountId}\\s+prod\\s+\\S+\\s+never`));
  });

  it("creates a key that expires, shows the expiry, and refuses a past or far-off date", async () => {
    const date = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    const human = await cli("keys", "create", "--account", accountId, "--name", "temp", "--expires", date);
    assert.match(human, new RegExp(`\\(expires ${date}T00:00:00\\.000Z\\)`));
    const listed = JSON.parse(await cli("--json", "keys", "list", "--account", accountId));
    assert.equal(listed.find((k: { name: string }) => k.name === "temp").expiresAt, `${date}T00:00:00.000Z`);
    assert.match(await cli("keys", "list", "--account", accountId), new RegExp(`temp\\s.*${date}T00:00:00`));
    await assert.rejects(
      cli("keys", "create", "--account", accountId, "--expires", "2001-01-01"),
      cliError(/must lie in the future/),
    );
    await assert.rejects(
      cli("keys", "create", "--account", accountId, "--expires", "2999-01-01"),
      cliError(/at most two years/),
    );
    await assert.rejects(
      cli("keys", "create", "--account", accountId, "--expires", "soon"),
      cliError(/not a date/),
    );
  });

  it("revokes once and explains every mistake", async () => {
    assert.match(
      await cli("keys", "revoke", keyId),
      new RegExp(`^Revoked API key ${keyId} of account ${accountId}\\.`),
    );
    await assert.rejects(cli("keys", "revoke", keyId), cliError(/already revoked.*Nothing to do/));
    await assert.rejects(
      cli("keys", "revoke", "zzzzzzzzzzzz"),
      cliError(/no API key zzzzzzzzzzzz.*keys list/),
    );
    await assert.rejects(cli("keys", "revoke", "nope"), cliError(/not an API key id/));
    const json = JSON.parse(await cli("--json", "keys", "create", "--account", accountId));
    await assert.rejects(
      cli("keys", "revoke", json.token),
      cliError(new RegExp(`pass only its id: keys revoke ${json.id}`)),
    );
    await assert.rejects(
      cli("keys", "create", "--account", "acct_missing"),
      cliError(/no account acct_missing.*accounts list/),
    );
    await assert.rejects(
      cli("keys", "list", "--account", "acct_missing"),
      cliError(/no account acct_missing/),
    );
    const listed = JSON.parse(await cli("--json", "keys", "list", "--account", accountId));
    assert.ok(listed.find((k: { id: string; revokedAt: string | null }) => k.id === keyId).revokedAt);
  });
});
