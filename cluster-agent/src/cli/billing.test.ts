import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import pg from "pg";
import { testBilling } from "../test-support/billing.js";
import { cliError, cliFixture } from "../test-support/cli.js";
import { registerAccountCommands } from "./accounts.js";
import { registerBillingCommands } from "./billing.js";

let accountId: string;
const fixture = cliFixture(registerAccountCommands, registerBillingCommands);
const { cli } = fixture;

// A month long over, so its invoices may be issued with the real clock.
const COSTS = [12_345_678_901n, 5_000_000_000n, 99_999_999_999n, 1n];
async function insertUsage(account: string): Promise<void> {
  const db = new pg.Client({ connectionString: await fixture.databaseUrl() });
  await db.connect();
  try {
    for (const [i, cost] of COSTS.entries()) {
      await db.query(
        `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
           http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur, price_version)
         VALUES ($1, $2, $2, $3, 'keykeykeykey', $4, 'node-1', 'completed', 200, 100, 20, 50, $5, 1)`,
        [
          `req_cli${String(i).padStart(13, "0")}`,
          new Date(Date.UTC(2025, 2, 1 + i * 10, 12)),
          account,
          i % 2 ? "b-model" : "a-model",
          cost.toString(),
        ],
      );
    }
  } finally {
    await db.end();
  }
}

before(async () => {
  accountId = JSON.parse(
    await cli("--json", "accounts", "create", "--name", "Bill AG", "--email", "bill@example.eu"),
  ).id;
  await insertUsage(accountId);
});

describe("entrim-agent prices", () => {
  it("adds a version in exact micro-euros and lists it", async () => {
    const created = JSON.parse(
      await cli("--json", "prices", "set", "--model", "a-model", "--input", "0.5", "--output", "1.25"),
    );
    assert.equal(created.inputMicroEurPerM, "500000");
    assert.equal(created.cachedMicroEurPerM, "500000");
    assert.equal(created.outputMicroEurPerM, "1250000");
    assert.equal(created.createdBy.startsWith("cli:"), true);
    const listed = await cli("prices", "list");
    assert.match(listed, /a-model\s+0\.500000\s+0\.500000\s+1\.250000/);
  });

  it("refuses prices it would have to round, and back-dated versions", async () => {
    await assert.rejects(
      cli("prices", "set", "--model", "m", "--input", "0.0000001", "--output", "1"),
      cliError(/at most 6 decimals/),
    );
    await assert.rejects(
      cli("prices", "set", "--model", "m", "--input", "1", "--output", "1", "--from", "2020-01-01T00:00:00Z"),
      cliError(/cannot start in the past/),
    );
  });
});

describe("entrim-agent usage and invoices", () => {
  let invoiceId: string;

  it("reports usage per day and model", async () => {
    const rows = JSON.parse(
      await cli("--json", "usage", "--account", accountId, "--from", "2025-03-01", "--to", "2025-03-11"),
    );
    assert.deepEqual(
      rows.map((r: { day: string; costPicoEur: string }) => [r.day, r.costPicoEur]),
      [
        ["2025-03-01", "12345678901"],
        ["2025-03-11", "5000000000"],
      ],
    );
    assert.match(
      await cli("usage", "--account", accountId, "--from", "2025-03-01", "--to", "2025-03-01"),
      /0\.012345678901/,
    );
    await assert.rejects(
      cli("usage", "--account", accountId, "--from", "March", "--to", "2025-03-31"),
      cliError(/YYYY-MM-DD/),
    );
  });

  it("generates a draft whose lines add up to the events' costs", async () => {
    await assert.rejects(cli("invoices", "generate", "--month", "2025-3"), cliError(/YYYY-MM/));
    const result = JSON.parse(await cli("--json", "invoices", "generate", "--month", "2025-03"));
    assert.equal(result.drafts.length, 1);
    invoiceId = result.drafts[0].id;
    // a-model: 12345678901 + 99999999999 pico = 11.23 ct → 11; b-model: 5000000001 → 0.5 ct → 1.
    assert.equal(result.drafts[0].subtotalCents, "12");
    assert.equal(result.drafts[0].taxCents, "2");
    assert.equal(result.drafts[0].totalCents, "14");
    assert.match(
      await cli("invoices", "list", "--month", "2025-03"),
      new RegExp(`${invoiceId}.*draft\\s+0\\.12\\s+0\\.02\\s+0\\.14`),
    );
  });

  it("exports CSV with a header and euro amounts, and JSON", async () => {
    const csv = await cli("invoices", "export", invoiceId, "--format", "csv");
    const rows = csv
      .trimEnd()
      .split("\n")
      .map((line) => line.split(","));
    assert.equal(
      rows[0]!.join(","),
      "invoice_id,account_id,period,invoice_date,due_date,currency,item,model,requests,prompt_tokens,cached_tokens,completion_tokens,tax_rate,amount_eur,usage_period",
    );
    assert.deepEqual(
      rows.slice(1).map((r) => [r[6], r[7], r[13]]),
      [
        ["usage", "a-model", "0.11"],
        ["usage", "b-model", "0.01"],
        ["subtotal", "", "0.12"],
        ["tax", "", "0.02"],
        ["total", "", "0.14"],
      ],
    );
    assert.equal(rows[4]![12], "0.19");
    const json = JSON.parse(await cli("invoices", "export", invoiceId));
    assert.equal(json.accountId, accountId);
    assert.equal(json.total, "0.14");
    assert.deepEqual(
      json.lines.map((l: { amount: string }) => l.amount),
      ["0.11", "0.01"],
    );
    assert.equal(JSON.stringify(json).includes("Bill AG"), false, "no name on the invoice");
    assert.equal(JSON.stringify(json).includes("bill@example.eu"), false, "no email on the invoice");
  });

  it("issues, takes a dispute within the window, and records payment", async () => {
    const dir = await mkdtemp(join(tmpdir(), "entrim-billing-"));
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ billing: { seller: testBilling().seller } }));
    await writeFile(join(dir, "none.json"), "{}");
    await assert.rejects(
      cli("invoices", "issue", invoiceId, "--config", join(dir, "none.json")),
      cliError(/billing\.seller/),
    );
    const issued = JSON.parse(await cli("--json", "invoices", "issue", invoiceId, "--config", config));
    assert.equal(issued.status, "issued");
    assert.match(issued.number, /^\d{4}-000001$/);
    const pdf = join(dir, "invoice.pdf");
    assert.match(await cli("invoices", "export", invoiceId, "--format", "pdf", "--out", pdf), /Wrote/);
    assert.equal((await readFile(pdf)).subarray(0, 5).toString(), "%PDF-");
    assert.deepEqual(JSON.parse(await cli("--json", "invoices", "overdue")), []);
    await assert.rejects(cli("invoices", "issue", invoiceId, "--config", config), cliError(/only draft/));
    const regenerated = JSON.parse(await cli("--json", "invoices", "generate", "--month", "2025-03"));
    assert.deepEqual(
      regenerated.kept.map((i: { id: string }) => i.id),
      [invoiceId],
    );
    const disputed = JSON.parse(
      await cli("--json", "invoices", "dispute", invoiceId, "--reason", "b-model unknown to us"),
    );
    assert.equal(disputed.status, "disputed");
    assert.match(await cli("invoices", "show", invoiceId), /Disputed .*: b-model unknown to us/);
    assert.match(await cli("invoices", "mark-paid", invoiceId), /paid/);
    await assert.rejects(
      cli(
        "invoices",
        "credit",
        "--invoice",
        invoiceId,
        "--amount",
        "99999",
        "--reason",
        "x",
        "--config",
        config,
      ),
      cliError(/left to credit/),
    );
    assert.match(
      await cli(
        "invoices",
        "credit",
        "--invoice",
        invoiceId,
        "--amount",
        "0.01",
        "--reason",
        "goodwill",
        "--config",
        config,
      ),
      /Credit note CN-\d{4}-000001: 0\.01 EUR/,
    );
    assert.match(
      await cli("invoices", "hold", "--account", accountId, "--reason", "review"),
      /Held invoices/,
    );
    assert.match(await cli("invoices", "unhold", "--account", accountId), /Released/);
    await assert.rejects(cli("invoices", "show", "inv_202503_nope"), cliError(/invoices list/));
  });
});
