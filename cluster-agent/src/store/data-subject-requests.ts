// Data-subject requests customers file in the portal (migration 0017) and operators handle in the
// console. Filing is the customer's act; completing is the operator's, and performs the action itself
// (data-subject.ts: erasure, restriction) in the same transaction that closes the request.
import { type Db, randomId, StoreError } from "./db.js";

export const REQUEST_KINDS = ["erasure", "restriction", "objection"] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATUSES = ["open", "completed", "rejected"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** GDPR art. 12(3): one month; we promise 30 days. */
export const REQUEST_DEADLINE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DataSubjectRequest {
  id: string;
  accountId: string;
  kind: RequestKind;
  /** The portal user who filed it (usr_…). */
  requestedBy: string;
  details: string;
  status: RequestStatus;
  requestedAt: Date;
  dueAt: Date;
  handledAt: Date | null;
  handledBy: string | null;
  resolution: string | null;
}

const COLUMNS =
  "id, account_id, kind, requested_by, details, status, requested_at, due_at, handled_at, handled_by, resolution";

export function isRequestKind(value: unknown): value is RequestKind {
  return typeof value === "string" && (REQUEST_KINDS as readonly string[]).includes(value);
}

/**
 * Files a request; the deadline runs from `now`. A second open request of the same kind is a conflict
 * naming the first, so filing twice never restarts the clock.
 */
export async function fileRequest(
  db: Db,
  input: { accountId: string; kind: RequestKind; requestedBy: string; details?: string },
  now = new Date(),
): Promise<DataSubjectRequest> {
  if (!isRequestKind(input.kind))
    throw new StoreError("invalid", `The request kind must be one of ${REQUEST_KINDS.join(", ")}.`);
  const details = (input.details ?? "").trim();
  if (details.length > 2000) throw new StoreError("invalid", "The details must be at most 2000 characters.");
  // ON CONFLICT rather than catching the unique violation: inside a caller's transaction a failed
  // statement would abort the transaction, and the conflict could not even be explained.
  const result = await db.query(
    `INSERT INTO data_subject_requests (id, account_id, kind, requested_by, details, requested_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (account_id, kind) WHERE status = 'open' DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      randomId("dsr"),
      input.accountId,
      input.kind,
      input.requestedBy,
      details,
      now,
      new Date(now.getTime() + REQUEST_DEADLINE_DAYS * DAY_MS),
    ],
  );
  if (result.rows[0]) return toRequest(result.rows[0]);
  const open = (await listRequests(db, { accountId: input.accountId, status: "open" })).find(
    (r) => r.kind === input.kind,
  );
  throw new StoreError(
    "conflict",
    `An ${input.kind} request is already open${open ? ` (filed ${open.requestedAt.toISOString()}, due ${open.dueAt.toISOString()})` : ""}.`,
  );
}

export interface RequestFilter {
  accountId?: string;
  status?: RequestStatus;
  limit?: number;
}

/** Open requests first by deadline; the rest newest first. */
export async function listRequests(db: Db, filter: RequestFilter = {}): Promise<DataSubjectRequest[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM data_subject_requests
     WHERE ($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY (status = 'open') DESC, CASE WHEN status = 'open' THEN due_at END, requested_at DESC, id
     LIMIT $3`,
    [filter.accountId ?? null, filter.status ?? null, filter.limit ?? 1000],
  );
  return result.rows.map(toRequest);
}

/** Scoped by account when given: a customer asking for another account's request finds nothing. */
export async function getRequest(
  db: Db,
  id: string,
  accountId?: string,
): Promise<DataSubjectRequest | undefined> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM data_subject_requests WHERE id = $1 AND ($2::text IS NULL OR account_id = $2)`,
    [id, accountId ?? null],
  );
  return result.rows[0] ? toRequest(result.rows[0]) : undefined;
}

/**
 * Closes an open request (completed or rejected) with who and why. Run it in the transaction that
 * performs the action, so the request never reads "completed" without the effect, or the reverse.
 */
export async function closeRequest(
  db: Db,
  id: string,
  outcome: { status: "completed" | "rejected"; by: string; resolution: string },
  now = new Date(),
): Promise<DataSubjectRequest> {
  const resolution = outcome.resolution.trim();
  if (outcome.status === "rejected" && !resolution)
    throw new StoreError("invalid", "Say why the request is rejected: the customer is told.");
  if (resolution.length > 1000)
    throw new StoreError("invalid", "The resolution must be at most 1000 characters.");
  const result = await db.query(
    `UPDATE data_subject_requests SET status = $2, handled_at = $3, handled_by = $4, resolution = $5
     WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}`,
    [id, outcome.status, now, outcome.by, resolution],
  );
  if (result.rows[0]) return toRequest(result.rows[0]);
  const existing = await getRequest(db, id);
  if (!existing) throw new StoreError("not_found", `There is no data-subject request ${id}.`);
  throw new StoreError(
    "conflict",
    `Request ${id} is already ${existing.status} (${existing.handledAt?.toISOString()} by ${existing.handledBy}).`,
  );
}

/** Whole days left until the deadline (negative once overdue), for the console and alerts. */
export function daysLeft(request: Pick<DataSubjectRequest, "dueAt">, now = new Date()): number {
  return Math.floor((request.dueAt.getTime() - now.getTime()) / DAY_MS);
}

function toRequest(row: Record<string, unknown>): DataSubjectRequest {
  return {
    id: row.id as string,
    accountId: row.account_id as string,
    kind: row.kind as RequestKind,
    requestedBy: row.requested_by as string,
    details: row.details as string,
    status: row.status as RequestStatus,
    requestedAt: row.requested_at as Date,
    dueAt: row.due_at as Date,
    handledAt: (row.handled_at as Date | null) ?? null,
    handledBy: (row.handled_by as string | null) ?? null,
    resolution: (row.resolution as string | null) ?? null,
  };
}
