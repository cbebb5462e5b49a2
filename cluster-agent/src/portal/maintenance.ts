// Deletes ended and expired sessions and used or expired one-time tokens. Any agent serving the portal
// runs it; the deletes are idempotent, so agents running it at once cost a few empty statements.
import type { Logger } from "../common/log.js";
import type { Db } from "../store/db.js";
import { deleteStalePortalSessions } from "../store/portal-sessions.js";
import { deleteStalePortalTokens } from "../store/portal-tokens.js";

export interface PortalMaintenance {
  runNow(): Promise<{ sessions: number; tokens: number }>;
  stop(): Promise<void>;
}

export function startPortalMaintenance(options: {
  db: Db;
  idleMs: number;
  intervalMs: number;
  now: () => Date;
  logger: Logger;
}): PortalMaintenance {
  const runNow = async () => {
    const now = options.now();
    const sessions = await deleteStalePortalSessions(options.db, now, options.idleMs);
    const tokens = await deleteStalePortalTokens(options.db, now);
    if (sessions + tokens > 0)
      options.logger.debug({ sessions, tokens }, "portal: removed stale sessions and tokens");
    return { sessions, tokens };
  };
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = runNow().catch((error: Error) =>
      options.logger.warn({ err: { message: error.message } }, "portal maintenance failed; retrying later"),
    );
  }, options.intervalMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
