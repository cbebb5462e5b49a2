import { randomBytes } from "node:crypto";
import type pg from "pg";

/** A usage event as the metering shipper would write it; tests insert them directly. */
export async function insertUsageEvent(
  db: pg.Pool | pg.Client | pg.PoolClient,
  row: { accountId: string; keyId: string; receivedAt: Date; userAgent?: string; clientIp?: string },
): Promise<string> {
  const requestId = `req_${randomBytes(10).toString("hex")}`;
  await db.query(
    `INSERT INTO usage_events (request_id, received_at, finished_at, account_id, key_id, model, node, status,
       http_status, prompt_tokens, completion_tokens, cost_pico_eur, price_version, user_agent, client_ip)
     VALUES ($1, $2, $2, $3, $4, 'entrim-tiny', 'node-a', 'completed', 200, 12, 5, '9007199254740993', 1, $5, $6)`,
    [requestId, row.receivedAt, row.accountId, row.keyId, row.userAgent ?? null, row.clientIp ?? null],
  );
  return requestId;
}

/**
 * Every (table, column) of the current schema whose text, jsonb or inet value contains one of the
 * needles (case-insensitive): proof that erased data is nowhere, not just not where we looked.
 */
export async function findTextAnywhere(
  db: pg.Pool | pg.Client,
  needles: readonly string[],
): Promise<{ table: string; column: string; needle: string }[]> {
  const columns = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
       AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'inet', 'cidr')
     ORDER BY 1, 2`,
  );
  const found: { table: string; column: string; needle: string }[] = [];
  for (const { table_name: table, column_name: column } of columns.rows) {
    for (const needle of needles) {
      const hit = await db.query(
        `SELECT 1 FROM "${table}" WHERE position(lower($1) IN lower("${column}"::text)) > 0 LIMIT 1`,
        [needle],
      );
      if (hit.rowCount) found.push({ table, column, needle });
    }
  }
  return found;
}
