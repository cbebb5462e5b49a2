// AccountService's data-subject request methods: the queue customers fill from the portal (erasure,
// restriction, objection), read by every role, handled by admins. Completing a request performs what
// it asks (data-subject.ts) and closes it; both are audited under the request's account.
import type {
  CompleteDataSubjectRequestRequest__Output,
  ListDataSubjectRequestsRequest__Output,
  ListDataSubjectRequestsResponse,
  RejectDataSubjectRequestRequest__Output,
  DataSubjectRequest as WireRequest,
} from "@entrim/proto";
import type pg from "pg";
import { eraseAccount, listActions, restrictAccount } from "../../store/data-subject.js";
import {
  closeRequest,
  type DataSubjectRequest,
  daysLeft,
  getRequest,
  listRequests,
  REQUEST_STATUSES,
  type RequestStatus,
} from "../../store/data-subject-requests.js";
import { type Db, StoreError } from "../../store/db.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import { limitOf, ms } from "../convert.js";
import { type CallContext, failedPrecondition, invalidArgument, notFound, unary } from "../rpc.js";

const REQUEST_ID = /^dsr_[a-z0-9]{16,40}$/;
const MAX_TEXT = 1000;

export function toWireRequest(r: DataSubjectRequest, accountName: string, now = new Date()): WireRequest {
  return {
    id: r.id,
    accountId: r.accountId,
    accountName,
    kind: r.kind,
    details: r.details,
    status: r.status,
    requestedAtMs: ms(r.requestedAt),
    dueAtMs: ms(r.dueAt),
    daysLeft: daysLeft(r, now),
    handledAtMs: ms(r.handledAt),
    handledBy: r.handledBy ?? "",
    resolution: r.resolution ?? "",
    requestedBy: r.requestedBy,
  };
}

/** Current account names by id; an account row that is gone (no foreign key) reads "". */
async function accountNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const result = await db.query("SELECT id, name FROM accounts WHERE id = ANY($1::text[])", [
    [...new Set(ids)],
  ]);
  return new Map(result.rows.map((r: { id: string; name: string }) => [r.id, r.name]));
}

function requestId(id: string): string {
  const trimmed = id.trim();
  if (!REQUEST_ID.test(trimmed))
    throw invalidArgument(
      `id must be a data-subject request id like dsr_0123456789abcdef (got "${trimmed}").`,
    );
  return trimmed;
}

function text(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed.length > MAX_TEXT)
    throw invalidArgument(`${field} is ${trimmed.length} characters; at most ${MAX_TEXT}.`);
  return trimmed;
}

async function openRequest(db: Db, id: string): Promise<DataSubjectRequest> {
  const request = await getRequest(db, id);
  if (!request) throw notFound(`There is no data-subject request ${id}.`);
  if (request.status !== "open")
    throw failedPrecondition(
      `Request ${id} is already ${request.status} (${request.handledAt?.toISOString()} by ${request.handledBy}).`,
    );
  return request;
}

/**
 * Erases the account unless it already was (an earlier attempt whose close failed, or an erasure by
 * the CLI): the request asks for an outcome, and that outcome holds. eraseAccount runs its own
 * transaction on the pool, so the erasure commits before the request closes; a failure in between
 * leaves an erased account with an open request, and completing again closes it.
 */
async function erase(pool: pg.Pool, request: DataSubjectRequest, by: string): Promise<string> {
  try {
    await eraseAccount(pool, request.accountId, by, `data-subject request ${request.id}`);
    return "Account erased and closed; its API keys were revoked.";
  } catch (error) {
    const erased = (await listActions(pool, request.accountId)).find((a) => a.action === "erase");
    if (error instanceof StoreError && error.code === "conflict" && erased)
      return `Account already erased (${erased.performedAt} by ${erased.performedBy}).`;
    throw error;
  }
}

/** Restricts the account; one already restricted (or closed) has its processing stopped already. */
async function restrict(db: Db, request: DataSubjectRequest, by: string): Promise<string> {
  try {
    await restrictAccount(db, request.accountId, by, `data-subject request ${request.id}`);
    return "Processing restricted: the account's API requests are refused.";
  } catch (error) {
    if (!(error instanceof StoreError) || error.code !== "conflict") throw error;
    const status = (await db.query("SELECT status FROM accounts WHERE id = $1", [request.accountId])).rows[0]
      ?.status as string | undefined;
    if (status === "restricted" || status === "closed") return `The account was already ${status}.`;
    throw error;
  }
}

export function dataRequestMethods(pool: pg.Pool, recorder: AuditRecorder) {
  const answer = async (request: DataSubjectRequest) =>
    toWireRequest(request, (await accountNames(pool, [request.accountId])).get(request.accountId) ?? "");

  return {
    ListDataSubjectRequests: unary(
      "viewer",
      async (request: ListDataSubjectRequestsRequest__Output): Promise<ListDataSubjectRequestsResponse> => {
        const status = request.status.trim();
        if (status && !(REQUEST_STATUSES as readonly string[]).includes(status))
          throw invalidArgument(`status must be one of ${REQUEST_STATUSES.join(", ")} (or empty for all).`);
        const rows = await listRequests(pool, {
          status: (status || undefined) as RequestStatus | undefined,
          accountId: request.accountId.trim() || undefined,
          limit: limitOf(request.limit),
        });
        const names = await accountNames(
          pool,
          rows.map((r) => r.accountId),
        );
        const now = new Date();
        return { requests: rows.map((r) => toWireRequest(r, names.get(r.accountId) ?? "", now)) };
      },
    ),
    CompleteDataSubjectRequest: unary(
      "admin",
      async (request: CompleteDataSubjectRequestRequest__Output, context: CallContext) => {
        const id = requestId(request.id);
        const note = text(request.note, "note");
        const found = await openRequest(pool, id);
        if (found.kind === "objection" && !note)
          throw invalidArgument("note is required for an objection: say which processing stopped.");
        const by = context.operator.name;
        const closed = await auditedChange(
          recorder,
          pool,
          context,
          {
            action: "data_request.complete",
            target: `account:${found.accountId}`,
            reason: note || `${found.kind} ${id}`,
          },
          async (db) => {
            const done =
              found.kind === "erasure"
                ? await erase(pool, found, by)
                : found.kind === "restriction"
                  ? await restrict(db, found, by)
                  : "";
            return closeRequest(db, id, {
              status: "completed",
              by,
              resolution: [done, note].filter(Boolean).join(" ").slice(0, MAX_TEXT),
            });
          },
        );
        return answer(closed);
      },
    ),
    RejectDataSubjectRequest: unary(
      "admin",
      async (request: RejectDataSubjectRequestRequest__Output, context: CallContext) => {
        const id = requestId(request.id);
        const reason = text(request.reason, "reason");
        if (!reason)
          throw invalidArgument(
            "reason is required: say why the request is rejected (the customer is told).",
          );
        const found = await openRequest(pool, id);
        const closed = await auditedChange(
          recorder,
          pool,
          context,
          { action: "data_request.reject", target: `account:${found.accountId}`, reason },
          (db) => closeRequest(db, id, { status: "rejected", by: context.operator.name, resolution: reason }),
        );
        return answer(closed);
      },
    ),
  };
}
