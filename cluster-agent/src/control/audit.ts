import type { Role } from "./roles.js";
import type { CallContext } from "./rpc.js";

/** One state-changing action, as the audit log keeps it (the chain adds time, node and hashes). */
export interface AuditAction {
  /** Operator name from the client certificate, or "cli:<user>@<host>". */
  operator: string;
  role: Role;
  source: "grpc" | "cli";
  /** Dotted verb, e.g. "node.drain", "suspension.create", "key.revoke". */
  action: string;
  /** What it acted on, e.g. "node:gpu-01", "account:acc_123". */
  target: string;
  /** The operator's stated reason ("" when the command takes none). */
  reason: string;
  /** "ok", or "error: <message>". */
  result: string;
}

/** Appends to the hash-chained audit log in the store. */
export interface AuditRecorder {
  record(action: AuditAction): Promise<void>;
}

/**
 * Runs a state-changing gRPC call and records it with its outcome. A call whose entry cannot be
 * written fails: an action nobody can trace must not happen silently.
 */
export async function audited<T>(
  recorder: AuditRecorder,
  context: CallContext,
  entry: { action: string; target: string; reason: string },
  perform: () => Promise<T>,
): Promise<T> {
  const base = {
    operator: context.operator.name,
    role: context.operator.role,
    source: "grpc" as const,
    ...entry,
  };
  let value: T;
  try {
    value = await perform();
  } catch (error) {
    await recorder.record({ ...base, result: `error: ${(error as Error).message}` });
    throw error;
  }
  await recorder.record({ ...base, result: "ok" });
  return value;
}
