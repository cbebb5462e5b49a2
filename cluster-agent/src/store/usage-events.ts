import type { UsageEvent } from "../domain/usage-event.js";
import type { Db } from "./db.js";
import { numberArray, textArray } from "./pg-array.js";

// One statement per batch, the rows passed as one array literal per column (store/pg-array.ts): the
// statement text and its plan are the same for any batch size, and PostgreSQL parses 19 parameters
// instead of 19 per row.
// Times travel as epoch milliseconds and are turned into timestamps exactly (no float rounding).
const INSERT = `
INSERT INTO usage_events (
  request_id, received_at, first_token_at, finished_at, account_id, key_id, model, model_version,
  node, status, http_status, prompt_tokens, cached_tokens, completion_tokens, cost_pico_eur,
  price_version, user_agent, client_ip, endpoint)
SELECT r, 'epoch'::timestamptz + rt * interval '1 millisecond',
  'epoch'::timestamptz + ft * interval '1 millisecond', 'epoch'::timestamptz + fin * interval '1 millisecond',
  a, k, m, mv, n, s, hs, pt, ct, ot, cost, pv, ua, ip, ep
FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::text[], $10::text[], $11::smallint[], $12::int[], $13::int[], $14::int[],
  $15::bigint[], $16::bigint[], $17::text[], $18::inet[], $19::text[])
  AS t(r, rt, ft, fin, a, k, m, mv, n, s, hs, pt, ct, ot, cost, pv, ua, ip, ep)
ON CONFLICT DO NOTHING`;

/**
 * Inserts a batch of usage events; events already stored (same request id and received time) are
 * ignored, so a batch re-sent after a crash has no effect twice. Returns the rows newly inserted.
 */
export async function insertUsageEvents(db: Db, events: readonly UsageEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const text = (field: (e: UsageEvent) => string | null) => textArray(events.map(field));
  const numbers = (field: (e: UsageEvent) => number | bigint | null) => numberArray(events.map(field));
  const result = await db.query(INSERT, [
    text((e) => e.requestId),
    numbers((e) => e.receivedAt),
    numbers((e) => e.firstTokenAt),
    numbers((e) => e.finishedAt),
    text((e) => e.accountId),
    text((e) => e.keyId),
    text((e) => e.model),
    text((e) => e.modelVersion),
    text((e) => e.node),
    text((e) => e.status),
    numbers((e) => e.httpStatus),
    numbers((e) => e.promptTokens),
    numbers((e) => e.cachedTokens),
    numbers((e) => e.completionTokens),
    numbers((e) => e.costPicoEur),
    numbers((e) => e.priceVersion),
    text((e) => e.userAgent),
    text((e) => e.clientIp),
    text((e) => e.endpoint),
  ]);
  return result.rowCount ?? 0;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): the rows are at fault, not the store. */
export function isDataError(error: unknown): boolean {
  return /^(22|23)/.test(String((error as { code?: unknown })?.code ?? ""));
}
