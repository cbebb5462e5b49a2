import type { Role } from "./roles.js";

/** One state-changing action, as the audit log keeps it (the chain adds time, node and hashes). */
export interface AuditAction {
  /** Operator name from the client certificate, "cli:<user>@<host>", or a portal user's id (usr_…). */
  operator: string;
  /** An operator's certificate role, or "customer" for a portal user acting on their own account. */
  role: Role | "customer";
  source: "grpc" | "cli" | "portal" | "agent";
  /** Dotted verb, e.g. "node.drain", "suspension.create", "key.revoke". */
  action: string;
  /** What it acted on, e.g. "node:gpu-01", "account:acc_123". */
  target: string;
  /** The operator's stated reason ("" when the command takes none). */
  reason: string;
  /** "ok", "started" (written before an effect outside the store), or "error: <message>". */
  result: string;
}
