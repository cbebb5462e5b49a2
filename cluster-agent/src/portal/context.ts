// What every portal route stands on: who the session belongs to, the role checks, and the audit entry
// of a customer's change. The portal is the customer's side: nothing here reaches the control plane's
// privileged code, and every query a route makes is scoped by `request.portal.accountId`.
import type { FastifyRequest } from "fastify";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import type { BillingConfig } from "../config/billing.js";
import type { AuditRecorder } from "../store/audit-recorder.js";
import type { Db } from "../store/db.js";
import type { Store } from "../store/store.js";
import type { PaymentsDeps } from "./payment-routes.js";

export const CUSTOMER_ROLES = ["owner", "developer", "billing"] as const;
export type CustomerRole = (typeof CUSTOMER_ROLES)[number];

export function isCustomerRole(value: unknown): value is CustomerRole {
  return typeof value === "string" && (CUSTOMER_ROLES as readonly string[]).includes(value);
}

/** The logged-in portal user of a request, set by the session hook before any route runs. */
export interface PortalPrincipal {
  userId: string;
  accountId: string;
  role: CustomerRole;
  sessionId: string;
}

declare module "fastify" {
  interface FastifyRequest {
    portal?: PortalPrincipal;
  }
}

/** What the portal's routes are given by the server that mounts them. */
export interface PortalDeps {
  store: Store;
  recorder: AuditRecorder;
  /** The cluster's key pepper: API keys the portal creates are hashed with it. */
  pepper: Buffer;
  logger: Logger;
  /** This agent's node name (audit entries name the node). */
  node: string;
  /** The clock, injectable for tests of deadlines and expiries. */
  now: () => Date;
  /** Card payments through Stripe (config `stripe`); absent: payment routes answer 503. */
  payments?: PaymentsDeps | undefined;
  /** The billing section: with billing.vat.vies on, a changed VAT ID is checked in VIES at once. */
  billing?: BillingConfig | undefined;
}

/**
 * The session's principal, or a 401 when there is none; a 403 naming the roles that may, when the
 * user's role is not among `roles` (none given: every role may).
 */
export function requirePortal(request: FastifyRequest, ...roles: CustomerRole[]): PortalPrincipal {
  const principal = request.portal;
  if (!principal)
    throw new ApiError(401, "authentication_error", "Log in to continue.", null, "not_authenticated");
  if (roles.length > 0 && !roles.includes(principal.role)) {
    throw new ApiError(
      403,
      "permission_error",
      `Your role (${principal.role}) cannot do this; ask an account owner${roles.length > 1 ? ` or a member with the ${roles.filter((r) => r !== "owner").join(" or ")} role` : ""}.`,
      null,
      "forbidden_role",
    );
  }
  return principal;
}

/** A 404 in the portal's words: used alike for "does not exist" and "not yours", so ids leak nothing. */
export function notFound(what: string): ApiError {
  return new ApiError(404, "invalid_request_error", `No such ${what}.`, null, "not_found");
}

/**
 * Records a customer's change in the audit log: role "customer", source "portal", the portal user's id
 * as the actor. Given `db` (inside the change's transaction), the entry commits with the change.
 */
export function auditCustomer(
  deps: Pick<PortalDeps, "recorder">,
  principal: Pick<PortalPrincipal, "userId">,
  entry: { action: string; target: string; reason?: string },
  db?: Db,
): Promise<void> {
  return deps.recorder.record(
    {
      operator: principal.userId,
      role: "customer",
      source: "portal",
      action: entry.action,
      target: entry.target,
      reason: entry.reason ?? "",
      result: "ok",
    },
    db,
  );
}
