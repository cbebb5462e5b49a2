// Data rights in the portal (owner only): download the account's personal-data export (the same
// document as the CLI's `accounts export`), and file erasure (closure), restriction or objection
// requests that operators handle in the console within 30 days. An erasure request revokes every key
// of the account in the request's own transaction: closure stops use at once, before any operator acts.
import type { FastifyInstance } from "fastify";
import { revokeAllKeysOf } from "../store/api-keys.js";
import { exportAccount } from "../store/data-subject.js";
import {
  type DataSubjectRequest,
  fileRequest,
  isRequestKind,
  listRequests,
  REQUEST_KINDS,
} from "../store/data-subject-requests.js";
import { attachment, auditedChange, badInput, bodyOf, fromStore, iso, stringField } from "./account-input.js";
import { type PortalDeps, requirePortal } from "./context.js";

function requestView(r: DataSubjectRequest) {
  return {
    id: r.id,
    kind: r.kind,
    details: r.details,
    status: r.status,
    requestedAt: iso(r.requestedAt),
    dueAt: iso(r.dueAt),
    handledAt: iso(r.handledAt),
    resolution: r.resolution,
  };
}

const FILED: Record<DataSubjectRequest["kind"], string> = {
  erasure:
    "Your closure request was filed. Every API key of the account was revoked now; we erase the account's personal data within 30 days and confirm by email.",
  restriction: "Your restriction request was filed; we answer within 30 days.",
  objection: "Your objection was filed; we answer within 30 days.",
};

export async function dataRightsRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  app.get("/api/data/export", async (request, reply) => {
    const principal = requirePortal(request, "owner");
    const document = await auditedChange(
      deps,
      principal,
      { action: "data.export", target: () => `account:${principal.accountId}` },
      // Recorded in data_subject_actions (by = the portal user) and in the audit log, together.
      (db) => exportAccount(db, principal.accountId, principal.userId, deps.now(), "portal download"),
    ).catch((error) => {
      throw fromStore(error, "account");
    });
    reply.headers(attachment(`entrim-export-${principal.accountId}.json`));
    return reply.type("application/json; charset=utf-8").send(`${JSON.stringify(document, null, 2)}\n`);
  });

  app.get("/api/data/requests", async (request) => {
    const principal = requirePortal(request, "owner");
    const requests = await listRequests(deps.store.pool, { accountId: principal.accountId });
    return { requests: requests.map(requestView) };
  });

  app.post("/api/data/requests", async (request, reply) => {
    const principal = requirePortal(request, "owner");
    const body = bodyOf(request, ["kind", "details"]);
    if (!isRequestKind(body.kind))
      throw badInput(`Choose the request's kind: ${REQUEST_KINDS.join(", ")}.`, "kind");
    const kind = body.kind;
    const details = stringField(body, "details", 2000) ?? "";
    const filed = await auditedChange(
      deps,
      principal,
      {
        action: "data_request.file",
        target: (r: DataSubjectRequest) => `account:${principal.accountId}/request:${r.id}`,
        reason: kind,
      },
      async (db) => {
        const filedRequest = await fileRequest(
          db,
          { accountId: principal.accountId, kind, requestedBy: principal.userId, details },
          deps.now(),
        );
        if (kind === "erasure") await revokeAllKeysOf(db, principal.accountId);
        return filedRequest;
      },
    ).catch((error) => {
      // A second open request of a kind is the store's conflict, naming the first one's dates.
      throw fromStore(error, "account", "details");
    });
    reply.code(201);
    return { request: requestView(filed), message: FILED[kind] };
  });
}
