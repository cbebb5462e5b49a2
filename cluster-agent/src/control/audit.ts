import type { AuditRecorder } from "../store/audit-recorder.js";
import type { Db } from "../store/db.js";
import { transaction } from "../store/db.js";
import type { CallContext } from "./rpc.js";

export type { AuditRecorder } from "../store/audit-recorder.js";

type Entry = { action: string; target: string; reason: string };

function base(context: CallContext, entry: Entry) {
  return {
    operator: context.operator.name,
    role: context.operator.role,
    source: "grpc" as const,
    ...entry,
  };
}

/**
 * Runs a state-changing gRPC call whose effect lies in the store: `perform` makes its change through
 * `db` (one transaction), and the "ok" entry is appended inside that same transaction. Either both
 * commit or neither does: an entry that cannot be written (a NUL byte PostgreSQL refuses, a lost
 * connection, a broken recorder) undoes the change, so no effect ever stands without its entry.
 *
 * A refused or failed call changed nothing (its transaction rolled back); it is recorded as
 * "error: <message>" in a transaction of its own, best effort: the operator's error is what they see.
 */
export async function auditedChange<T>(
  recorder: AuditRecorder,
  pool: Db,
  context: CallContext,
  entry: Entry,
  perform: (db: Db) => Promise<T>,
): Promise<T> {
  const action = base(context, entry);
  let performed = false;
  try {
    return await transaction(pool, async (db) => {
      const value = await perform(db);
      performed = true;
      await recorder.record({ ...action, result: "ok" }, db);
      return value;
    });
  } catch (error) {
    // The change rolled back with its entry; record the attempt. When the entry itself is what failed,
    // the same text would fail again, and the operator learns of it from the error below.
    if (!performed)
      await recorder.record({ ...action, result: `error: ${(error as Error).message}` }).catch(() => {});
    throw error;
  }
}

/**
 * Runs a state-changing gRPC call whose effect lies outside the store (the drain state file, timers in
 * this process): the entry is written first, as "started", and the call does nothing when it cannot be.
 * The outcome follows as a second entry, "ok" or "error: <message>". A crash between the two leaves
 * an entry for an attempt, never an effect without one.
 */
export async function auditedAction<T>(
  recorder: AuditRecorder,
  context: CallContext,
  entry: Entry,
  perform: () => Promise<T>,
): Promise<T> {
  const action = base(context, entry);
  await recorder.record({ ...action, result: "started" });
  let value: T;
  try {
    value = await perform();
  } catch (error) {
    // The operator's error says more than a second failure to write would.
    await recorder.record({ ...action, result: `error: ${(error as Error).message}` }).catch(() => {});
    throw error;
  }
  await recorder.record({ ...action, result: "ok" });
  return value;
}
