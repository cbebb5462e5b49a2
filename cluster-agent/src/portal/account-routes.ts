// The account's pages behind a session: keys, usage, invoices, notices, models and prices, profile and
// data rights. Mounted by server.ts under the hook that sets request.portal; every route asks
// requirePortal for its roles and scopes every query by the principal's account.
import type { FastifyInstance } from "fastify";
import type { PortalDeps } from "./context.js";
import { dataRightsRoutes } from "./data-rights-routes.js";
import { invoiceRoutes } from "./invoice-routes.js";
import { keysRoutes } from "./keys-routes.js";
import { modelRoutes } from "./model-routes.js";
import { noticeRoutes } from "./notice-routes.js";
import { notificationRoutes } from "./notification-routes.js";
import { profileRoutes } from "./profile-routes.js";
import { usageRoutes } from "./usage-routes.js";

export async function accountRoutes(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  for (const routes of [
    keysRoutes,
    usageRoutes,
    invoiceRoutes,
    noticeRoutes,
    notificationRoutes,
    modelRoutes,
    profileRoutes,
    dataRightsRoutes,
  ]) {
    await routes(app, deps);
  }
}
