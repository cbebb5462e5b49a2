// What every page reaches: the API client and the session (who is logged in, the account, the legal
// versions and the branding), with a way to replace it after logging in or out.
import { createContext, useContext } from "react";
import type { PortalApi } from "../api.js";
import type { Session } from "../types.js";

export interface Portal {
  api: PortalApi;
  session: Session;
  setSession: (session: Session) => void;
  /** Re-reads GET /api/session (after login, logout, a profile change). */
  refreshSession: () => Promise<Session>;
}

export const PortalContext = createContext<Portal | null>(null);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error("usePortal outside PortalContext");
  return portal;
}

/** The signed-in user and account; only pages behind login call it. */
export function useSignedIn() {
  const portal = usePortal();
  const { user, account } = portal.session;
  if (!user || !account) throw new Error("useSignedIn on a signed-out page");
  return { ...portal, user, account };
}
