// What each role sees. The server enforces the same split (403 forbidden_role); the navigation only
// spares a developer a page of refusals.
import type { RouteName } from "./router.js";
import type { Role } from "./types.js";

export interface NavItem {
  path: string;
  label: string;
  route: RouteName;
  roles: readonly Role[];
}

const ALL: readonly Role[] = ["owner", "developer", "billing"];

export const NAV: readonly NavItem[] = [
  { path: "/keys", label: "API keys", route: "keys", roles: ["owner", "developer"] },
  { path: "/usage", label: "Usage", route: "usage", roles: ALL },
  { path: "/invoices", label: "Invoices", route: "invoices", roles: ["owner", "billing"] },
  { path: "/notices", label: "Notices", route: "notices", roles: ALL },
  { path: "/models", label: "Models & prices", route: "models", roles: ALL },
  { path: "/team", label: "Team", route: "team", roles: ["owner"] },
  { path: "/account", label: "Account", route: "account", roles: ["owner", "billing"] },
  { path: "/security", label: "Security", route: "security", roles: ALL },
];

export function navFor(role: Role): NavItem[] {
  return NAV.filter((item) => item.roles.includes(role));
}

/** Whether `role` may open `route`; an invoice's page goes with the invoice list. */
export function canOpen(role: Role, route: RouteName): boolean {
  const name = route === "invoice" ? "invoices" : route;
  const item = NAV.find((candidate) => candidate.route === name);
  return item ? item.roles.includes(role) : true;
}

/** The first page after logging in: keys for those who have them, else usage. */
export function homePath(role: Role): string {
  return navFor(role)[0]?.path ?? "/usage";
}
