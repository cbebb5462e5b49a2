// The terms and privacy versions in the portal: which ones are in force (the session tells the app,
// sign-up and invitations must accept them), which ones the account has not accepted yet (the Shell's
// banner), and accepting one. Any role may accept: every user agrees to the contract they use.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiError } from "../common/errors.js";
import type { PortalConfig } from "../config/portal.js";
import { type Db, transaction } from "../store/db.js";
import {
  acceptableVersion,
  currentLegalVersions,
  isLegalDocument,
  LEGAL_DOCUMENTS,
  pendingLegal,
  recordAcceptance,
} from "../store/legal-documents.js";
import { parseBody } from "./body.js";
import { auditCustomer, requirePortal } from "./context.js";
import type { PortalServices } from "./server.js";

const acceptBody = z.object({ document: z.string().max(64), version: z.string().max(64) }).strict();

/** GET /api/session's `legal`: the versions in force, and for a logged-in user what is left to accept. */
export async function legalView(db: Db, config: PortalConfig, accountId: string | undefined, now: Date) {
  const current = await currentLegalVersions(db, config.legal, now);
  const pending = accountId ? await pendingLegal(db, accountId, config.legal, now) : [];
  return {
    termsVersion: current.terms.version,
    privacyVersion: current.privacy.version,
    termsUrl: current.terms.url,
    privacyUrl: current.privacy.url,
    pending: pending.map((p) => ({
      document: p.document,
      version: p.version,
      effectiveAt: p.effectiveAt?.toISOString() ?? null,
      url: p.url,
      upcoming: p.upcoming,
    })),
  };
}

export function legalRoutes(app: FastifyInstance, s: PortalServices): void {
  const db = s.store.pool;

  app.post("/api/legal/accept", async (request) => {
    const principal = requirePortal(request);
    const body = parseBody(acceptBody, request.body);
    if (!isLegalDocument(body.document))
      throw new ApiError(
        400,
        "invalid_request_error",
        `The field "document" must be one of ${LEGAL_DOCUMENTS.join(", ")}.`,
        "document",
        "invalid_request",
      );
    const document = body.document;
    const now = s.now();
    if (!(await acceptableVersion(db, document, body.version, s.config.legal, now)))
      throw new ApiError(
        404,
        "invalid_request_error",
        `Version ${body.version.slice(0, 64)} of the ${document === "terms" ? "terms of service" : "privacy policy"} is not the current or an upcoming one: reload the page and accept the version it shows.`,
        "version",
        "not_found",
      );
    await transaction(db, async (tx) => {
      const already = await tx.query(
        "SELECT 1 FROM terms_acceptances WHERE user_id = $1 AND document = $2 AND version = $3",
        [principal.userId, document, body.version],
      );
      if (already.rows.length > 0) return;
      await recordAcceptance(tx, {
        accountId: principal.accountId,
        userId: principal.userId,
        document,
        version: body.version,
        now,
      });
      await auditCustomer(
        s,
        principal,
        { action: "legal.accept", target: `legal:${document}`, reason: `version ${body.version}` },
        tx,
      );
    });
    return { legal: await legalView(db, s.config, principal.accountId, now) };
  });
}
