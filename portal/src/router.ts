// The portal's routes and their matching: a handful of fixed paths and one parameter (an invoice id),
// so a table and a regular expression each instead of a router library.

export type RouteName =
  | "login"
  | "signup"
  | "verifyEmail"
  | "forgotPassword"
  | "resetPassword"
  | "acceptInvite"
  | "keys"
  | "usage"
  | "invoices"
  | "invoice"
  | "notices"
  | "models"
  | "team"
  | "account"
  | "security"
  | "notFound";

export interface Route {
  name: RouteName;
  params: Record<string, string>;
  /** Needs a session; the others are reachable signed out. */
  private: boolean;
}

const PUBLIC: Record<string, RouteName> = {
  "/login": "login",
  "/signup": "signup",
  "/verify-email": "verifyEmail",
  "/forgot-password": "forgotPassword",
  "/reset-password": "resetPassword",
  "/accept-invite": "acceptInvite",
};

const PRIVATE: Record<string, RouteName> = {
  "/keys": "keys",
  "/usage": "usage",
  "/invoices": "invoices",
  "/notices": "notices",
  "/models": "models",
  "/team": "team",
  "/account": "account",
  "/security": "security",
};

export function matchRoute(pathname: string): Route {
  // A trailing slash is the same page: "/keys/" is "/keys".
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const publicName = PUBLIC[path];
  if (publicName) return { name: publicName, params: {}, private: false };
  const privateName = PRIVATE[path];
  if (privateName) return { name: privateName, params: {}, private: true };
  const invoice = /^\/invoices\/([^/]+)$/.exec(path);
  if (invoice) {
    let id: string;
    try {
      id = decodeURIComponent(invoice[1]!);
    } catch {
      return { name: "notFound", params: {}, private: true };
    }
    return { name: "invoice", params: { id }, private: true };
  }
  return { name: "notFound", params: {}, private: true };
}

/**
 * Where to go after logging in: only a path of this site ("/usage?month=2026-11"), never another
 * origin ("//evil.example", "https://…"), so a crafted login link cannot send a customer elsewhere.
 */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (!matchRoute(next.split(/[?#]/)[0]!).private) return fallback;
  return next;
}

/** The login page that comes back to `here` afterwards. */
export function loginPath(here: string): string {
  const next = safeNext(here, "");
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}
