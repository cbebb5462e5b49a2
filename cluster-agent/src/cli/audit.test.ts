import assert from "node:assert/strict";
import { hostname, userInfo } from "node:os";
import { before, describe, it } from "node:test";
import pg from "pg";
import { cliFixture } from "../test-support/cli.js";
import { useEnv } from "../test-support/env.js";
import { registerAccountCommands } from "./accounts.js";
import { registerAuditCommands } from "./audit.js";
import { CliError } from "./context.js";
import { registerKeyCommands } from "./keys.js";
import { registerSuspensionCommands } from "./suspensions.js";

let accountId: string;
const me = `cli:${userInfo().username}@${hostname()}`;
// The checkpoint key comes from the data dir's pepper file, as on a single node.
useEnv({ ENTRIM_KEY_PEPPER: undefined });
const fixture = cliFixture(
  registerAccountCommands,
  registerKeyCommands,
  registerSuspensionCommands,
  registerAuditCommands,
);
const { cli } = fixture;
const json = async (...args: string[]) => JSON.parse(await cli("--json", ...args));

before(async () => {
  accountId = (await json("accounts", "create", "--name", "Audited AG", "--email", "a@example.eu")).id;
});

describe("entrim-agent audit", () => {
  it("records state-changing commands with who, what, why and the outcome, never a key", async () => {
    const key = await json("keys", "create", "--account", accountId, "--name", "ci");
    await cli("suspend", "--account", accountId, "--reason", "abuse", "--note", "ticket 42");
    await assert.rejects(cli("keys", "revoke", "aaaaaaaaaaaa"), CliError);

    const entries = await json("audit", "list");
    // Each command writes "started" before it changes anything, then its outcome.
    assert.deepEqual(
      entries.map((e: { action: string; result: string }) => `${e.action} ${e.result.replace(/:.*/, "")}`),
      [
        "key.revoke error",
        "key.revoke started",
        "suspension.create ok",
        "suspension.create started",
        "key.create ok",
        "key.create started",
        "account.create ok",
        "account.create started",
      ],
    );
    const [revoke, revokeStarted, suspend, suspendStarted, create] = entries;
    const { seq, at, hash, prevHash, target, ...rest } = suspend;
    assert.deepEqual(rest, {
      operator: me,
      role: "admin",
      source: "cli",
      action: "suspension.create",
      reason: "abuse: ticket 42",
      result: "ok",
      node: hostname(),
    });
    assert.ok(
      seq === "6" && !Number.isNaN(Date.parse(at)) && hash.length === 64 && prevHash === suspendStarted.hash,
    );
    assert.match(target, new RegExp(`^account:${accountId}/suspension:\\w+$`));
    assert.equal(
      suspendStarted.target,
      `account:${accountId}`,
      "before the change, only what it acts on is known",
    );
    assert.equal(create.target, `account:${accountId}/key:${key.id}`);
    assert.match(revoke.result, /^error: .*no API key/i);
    assert.equal(revoke.target, "key:aaaaaaaaaaaa");
    assert.equal(revokeStarted.result, "started");
    assert.doesNotMatch(JSON.stringify(entries), new RegExp(key.token.slice(-20)), "no secret in the log");

    const filtered = await json(
      "audit",
      "list",
      "--action",
      "suspension.",
      "--target",
      accountId,
      "--since",
      "1h",
    );
    assert.deepEqual(
      filtered.map((e: { action: string; result: string }) => `${e.action} ${e.result}`),
      ["suspension.create ok", "suspension.create started"],
    );
    assert.match(await cli("audit", "list", "--operator", me, "--limit", "1"), /key\.revoke/);
    // The CLI records its host as the node: every entry so far is this host's, none another node's.
    assert.equal((await json("audit", "list", "--node", hostname())).length, entries.length);
    assert.deepEqual(await json("audit", "list", "--node", "gpu-elsewhere"), []);
  });

  it("verifies, prunes behind a checkpoint, and still verifies", async () => {
    assert.match(
      await cli("audit", "verify"),
      /The audit log verifies: 8 entries checked from the first entry/,
    );
    const pruned = await json("audit", "prune", "--before", new Date().toISOString());
    assert.equal(pruned.pruned, 8);
    assert.equal(pruned.prunedThrough, "8");
    // The prune itself ("started", written after --before, then "ok") is all that is left.
    const result = await json("audit", "verify");
    assert.deepEqual(result, { ok: true, entries: 2, checkpointSeq: "8" });
    const [prune, started] = await json("audit", "list");
    assert.equal(prune.action, "audit.prune");
    assert.equal(prune.target, "audit_log:1-8");
    assert.equal(started.result, "started");
  });

  it("exits 1 naming the entry after a row is tampered with", async () => {
    await cli("unsuspend", "--account", accountId, "--note", "paid");
    const [lift] = await json("audit", "list", "--action", "suspension.lift");
    const db = new pg.Client({ connectionString: await fixture.databaseUrl() });
    await db.connect();
    try {
      // What a superuser can still do; verification is what catches it.
      await db.query("BEGIN");
      await db.query("SET LOCAL session_replication_role = replica");
      await db.query("UPDATE audit_log SET reason = 'routine' WHERE seq = $1", [lift.seq]);
      await db.query("COMMIT");
    } finally {
      await db.end();
    }
    await assert.rejects(cli("audit", "verify"), (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.equal(error.exitCode, 1);
      assert.match(
        error.message,
        new RegExp(`does not verify at entry ${lift.seq}: entry ${lift.seq} was changed`),
      );
      return true;
    });
  });
});
