import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { createAccount } from "./accounts.js";
import {
  accountsDueForVatIdCheck,
  getVatIdCheck,
  recordVatIdCheck,
  vatIdStatusFor,
} from "./vat-id-checks.js";

const DAY_MS = 86_400_000;
const now = new Date("2026-12-01T06:00:00Z");
let t: TestStore;

async function buyer(tag: string, country: string, vatId: string | null): Promise<string> {
  const { id } = await createAccount(t.store.pool, { name: tag, email: `${tag}@checks.example.eu` });
  await t.store.pool.query("UPDATE accounts SET country = $2, vat_id = $3 WHERE id = $1", [
    id,
    country,
    vatId,
  ]);
  return id;
}

const due = async () =>
  (await accountsDueForVatIdCheck(t.store.pool, { sellerCountry: "SI", now, recheckDays: 30 })).map(
    (a) => a.accountId,
  );

before(async () => {
  t = await openTestStore();
});
after(() => t.close());

test("VAT ID checks: EU businesses without a current check are due; consumers, domestic and non-EU buyers never", async () => {
  const never = await buyer("never", "DE", "DE111111111");
  const greek = await buyer("greek", "GR", "EL094014201");
  const fresh = await buyer("fresh", "FR", "FR12345678901");
  await recordVatIdCheck(t.store.pool, fresh, "FR12345678901", { status: "valid", reference: "WAPI1" }, now);
  const old = await buyer("old", "AT", "ATU12345678");
  await recordVatIdCheck(
    t.store.pool,
    old,
    "ATU12345678",
    { status: "valid", reference: "WAPI2" },
    new Date(now.getTime() - 31 * DAY_MS),
  );
  const outage = await buyer("outage", "NL", "NL123456789B01");
  await recordVatIdCheck(t.store.pool, outage, "NL123456789B01", { status: "unknown", reference: null }, now);
  const changed = await buyer("changed", "BE", "BE0123456789");
  await recordVatIdCheck(t.store.pool, changed, "BE0999999999", { status: "valid", reference: "WAPI3" }, now);
  await buyer("consumer", "DE", null);
  await buyer("domestic", "SI", "SI12345678");
  await buyer("swiss", "CH", "CHE123456789");
  await buyer("other-prefix", "DE", "FR12345678901");

  assert.deepEqual(new Set(await due()), new Set([never, greek, old, outage, changed]));
  // The rule is told "unknown" for a check about another VAT ID than the one on file.
  assert.equal(await vatIdStatusFor(t.store.pool, changed, "BE0123456789"), "unknown");
  assert.equal(await vatIdStatusFor(t.store.pool, fresh, "FR12345678901"), "valid");
  assert.equal((await getVatIdCheck(t.store.pool, fresh))?.reference, "WAPI1");
});
