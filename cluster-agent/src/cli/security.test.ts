import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { upsertAbuseFlags } from "../store/abuse-flags.js";
import { insertSecurityEvents } from "../store/security-events.js";
import { openStore } from "../store/store.js";
import { cliError, cliFixture } from "../test-support/cli.js";
import { parseNetwork, parseTime, registerSecurityCommands } from "./security.js";

const fixture = cliFixture(registerSecurityCommands);
const { cli, dataDir } = fixture;
const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

before(async () => {
  const store = await openStore({ databaseUrl: await fixture.databaseUrl(), dataDir });
  try {
    const base = { node: "node-a", accountId: null, keyId: null, detail: { status: 401 } };
    await insertSecurityEvents(store.pool, [
      { ...base, occurredAt: recent(5), kind: "auth_failure", ip: "203.0.113.7", code: "invalid_api_key" },
      { ...base, occurredAt: recent(4), kind: "auth_failure", ip: "198.51.100.1", code: "invalid_api_key" },
      {
        ...base,
        occurredAt: recent(3),
        kind: "rate_limited",
        ip: "203.0.113.8",
        code: "rate_limit_exceeded",
        accountId: "acct_aaaaaaaaaaaaaaaa",
        keyId: "abcdefghijkl",
      },
      {
        ...base,
        occurredAt: recent(60 * 48),
        kind: "auth_failure",
        ip: "203.0.113.9",
        code: "invalid_api_key",
      },
    ]);
    await upsertAbuseFlags(store.pool, [
      {
        subjectType: "ip",
        subject: "203.0.113.7",
        rule: "auth_failures",
        firstSeen: recent(5),
        lastSeen: recent(5),
        count: 1,
        evidence: {
          threshold: 20,
          windowSeconds: 60,
          timeline: [{ at: recent(5).toISOString(), observed: 20 }],
        },
      },
    ]);
  } finally {
    await store.close();
  }
});

describe("entrim-agent security-events list", () => {
  it("lists the last 24 hours by default, and filters by network, key, account, kind and time", async () => {
    const all = JSON.parse(await cli("--json", "security-events", "list"));
    assert.equal(all.length, 3);
    const net = JSON.parse(await cli("--json", "security-events", "list", "--ip", "203.0.113.0/24"));
    assert.deepEqual(
      net.map((e: { ip: string }) => e.ip),
      ["203.0.113.8", "203.0.113.7"],
    );
    const byKey = JSON.parse(await cli("--json", "security-events", "list", "--key", "abcdefghijkl"));
    assert.equal(byKey[0].accountId, "acct_aaaaaaaaaaaaaaaa");
    const byAccount = JSON.parse(
      await cli(
        "--json",
        "security-events",
        "list",
        "--account",
        "acct_aaaaaaaaaaaaaaaa",
        "--kind",
        "rate_limited",
      ),
    );
    assert.equal(byAccount.length, 1);
    const older = JSON.parse(
      await cli("--json", "security-events", "list", "--since", "7d", "--until", "1d"),
    );
    assert.deepEqual(
      older.map((e: { ip: string }) => e.ip),
      ["203.0.113.9"],
    );
    const human = await cli("security-events", "list", "--limit", "1");
    assert.match(human, /^time\s+kind\s+code\s+ip\s+account\s+key\s+node\s+detail\n/);
    assert.match(
      human,
      /rate_limited\s+rate_limit_exceeded\s+203\.0\.113\.8\s+acct_a+\s+abcdefghijkl\s+node-a\s+status=401/,
    );
  });

  it("explains bad filters", async () => {
    await assert.rejects(
      cli("security-events", "list", "--ip", "300.1.1.1"),
      cliError(/--ip takes an address/),
    );
    await assert.rejects(cli("security-events", "list", "--ip", "10.0.0.0/33"), cliError(/CIDR/));
    await assert.rejects(
      cli("security-events", "list", "--since", "yesterday"),
      cliError(/--since takes an ISO time/),
    );
    await assert.rejects(
      cli("security-events", "list", "--kind", "prompt"),
      cliError(/--kind must be one of/),
    );
    await assert.rejects(cli("security-events", "list", "--limit", "0"), cliError(/--limit takes/));
  });

  it("parses times and networks", () => {
    const now = Date.UTC(2026, 10, 23, 12);
    assert.equal(parseTime("24h", "--since", now).toISOString(), "2026-11-22T12:00:00.000Z");
    assert.equal(parseTime("2026-11-01T00:00:00Z", "--since").toISOString(), "2026-11-01T00:00:00.000Z");
    assert.equal(parseNetwork("2001:db8::/32"), "2001:db8::/32");
  });
});

describe("entrim-agent abuse", () => {
  it("lists the queue, resolves a flag with a note, and explains mistakes", async () => {
    const [flag] = JSON.parse(await cli("--json", "abuse", "list", "--open"));
    assert.equal(flag.rule, "auth_failures");
    const human = await cli("abuse", "list");
    assert.match(human, /^id\s+status\s+rule\s+subject\s+count/);
    assert.match(human, /open\s+auth_failures\s+ip:203\.0\.113\.7\s+1\s+/);
    for (const part of ["threshold=20", "windowSeconds=60", "timeline=1"])
      assert.ok(human.includes(part), part);

    assert.match(
      await cli("abuse", "resolve", flag.id, "--note", "known scanner, IP blocked"),
      new RegExp(`^Resolved abuse flag ${flag.id} \\(auth_failures, ip 203\\.0\\.113\\.7\\)`),
    );
    assert.deepEqual(JSON.parse(await cli("--json", "abuse", "list", "--open")), []);
    const [resolved] = JSON.parse(await cli("--json", "abuse", "list"));
    assert.equal(resolved.resolvedNote, "known scanner, IP blocked");
    assert.match(resolved.resolvedBy, /^cli:/);
    await assert.rejects(
      cli("abuse", "resolve", flag.id, "--note", "x"),
      cliError(/already resolved.*Nothing to do/),
    );
    await assert.rejects(
      cli("abuse", "resolve", "424242", "--note", "x"),
      cliError(/no abuse flag 424242.*abuse list/),
    );
    await assert.rejects(cli("abuse", "resolve", "abc", "--note", "x"), cliError(/not an abuse flag id/));
  });
});
