// A user's own sessions: list them (the current one marked), end one, or end them all.
import type { FastifyInstance } from "fastify";
import { endPortalSession, endPortalSessionsOf, listPortalSessions } from "../store/portal-sessions.js";
import { auditCustomer, notFound, requirePortal } from "./context.js";
import type { PortalServices } from "./server.js";

export function sessionRoutes(app: FastifyInstance, s: PortalServices): void {
  const db = s.store.pool;

  app.get("/api/sessions", async (request) => {
    const principal = requirePortal(request);
    const sessions = await listPortalSessions(db, principal.userId, s.now(), s.sessions.settings.idleMs);
    return {
      sessions: sessions.map((session) => ({
        id: session.id,
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        expiresAt: new Date(
          Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + s.sessions.settings.idleMs),
        ).toISOString(),
        ip: session.ip,
        userAgent: session.userAgent,
        current: session.id === principal.sessionId,
      })),
    };
  });

  app.delete<{ Params: { id: string } }>("/api/sessions/:id", async (request, reply) => {
    const principal = requirePortal(request);
    const ended = await endPortalSession(db, principal.userId, request.params.id, s.now());
    if (!ended) throw notFound("session");
    await auditCustomer(s, principal, { action: "session.end", target: request.params.id });
    return reply.code(204).send();
  });

  app.post("/api/sessions/logout-all", async (request, reply) => {
    const principal = requirePortal(request);
    const ended = await endPortalSessionsOf(db, principal.userId, s.now());
    await auditCustomer(s, principal, {
      action: "session.logout-all",
      target: principal.userId,
      reason: `${ended} sessions ended`,
    });
    request.portal = undefined;
    s.sessions.clearSessionCookie(request, reply);
    return { csrfToken: s.sessions.csrfToken(request, reply) };
  });
}
