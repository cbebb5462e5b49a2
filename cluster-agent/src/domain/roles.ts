/** Operator roles, named in the client certificate. Each role includes everything below it. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** True when `have` may do what needs `need`. */
export function allows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** A person (or automation) identified by an operator certificate. */
export interface Operator {
  name: string;
  role: Role;
}
