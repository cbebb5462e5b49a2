import type { Db } from "./db.js";
import type { DailyPartitionSpec } from "./partitions.js";

export const SECURITY_EVENT_KINDS = [
  "auth_failure",
  "revoked_key",
  "suspended_access",
  "rate_limited",
  "malformed_request",
  "oversized_request",
  "usage_spike",
  "ip_blocked",
  "ip_unblocked",
  "abuse_flagged",
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export function isSecurityEventKind(value: string): value is SecurityEventKind {
  return (SECURITY_EVENT_KINDS as readonly string[]).includes(value);
}

/**
 * Counts, thresholds, flags and route templates. Deliberately no free-form strings from requests: the
 * recorder drops string values that are not short identifiers (see safeDetail).
 */
export type SecurityDetail = Readonly<Record<string, number | boolean | string | null>>;

export interface SecurityEvent {
  occurredAt: Date;
  node: string;
  kind: SecurityEventKind;
  ip: string | null;
  accountId: string | null;
  keyId: string | null;
  /** The OpenAI error code the request was answered with. */
  code: string | null;
  detail: SecurityDetail;
}

export interface StoredSecurityEvent extends SecurityEvent {
  id: string;
}

export function securityEventsPartitions(retentionDays: number): DailyPartitionSpec {
  return { table: "security_events", column: "occurred_at", retentionDays, aheadDays: 3 };
}

/** One statement for the whole batch: arrays keep the parameter count at eight whatever its size. */
export async function insertSecurityEvents(db: Db, events: readonly SecurityEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO security_events (occurred_at, node, kind, ip, account_id, key_id, code, detail)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::inet[], $5::text[], $6::text[],
                          $7::text[], $8::jsonb[])`,
    [
      events.map((e) => e.occurredAt),
      events.map((e) => e.node),
      events.map((e) => e.kind),
      events.map((e) => e.ip),
      events.map((e) => e.accountId),
      events.map((e) => e.keyId),
      events.map((e) => e.code),
      events.map((e) => JSON.stringify(e.detail)),
    ],
  );
  return result.rowCount ?? 0;
}

export interface SecurityEventFilter {
  accountId?: string | undefined;
  keyId?: string | undefined;
  /** An address or a network in CIDR notation; matches every address inside it. */
  ip?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  kind?: SecurityEventKind | undefined;
  /** The node that saw it (exact name). */
  node?: string | undefined;
  limit?: number | undefined;
}

/** Newest first. */
export async function listSecurityEvents(
  db: Db,
  filter: SecurityEventFilter = {},
): Promise<StoredSecurityEvent[]> {
  const result = await db.query(
    `SELECT id::text, occurred_at, node, kind, host(ip) AS ip, account_id, key_id, code, detail
       FROM security_events
      WHERE ($1::text IS NULL OR account_id = $1)
        AND ($2::text IS NULL OR key_id = $2)
        AND ($3::inet IS NULL OR ip <<= $3::inet)
        AND ($4::timestamptz IS NULL OR occurred_at >= $4)
        AND ($5::timestamptz IS NULL OR occurred_at < $5)
        AND ($6::text IS NULL OR kind = $6)
        AND ($8::text IS NULL OR node = $8)
      ORDER BY occurred_at DESC, id DESC
      LIMIT $7`,
    [
      filter.accountId ?? null,
      filter.keyId ?? null,
      filter.ip ?? null,
      filter.since ?? null,
      filter.until ?? null,
      filter.kind ?? null,
      filter.limit ?? 100,
      filter.node ?? null,
    ],
  );
  return result.rows.map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at,
    node: row.node,
    kind: row.kind,
    ip: row.ip,
    accountId: row.account_id,
    keyId: row.key_id,
    code: row.code,
    detail: row.detail,
  }));
}
