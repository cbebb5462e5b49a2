import type { UsageEvent } from "../domain/usage-event.js";
import type { Db } from "./db.js";

// One statement per batch, the rows passed as one array per column: the statement text and its plan
// are the same for any batch size, and PostgreSQL parses 19 parameters instead of 19 per row.
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
  const columns: unknown[][] = Array.from({ length: 19 }, () => new Array(events.length));
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const row = [
      e.requestId,
      e.receivedAt,
      e.firstTokenAt,
      e.finishedAt,
      e.accountId,
      e.keyId,
      e.model,
      e.modelVersion,
      e.node,
      e.status,
      e.httpStatus,
      e.promptTokens,
      e.cachedTokens,
      e.completionTokens,
      e.costPicoEur.toString(),
      e.priceVersion,
      e.userAgent,
      e.clientIp,
      e.endpoint,
    ];
    for (let c = 0; c < 19; c++) columns[c]![i] = row[c];
  }
  const result = await db.query(INSERT, columns);
  return result.rowCount ?? 0;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): the rows are at fault, not the store. */
export function isDataError(error: unknown): boolean {
  return /^(22|23)/.test(String((error as { code?: unknown })?.code ?? ""));
}
