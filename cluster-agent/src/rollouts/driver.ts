/**
 * One step of a rollout, as the leader takes it. Every step reads the stored state and moves it forward
 * as far as the nodes' reports allow, in one transaction under the rollout's row lock, with its audit
 * entries in the same transaction. Running a step twice, or on another agent after the leader died,
 * does the same thing: that is what lets any agent take over a rollout from the store alone.
 */
import type { AuditAction } from "../domain/audit-action.js";
import { appendAudit } from "../store/audit-log.js";
import { type Db, transaction } from "../store/db.js";
import {
  getRollout,
  type Rollout,
  type RolloutNode,
  type RolloutNodeState,
  type RolloutState,
  setDesiredVersion,
  setRolloutNode,
  type VersionHealth,
} from "../store/rollouts.js";

export interface DriverContext {
  /** This agent's node name, stamped on audit entries. */
  node: string;
  /** The audit chain's key (auditCheckpointKey of the pepper). */
  auditKey: Buffer;
  /** A node that reports nothing for this long while rotating or reverting has failed (default 10 min). */
  rotationTimeoutMs?: number;
  /** A gate that gets no fresh health report for this long beyond its window fails (default 15 s). */
  healthGraceMs?: number;
  now?: () => number;
}

interface NodeModelRow {
  live: string | null;
  staged: string | null;
  desired: string | null;
  state: string;
  error: string | null;
  health: VersionHealth | null;
}

class Step {
  constructor(
    readonly tx: Db,
    readonly r: Rollout,
    readonly ctx: DriverContext,
    readonly now: number,
  ) {}

  async audit(action: string, reason: string, result = "ok"): Promise<void> {
    const entry: AuditAction = {
      operator: this.r.createdBy,
      role: this.r.createdRole,
      source: "grpc",
      action: `rollout.${action}`,
      target: `rollout:${this.r.id}`,
      reason,
      result,
    };
    await appendAudit(this.tx, this.ctx.node, entry, this.ctx.auditKey);
  }

  async nodeModel(node: string): Promise<NodeModelRow | undefined> {
    const result = await this.tx.query(
      `SELECT live_version, staged_version, desired_version, state, error, health
       FROM node_models WHERE node = $1 AND model = $2`,
      [node, this.r.model],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      live: row.live_version,
      staged: row.staged_version,
      desired: row.desired_version,
      state: row.state,
      error: row.error,
      health: row.health,
    };
  }

  async setNode(n: RolloutNode, state: RolloutNodeState, message: string): Promise<void> {
    await setRolloutNode(this.tx, this.r.id, n.node, state, message);
    n.state = state;
    n.message = message;
    n.updatedAt = new Date(this.now);
  }

  async setRollout(fields: Record<string, unknown>): Promise<void> {
    const names = Object.keys(fields);
    const sets = names.map((name, i) => `${name} = $${i + 2}`);
    await this.tx.query(`UPDATE rollouts SET ${sets.join(", ")}, updated_at = now() WHERE id = $1`, [
      this.r.id,
      ...names.map((name) => fields[name]),
    ]);
  }

  async finish(state: RolloutState, reason: string): Promise<void> {
    await this.setRollout({ state, reason, finished_at: new Date(this.now) });
    this.r.state = state;
  }

  stale(n: RolloutNode): boolean {
    return this.now - n.updatedAt.getTime() > (this.ctx.rotationTimeoutMs ?? 600_000);
  }
}

/** Advances one rollout; returns its state afterwards (undefined when it does not exist). */
export async function advanceRollout(
  db: Db,
  id: string,
  ctx: DriverContext,
): Promise<RolloutState | undefined> {
  return transaction(db, async (tx) => {
    // The row lock makes a second would-be leader (one that has not noticed losing the lock) wait
    // and then see this step's result instead of repeating it.
    const locked = await tx.query("SELECT state FROM rollouts WHERE id = $1 FOR UPDATE", [id]);
    if (!locked.rows[0]) return undefined;
    const r = (await getRollout(tx, id))!;
    const step = new Step(tx, r, ctx, (ctx.now ?? Date.now)());
    if (r.state === "running") await run(step);
    else if (r.state === "aborting" || r.state === "rolling_back") await revert(step);
    return r.state;
  });
}

async function run(s: Step): Promise<void> {
  const { r } = s;
  const batch = r.nodes.filter((n) => n.batch === r.currentBatch);
  const failures: string[] = [];
  for (const n of batch) {
    const nm = await s.nodeModel(n.node);
    if (n.state === "pending") {
      await setDesiredVersion(s.tx, n.node, r.model, r.toVersion);
      await s.setNode(n, "rotating", `rotating to ${r.toVersion}`);
      await s.audit("node.rotate", `batch ${r.currentBatch + 1}/${r.batches}: ${n.node} to ${r.toVersion}`);
    } else if (n.state === "rotating") {
      if (nm?.live === r.toVersion && nm.state === "live") {
        await s.setNode(n, "verifying", `serves ${r.toVersion}; holding the health gates`);
      } else if (nm?.state === "failed" && nm.staged === r.toVersion) {
        await s.setNode(n, "failed", nm.error ?? "rotation failed");
      } else if (!nm || s.stale(n)) {
        await s.setNode(n, "failed", nm ? "no rotation report within the rotation timeout" : "node left");
      }
    } else if (n.state === "verifying" && nm?.live !== r.toVersion) {
      await s.setNode(n, "failed", `serves ${nm?.live ?? "nothing"} instead of ${r.toVersion}`);
    }
    if (n.state === "failed") {
      failures.push(`${n.node}: ${n.message}`);
      // The node serves its previous version again; pointing it there stops it retrying on its own.
      // Resume points it at the new version again.
      if (nm && nm.desired !== n.fromVersion) await setDesiredVersion(s.tx, n.node, r.model, n.fromVersion);
    }
  }
  if (failures.length > 0) return pause(s, `node failed: ${failures.join("; ")}`);
  if (!batch.every((n) => n.state === "verifying" || n.state === "done")) return;

  if (batch.some((n) => n.state === "verifying")) {
    if (r.gateStartedAt === null) {
      await s.setRollout({ gate_started_at: new Date(s.now) });
      return;
    }
    const verdict = await gates(s, batch);
    if (verdict.failed) return pause(s, verdict.failed);
    if (!verdict.held) return;
    for (const n of batch)
      if (n.state === "verifying") await s.setNode(n, "done", `gates held: ${verdict.summary.get(n.node)}`);
    await s.setRollout({ batch_done_at: new Date(s.now) });
    await s.audit("batch.done", `batch ${r.currentBatch + 1}/${r.batches} passed its gates`);
    return;
  }
  // Every node of the batch is done.
  if (r.currentBatch + 1 >= r.batches) {
    await s.finish("completed", `every node serves ${r.toVersion}`);
    await s.audit("complete", `${r.nodes.length} nodes serve ${r.model} ${r.toVersion}`);
    return;
  }
  const doneAt = r.batchDoneAt?.getTime() ?? s.now;
  if (s.now - doneAt < r.pauseSeconds * 1000) return;
  await s.setRollout({ current_batch: r.currentBatch + 1, gate_started_at: null, batch_done_at: null });
  await s.audit("batch.start", `batch ${r.currentBatch + 2}/${r.batches}`);
}

/** Health gates of the verifying nodes: failed (why), held (the whole window passed), or neither yet. */
async function gates(
  s: Step,
  batch: RolloutNode[],
): Promise<{ failed?: string; held: boolean; summary: Map<string, string> }> {
  const { gates: g, toVersion } = s.r;
  const windowStart = s.r.gateStartedAt!.getTime();
  const windowEnd = windowStart + g.windowSeconds * 1000;
  const summary = new Map<string, string>();
  let held = s.now >= windowEnd;
  for (const n of batch) {
    if (n.state !== "verifying") continue;
    const h = (await s.nodeModel(n.node))?.health;
    const fresh = h && h.version === toVersion && h.at >= windowStart;
    if (fresh) {
      const rate = h.requests > 0 ? h.errors / h.requests : 0;
      const numbers = `${h.requests} requests, error rate ${rate.toFixed(3)}, p95 ${Math.round(h.p95Ms)} ms`;
      summary.set(n.node, numbers);
      if (rate > g.maxErrorRate)
        return {
          failed: `gate on ${n.node}: error rate ${rate.toFixed(3)} > ${g.maxErrorRate} (${numbers})`,
          held,
          summary,
        };
      if (h.p95Ms > g.maxP95Ms)
        return {
          failed: `gate on ${n.node}: p95 ${Math.round(h.p95Ms)} ms > ${g.maxP95Ms} ms (${numbers})`,
          held,
          summary,
        };
    }
    // The window holds once a report taken after its end has covered it.
    if (!fresh || h.at < windowEnd) held = false;
    if (s.now > windowEnd + (s.ctx.healthGraceMs ?? 15_000) && (!fresh || h.at < windowEnd))
      return {
        failed: `gate on ${n.node}: no health report of ${toVersion} for the gate window`,
        held,
        summary,
      };
  }
  return { held, summary };
}

async function pause(s: Step, reason: string): Promise<void> {
  await s.setRollout({ state: "paused", reason: reason.slice(0, 2000) });
  s.r.state = "paused";
  await s.audit("pause", reason);
}

/**
 * Abort and roll back both return every node the rollout touched to its previous version: an operator
 * who stops a rollout wants the fleet as it was, not half of it on a version they no longer trust.
 * They differ in who may ask and when (abort: operator, while running or paused; roll back: admin,
 * also after completion) and in the end state they record.
 */
async function revert(s: Step): Promise<void> {
  const { r } = s;
  const aborting = r.state === "aborting";
  const touched = r.nodes.filter((n) => n.state !== "pending" && n.state !== "rolled_back");
  const stuck: string[] = [];
  for (const n of touched) {
    const nm = await s.nodeModel(n.node);
    if (n.state !== "reverting") {
      await setDesiredVersion(s.tx, n.node, r.model, n.fromVersion);
      await s.setNode(n, "reverting", `returning to ${n.fromVersion}`);
      await s.audit("node.revert", `${n.node} to ${n.fromVersion}`);
    } else if (nm?.live === n.fromVersion && nm.desired === n.fromVersion && nm.state === "live") {
      await s.setNode(n, "rolled_back", `serves ${n.fromVersion} again`);
    } else if (nm?.state === "failed" && nm.staged === n.fromVersion) {
      stuck.push(`${n.node}: ${nm.error ?? "rotation failed"}`);
    } else if (!nm || s.stale(n)) {
      stuck.push(`${n.node}: no report within the rotation timeout`);
    }
  }
  if (stuck.length > 0) {
    await s.finish("failed", `could not return every node: ${stuck.join("; ")}`);
    await s.audit(aborting ? "abort" : "rollback", r.reason, `error: ${stuck.join("; ")}`);
    return;
  }
  if (touched.some((n) => n.state !== "rolled_back")) return;
  await s.finish(aborting ? "aborted" : "rolled_back", r.reason);
  await s.audit(aborting ? "aborted" : "rolled_back", r.reason);
}
