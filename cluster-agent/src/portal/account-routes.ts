// The account's pages behind a session: keys, usage, invoices, notices, models and prices, profile and
// data rights. (Filled in by the account-routes work; mounted by server.ts under /api.)
import type { FastifyInstance } from "fastify";
import type { PortalDeps } from "./context.js";

export async function accountRoutes(_app: FastifyInstance, _deps: PortalDeps): Promise<void> {}
