import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openTestStore } from "../test-support/postgres.js";
import { sampleEvent } from "../test-support/usage-events.js";
import { numberArray, textArray } from "./pg-array.js";
import type { Store } from "./store.js";
import { insertUsageEvents, isDataError } from "./usage-events.js";

let store: Store;
let closeStore: () => Promise<void>;
before(async () => {
  ({ store, close: closeStore } = await openTestStore());
});
after(() => closeStore());

/** Strings the array syntax gives a meaning to, and some it does not. */
const AWKWARD = [
  "plain",
  "",
  "NULL",
  "null",
  "NuLl",
  "NULLish",
  'say "hi"',
  "back\\slash",
  '\\"',
  '"',
  "\\",
  "{braces}",
  "a,b",
  " leading",
  "trailing ",
  "tab\there",
  "new\nline",
  "carriage\rreturn",
  "Grüße 👋 — ok",
  "curl/8.5.0",
  "2001:db8::1",
];

test("text arrays come back from PostgreSQL element for element, nulls included", async () => {
  const values = [...AWKWARD, null, ...AWKWARD.map((s) => `${s}${s}`)];
  const { rows } = await store.pool.query("SELECT $1::text[] AS values", [textArray(values)]);
  assert.deepEqual(rows[0].values, values);
  const { rows: empty } = await store.pool.query("SELECT cardinality($1::text[]) AS n", [textArray([])]);
  assert.equal(empty[0].n, 0);
});

test("number arrays come back exactly, bigints past 2^53 included; a fraction for a bigint is a data error", async () => {
  const values = [0, -1, 42, Number.MAX_SAFE_INTEGER, null, 10n ** 20n];
  const { rows } = await store.pool.query("SELECT $1::numeric[]::text[] AS values", [numberArray(values)]);
  assert.deepEqual(rows[0].values, [
    "0",
    "-1",
    "42",
    String(Number.MAX_SAFE_INTEGER),
    null,
    "100000000000000000000",
  ]);
  await assert.rejects(store.pool.query("SELECT $1::bigint[]", [numberArray([1, 2.5])]), isDataError);
});

test("usage events with awkward text are stored as they were sent", async () => {
  const events = AWKWARD.map((userAgent, i) =>
    sampleEvent(900_000 + i, {
      userAgent,
      firstTokenAt: i % 2 ? null : 1_763_900_000_050 + i,
      priceVersion: i % 3 ? 3 : null,
      clientIp: i % 2 ? "2001:db8::7" : null,
      endpoint: i === 0 ? "" : "chat.completions",
      costPicoEur: 2n ** 62n + BigInt(i),
    }),
  );
  assert.equal(await insertUsageEvents(store.pool, events), events.length);
  assert.equal(await insertUsageEvents(store.pool, events), 0, "a batch sent again inserts nothing");
  const { rows } = await store.pool.query(
    `SELECT request_id, user_agent, host(client_ip) AS ip, endpoint, price_version::int AS price_version,
       cost_pico_eur::text AS cost, (extract(epoch FROM first_token_at) * 1000)::bigint::text AS first_token
     FROM usage_events WHERE request_id = ANY($1) ORDER BY request_id`,
    [events.map((e) => e.requestId)],
  );
  assert.deepEqual(
    rows.map((r) => [r.request_id, r.user_agent, r.ip, r.endpoint, r.price_version, r.cost, r.first_token]),
    [...events]
      .sort((a, b) => (a.requestId < b.requestId ? -1 : 1))
      .map((e) => [
        e.requestId,
        e.userAgent,
        e.clientIp,
        e.endpoint,
        e.priceVersion,
        e.costPicoEur.toString(),
        e.firstTokenAt === null ? null : String(e.firstTokenAt),
      ]),
  );
});
