import type pg from "pg";
import type { AuditAction } from "../domain/audit-action.js";
import { appendAudit } from "./audit-log.js";
import type { Db } from "./db.js";

/** Appends to the hash-chained audit log in the store. */
export interface AuditRecorder {
  /**
   * Appends one entry: in its own transaction, or, given `db` (a client inside an open transaction),
   * as part of that transaction, so the entry commits or rolls back with the change made there.
   */
  record(action: AuditAction, db?: Db): Promise<void>;
}

/**
 * Records actions in the cluster store's audit log, stamped with this agent's node name. A record is
 * its own short transaction under the cluster-wide append lock, or joins the caller's transaction when
 * given one (auditedChange), so a change and its entry commit together. A failure propagates: the call
 * fails rather than letting an untraceable action through.
 */
export class StoreAuditRecorder implements AuditRecorder {
  constructor(
    private readonly store: { pool: pg.Pool },
    private readonly node: string,
    /** The audit key (auditCheckpointKey of the cluster pepper) the chain is MACed with. */
    private readonly key: Buffer,
  ) {}

  async record(action: AuditAction, db?: Db): Promise<void> {
    await appendAudit(db ?? this.store.pool, this.node, action, this.key);
  }
}

/** A leader job's recorder and the name it acts under in the audit log (agent:<node>). */
export interface AgentAudit {
  recorder: AuditRecorder;
  operator: string;
}
