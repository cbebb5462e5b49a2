import {
  type AuditEntry,
  type ListAuditRequest__Output,
  type ListAuditResponse,
  loadAgentProto,
  type VerifyAuditRequest__Output,
  type VerifyAuditResponse,
} from "@entrim/proto";
import { type AuditFilter, type AuditRecord, listAudit, verifyAudit } from "../../store/audit-log.js";
import type { Store } from "../../store/store.js";
import { invalidArgument, type ServiceImplementation, unary } from "../rpc.js";

export interface AuditServiceDeps {
  store: Pick<Store, "pool">;
  /** The checkpoint key (auditCheckpointKey of the cluster's pepper). */
  key: Buffer;
}

export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

export function toAuditEntry(r: AuditRecord): AuditEntry {
  return {
    seq: r.seq,
    atMs: r.at.getTime(),
    operator: r.operator,
    role: r.role,
    source: r.source,
    action: r.action,
    target: r.target,
    reason: r.reason,
    result: r.result,
    node: r.node,
    hash: r.hash,
    prevHash: r.prevHash,
  };
}

/** The request as a store filter; refuses what cannot be meant (negative times, a reversed range). */
export function auditFilterOf(request: ListAuditRequest__Output): AuditFilter {
  const { sinceMs, untilMs, limit } = request;
  for (const [name, value] of [
    ["since_ms", sinceMs],
    ["until_ms", untilMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw invalidArgument(`${name} must be epoch milliseconds (0 for none); got ${value}.`);
    }
  }
  if (sinceMs > 0 && untilMs > 0 && untilMs <= sinceMs) {
    throw invalidArgument("until_ms must be after since_ms.");
  }
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_AUDIT_LIMIT) {
    throw invalidArgument(
      `limit must be 0 (meaning ${DEFAULT_AUDIT_LIMIT}) to ${MAX_AUDIT_LIMIT}; got ${limit}.`,
    );
  }
  if (
    request.action.length > 100 ||
    request.operator.length > 200 ||
    request.target.length > 500 ||
    request.node.length > 200
  ) {
    throw invalidArgument("operator, action, target or node filter is longer than any stored value.");
  }
  return {
    operator: request.operator || undefined,
    action: request.action || undefined,
    target: request.target || undefined,
    since: sinceMs > 0 ? new Date(sinceMs) : undefined,
    until: untilMs > 0 ? new Date(untilMs) : undefined,
    node: request.node || undefined,
    limit: limit === 0 ? DEFAULT_AUDIT_LIMIT : limit,
  };
}

/** AuditService: reading and verifying the log is open to every role; writing happens by acting. */
export function auditService(deps: AuditServiceDeps): ServiceImplementation {
  return {
    name: "entrim.agent.v1.AuditService",
    definition: loadAgentProto().AuditService.service,
    methods: {
      ListAudit: unary<ListAuditRequest__Output, ListAuditResponse>("viewer", async (request) => {
        const rows = await listAudit(deps.store.pool, auditFilterOf(request));
        return { entries: rows.map(toAuditEntry) };
      }),
      VerifyAudit: unary<VerifyAuditRequest__Output, VerifyAuditResponse>("viewer", async () => {
        const result = await verifyAudit(deps.store.pool, deps.key);
        return {
          ok: result.ok,
          entries: result.entries,
          firstBadSeq: result.firstBadSeq ?? "",
          problem: result.problem ?? "",
          checkpointSeq: result.checkpointSeq,
        };
      }),
    },
  };
}
