import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAccount } from "../store/accounts.js";
import { createModel, listModelRetirements } from "../store/models.js";
import { noticesFor } from "../store/notices.js";
import { openTestStore, type TestStore } from "../test-support/postgres.js";
import { deprecateModel } from "./deprecation.js";
import { setNonEssential } from "./notify.js";

let db: TestStore;
let seq = 0;
const now = new Date("2026-12-04T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

before(async () => {
  db = await openTestStore();
});
after(async () => db?.close());

async function used(accountId: string, model: string, at: Date) {
  seq++;
  await db.store.pool.query(
    `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status, http_status)
     VALUES ($1, $2, $2, $3, 'keykeykeykey', $4, 'node-1', 'completed', 200)`,
    [`req_deprec${String(seq).padStart(12, "0")}`, at, accountId, model],
  );
}

async function mailsTo(accountId: string) {
  const result = await db.store.pool.query<{ subject: string }>(
    "SELECT subject FROM mail_queue WHERE account_id = $1",
    [accountId],
  );
  return result.rows.map((row) => row.subject);
}

test("a deprecation reaches only the accounts that used the model in the last 30 days", async () => {
  await createModel(db.store.pool, { name: "old-7b", createdBy: "test" });
  await createModel(db.store.pool, { name: "new-8b", createdBy: "test" });
  await createModel(db.store.pool, { name: "other-1b", createdBy: "test" });
  const recent = await createAccount(db.store.pool, { name: "Recent", email: "recent@example.eu" });
  const stale = await createAccount(db.store.pool, { name: "Stale", email: "stale@example.eu" });
  const other = await createAccount(db.store.pool, { name: "Other", email: "other@example.eu" });
  // Events older than the raw retention survive only as daily roll-ups: those count too.
  const rolledUp = await createAccount(db.store.pool, { name: "Rolled", email: "rolled@example.eu" });
  await used(recent.id, "old-7b", daysAgo(3));
  await used(stale.id, "old-7b", daysAgo(40));
  await used(other.id, "other-1b", daysAgo(2));
  await db.store.pool.query(
    `INSERT INTO usage_daily (day, account_id, key_id, model, requests, prompt_tokens, cached_tokens,
       completion_tokens, cost_pico_eur)
     VALUES ($1, $2, 'keykeykeykey', 'old-7b', 1, 1, 0, 1, 0)`,
    [daysAgo(20).toISOString().slice(0, 10), rolledUp.id],
  );

  const result = await deprecateModel(
    db.store.pool,
    { model: "old-7b", date: "2027-01-31", replacement: "new-8b", by: "cli:test" },
    now,
  );
  assert.deepEqual(result.accounts.sort(), [recent.id, rolledUp.id].sort());
  assert.equal(result.optedOut, 0);
  // The catalogue holds the date the notice promises, so every agent refuses the model from then on.
  const retirement = (await listModelRetirements(db.store.pool)).find((r) => r.name === "old-7b");
  assert.equal(retirement?.retiresAt.toISOString(), "2027-01-31T00:00:00.000Z");
  assert.equal(retirement?.replacement, "new-8b");

  const [notice] = await noticesFor(db.store.pool, recent.id);
  assert.equal(notice?.title, "Model old-7b will be retired on 2027-01-31");
  assert.match(notice?.body ?? "", /Use new-8b instead/);
  assert.deepEqual(await mailsTo(recent.id), ["Model old-7b will be retired on 2027-01-31"]);
  for (const account of [stale, other]) {
    assert.deepEqual(await noticesFor(db.store.pool, account.id), []);
    assert.deepEqual(await mailsTo(account.id), []);
  }
});

test("an account that turned off non-essential mail sees the deprecation in the portal only", async () => {
  await createModel(db.store.pool, { name: "quiet-3b", createdBy: "test" });
  const quiet = await createAccount(db.store.pool, { name: "Quiet", email: "quiet@example.eu" });
  await used(quiet.id, "quiet-3b", daysAgo(1));
  await setNonEssential(db.store.pool, quiet.id, false, "usr_owner");

  const result = await deprecateModel(
    db.store.pool,
    { model: "quiet-3b", date: "2027-02-28", by: "cli:test" },
    now,
  );
  assert.deepEqual(result.accounts, [quiet.id]);
  assert.equal(result.optedOut, 1);
  assert.equal((await noticesFor(db.store.pool, quiet.id)).length, 1);
  assert.deepEqual(await mailsTo(quiet.id), []);
});

test("an unknown model or a past date changes nothing and says what to fix", async () => {
  await assert.rejects(
    deprecateModel(db.store.pool, { model: "nope", date: "2027-01-31", by: "cli:test" }, now),
    /no model nope/,
  );
  await assert.rejects(
    deprecateModel(db.store.pool, { model: "old-7b", date: "2026-01-01", by: "cli:test" }, now),
    /has passed/,
  );
});
