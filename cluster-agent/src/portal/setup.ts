// Starts the portal on an agent: the server on its own listener and the clean-up of stale sessions and
// tokens. The agent calls it when portal.listen is set, after the store and admission are up.
import type { Admission } from "../admission/setup.js";
import type { AgentConfig } from "../config/schema.js";
import type { PortalDeps } from "./context.js";
import { startPortalMaintenance } from "./maintenance.js";
import { type AddressGuard, startPortalServer } from "./server.js";

/** Failed logins count like wrong API keys; a blocked address is refused like on the API. */
export function admissionGuard(
  admission: Pick<Admission, "suspensions" | "ipBlocker"> & {
    security?: Pick<Admission["security"], "record">;
  },
): AddressGuard {
  return {
    check: (ip) => {
      admission.suspensions.checkIp(ip);
      admission.ipBlocker?.checkIp(ip);
    },
    failed: (ip, code, accountId) => {
      // Security events, not audit entries: metadata only (address, account, code), never the email.
      admission.security?.record({
        kind: code === "throttled" ? "rate_limited" : "auth_failure",
        ip,
        accountId: accountId ?? null,
        code,
        detail: { route: "/api/login", status: code === "throttled" ? 429 : 401 },
      });
      if (code !== "throttled") admission.ipBlocker?.onAuthFailure(ip, "unknown");
    },
  };
}

export async function startPortal(
  config: AgentConfig,
  deps: PortalDeps,
  admission: Pick<Admission, "suspensions" | "ipBlocker" | "security">,
): Promise<{ url: string; publicUrl: string; stop(): Promise<void> }> {
  const maintenance = startPortalMaintenance({
    db: deps.store.pool,
    idleMs: config.portal.session.idleMinutes * 60_000,
    intervalMs: 15 * 60_000,
    now: deps.now,
    logger: deps.logger,
  });
  try {
    await maintenance.runNow();
    const server = await startPortalServer({
      ...deps,
      config: config.portal,
      trustedProxies: config.api.trustedProxies,
      forwardedHeader: config.api.forwardedHeader,
      requestTimeoutMs: config.api.requestTimeoutMs,
      guard: admissionGuard(admission),
    });
    deps.logger.info({ portal: server.url, publicUrl: server.publicUrl }, "customer portal listening");
    return {
      url: server.url,
      publicUrl: server.publicUrl,
      stop: async () => {
        await server.close();
        await maintenance.stop();
      },
    };
  } catch (error) {
    await maintenance.stop();
    throw error;
  }
}
