import type { Role } from "../domain/roles.js";
import { type Db, isPgError, randomId, StoreError, transaction, UNIQUE_VIOLATION } from "./db.js";
import { getModelVersion } from "./models.js";

/** The channel rollouts' triggers notify on (migrations/0011_rollouts.sql). */
export const ROLLOUTS_CHANNEL = "entrim_rollouts";

export const ROLLOUT_STATES = [
  "running",
  "paused",
  "completed",
  "aborting",
  "aborted",
  "rolling_back",
  "rolled_back",
  "failed",
] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
/** States the leader has work in; the others wait for an operator or are final. */
export const DRIVEN_STATES: readonly RolloutState[] = ["running", "aborting", "rolling_back"];
/** Not ended: what an operator may still act on (a paused rollout waits for a person). */
export const OPEN_STATES: readonly RolloutState[] = [...DRIVEN_STATES, "paused"];
export const FINAL_STATES: readonly RolloutState[] = ["completed", "aborted", "rolled_back", "failed"];

export const ROLLOUT_NODE_STATES = [
  "pending",
  "rotating",
  "verifying",
  "done",
  "failed",
  "reverting",
  "rolled_back",
] as const;
export type RolloutNodeState = (typeof ROLLOUT_NODE_STATES)[number];

export interface RolloutTargets {
  /** Node names; empty with empty regions means every node serving the model. */
  nodes: string[];
  regions: string[];
  /** Registry labels a node must all have (nodes.labels). */
  labels: Record<string, string>;
}

export interface RolloutGates {
  /** Highest share of the new version's generations that may fail, 0..1. */
  maxErrorRate: number;
  /** Highest p95 generation latency of the new version, in ms. */
  maxP95Ms: number;
  /** How long every node of a batch must stay within bounds before the next batch. */
  windowSeconds: number;
}

/** What a node reports of the version it serves, over the gate window (see rollouts/version-health.ts). */
export interface VersionHealth {
  version: string;
  requests: number;
  errors: number;
  p95Ms: number;
  windowSeconds: number;
  /** Epoch ms of the measurement. */
  at: number;
}

/** The last rotation event of a node's model (serving/rotation.ts RotationEvent). */
export interface RotationProgress {
  step: string;
  state: string;
  message: string;
  at: number;
  version: string;
}

export interface RolloutNode {
  node: string;
  batch: number;
  fromVersion: string;
  state: RolloutNodeState;
  message: string;
  updatedAt: Date;
  /** From node_models: what the node serves now and its last rotation event and health report. */
  liveVersion: string | null;
  progress: RotationProgress | null;
  health: VersionHealth | null;
}

export interface Rollout {
  id: string;
  model: string;
  toVersion: string;
  targets: RolloutTargets;
  batchSize: number;
  pauseSeconds: number;
  gates: RolloutGates;
  state: RolloutState;
  reason: string;
  currentBatch: number;
  batches: number;
  gateStartedAt: Date | null;
  batchDoneAt: Date | null;
  createdBy: string;
  createdRole: Role;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** By batch, then node name. */
  nodes: RolloutNode[];
}

export interface NewRollout {
  model: string;
  toVersion: string;
  targets?: Partial<RolloutTargets> | undefined;
  batchSize: number;
  pauseSeconds: number;
  gates: RolloutGates;
  createdBy: string;
  createdRole: Role;
  /** Nodes whose heartbeat is older than this are left out (they could not rotate); default 60 s. */
  staleAfterMs?: number | undefined;
}

const COLUMNS = `id, model, to_version, targets, batch_size, pause_seconds, gates, state, reason, current_batch,
  batches, gate_started_at, batch_done_at, created_by, created_role, created_at, updated_at, finished_at`;

function checkInput(input: NewRollout): void {
  const { batchSize, pauseSeconds, gates } = input;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new StoreError("invalid", `The batch size is 1 to 10000 nodes (got ${batchSize}).`);
  if (!Number.isInteger(pauseSeconds) || pauseSeconds < 0 || pauseSeconds > 86_400)
    throw new StoreError("invalid", `The pause is 0 to 86400 seconds (got ${pauseSeconds}).`);
  if (!(gates.maxErrorRate >= 0 && gates.maxErrorRate <= 1))
    throw new StoreError("invalid", `max_error_rate is a share from 0 to 1 (got ${gates.maxErrorRate}).`);
  if (!(gates.maxP95Ms > 0))
    throw new StoreError("invalid", `max_p95_ms must be above 0 (got ${gates.maxP95Ms}).`);
  if (!Number.isInteger(gates.windowSeconds) || gates.windowSeconds < 1 || gates.windowSeconds > 3600)
    throw new StoreError("invalid", `window_seconds is 1 to 3600 (got ${gates.windowSeconds}).`);
}

/**
 * Records a rollout and its plan: the target nodes (serving the model, heartbeat fresh, matching the
 * targets) in batches by name, each with the version it serves now (where abort and roll back return
 * it). Refuses a second active rollout of the same model.
 */
export async function createRollout(db: Db, input: NewRollout): Promise<Rollout> {
  checkInput(input);
  if (!(await getModelVersion(db, input.model, input.toVersion)))
    throw new StoreError(
      "not_found",
      `Model ${input.model} has no version ${input.toVersion} in the catalogue.`,
    );
  const targets: RolloutTargets = {
    nodes: input.targets?.nodes ?? [],
    regions: input.targets?.regions ?? [],
    labels: input.targets?.labels ?? {},
  };
  const id = randomId("ro");
  try {
    await transaction(db, async (tx) => {
      const candidates = await tx.query(
        `SELECT n.name, n.region, n.labels, m.live_version,
                n.state <> 'stopped' AND n.heartbeat_at > now() - make_interval(secs => $2) AS alive
         FROM nodes n JOIN node_models m ON m.node = n.name AND m.model = $1 ORDER BY n.name`,
        [input.model, (input.staleAfterMs ?? 60_000) / 1000],
      );
      type Row = {
        name: string;
        region: string;
        labels: Record<string, unknown>;
        live_version: string | null;
        alive: boolean;
      };
      const rows = candidates.rows as Row[];
      for (const name of targets.nodes) {
        const row = rows.find((r) => r.name === name);
        if (!row) throw new StoreError("not_found", `Node ${name} does not serve model ${input.model}.`);
        if (!row.alive) throw new StoreError("invalid", `Node ${name} is down or stopped; it cannot rotate.`);
      }
      const chosen = rows.filter(
        (r) =>
          r.alive &&
          (targets.nodes.length === 0 || targets.nodes.includes(r.name)) &&
          (targets.regions.length === 0 || targets.regions.includes(r.region)) &&
          Object.entries(targets.labels).every(([k, v]) => r.labels?.[k] === v),
      );
      if (chosen.length === 0)
        throw new StoreError("invalid", `No live node serving ${input.model} matches the targets.`);
      const unknown = chosen.filter((r) => r.live_version === null).map((r) => r.name);
      if (unknown.length > 0)
        throw new StoreError(
          "invalid",
          `${unknown.join(", ")} serve ${input.model} without a catalogue version on record, so there would be nothing to roll back to.`,
        );
      const batches = Math.ceil(chosen.length / input.batchSize);
      await tx.query(
        `INSERT INTO rollouts (id, model, to_version, targets, batch_size, pause_seconds, gates, state, batches,
           created_by, created_role) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10)`,
        [
          id,
          input.model,
          input.toVersion,
          JSON.stringify(targets),
          input.batchSize,
          input.pauseSeconds,
          JSON.stringify(input.gates),
          batches,
          input.createdBy,
          input.createdRole,
        ],
      );
      for (const [i, row] of chosen.entries())
        await tx.query(
          `INSERT INTO rollout_nodes (rollout, node, batch, from_version, state) VALUES ($1, $2, $3, $4, 'pending')`,
          [id, row.name, Math.floor(i / input.batchSize), row.live_version],
        );
    });
  } catch (error) {
    if (isPgError(error, UNIQUE_VIOLATION))
      throw new StoreError(
        "conflict",
        `Model ${input.model} already has a rollout in progress; finish, abort or roll it back first.`,
      );
    throw error;
  }
  return (await getRollout(db, id))!;
}

export async function getRollout(db: Db, id: string): Promise<Rollout | undefined> {
  const result = await db.query(`SELECT ${COLUMNS} FROM rollouts WHERE id = $1`, [id]);
  if (!result.rows[0]) return undefined;
  const rollout = toRollout(result.rows[0]);
  const nodes = await db.query(
    `SELECT r.node, r.batch, r.from_version, r.state, r.message, r.updated_at, m.live_version, m.progress, m.health
     FROM rollout_nodes r LEFT JOIN node_models m ON m.node = r.node AND m.model = $2
     WHERE r.rollout = $1 ORDER BY r.batch, r.node`,
    [id, rollout.model],
  );
  rollout.nodes = nodes.rows.map((row) => ({
    node: row.node,
    batch: row.batch,
    fromVersion: row.from_version,
    state: row.state,
    message: row.message,
    updatedAt: row.updated_at,
    liveVersion: row.live_version ?? null,
    progress: row.progress ?? null,
    health: row.health ?? null,
  }));
  return rollout;
}

/** Newest first, with their nodes. */
export async function listRollouts(
  db: Db,
  filter: { model?: string | undefined; activeOnly?: boolean; limit?: number } = {},
): Promise<Rollout[]> {
  const result = await db.query(
    `SELECT id FROM rollouts WHERE ($1::text IS NULL OR model = $1)
       AND (NOT $2 OR state = ANY($3::text[])) ORDER BY created_at DESC LIMIT $4`,
    [filter.model ?? null, filter.activeOnly ?? false, OPEN_STATES, filter.limit ?? 100],
  );
  const out: Rollout[] = [];
  for (const row of result.rows) {
    const rollout = await getRollout(db, row.id);
    if (rollout) out.push(rollout);
  }
  return out;
}

/**
 * Moves a rollout from one of `from` to `to` with a reason; refuses (conflict) when it is in another
 * state, saying which, so an operator's pause cannot overwrite a completion that just happened.
 */
export async function transitionRollout(
  db: Db,
  id: string,
  from: readonly RolloutState[],
  to: RolloutState,
  reason: string,
  extra: { resetGate?: boolean } = {},
): Promise<Rollout> {
  const result = await db.query(
    `UPDATE rollouts SET state = $3, reason = $4, updated_at = now(),
       finished_at = CASE WHEN $3 = ANY($5::text[]) THEN now() ELSE NULL END,
       gate_started_at = CASE WHEN $6 THEN NULL ELSE gate_started_at END
     WHERE id = $1 AND state = ANY($2::text[]) RETURNING id`,
    [id, from, to, reason.slice(0, 2000), FINAL_STATES, extra.resetGate ?? false],
  );
  if (!result.rows[0]) {
    const current = await db.query("SELECT state FROM rollouts WHERE id = $1", [id]);
    if (!current.rows[0]) throw new StoreError("not_found", `There is no rollout ${id}.`);
    throw new StoreError(
      "conflict",
      `Rollout ${id} is ${current.rows[0].state}; this needs it ${from.join(" or ")}.`,
    );
  }
  return (await getRollout(db, id))!;
}

export async function setRolloutNode(
  db: Db,
  id: string,
  node: string,
  state: RolloutNodeState,
  message: string,
): Promise<void> {
  await db.query(
    `UPDATE rollout_nodes SET state = $3, message = $4, updated_at = now()
     WHERE rollout = $1 AND node = $2 AND (state <> $3 OR message <> $4)`,
    [id, node, state, message.slice(0, 2000)],
  );
}

/**
 * The version a node should serve; its reconciler rotates towards it. A failed attempt on record is
 * cleared (the node still serves its live version): a node does not retry a version that failed on its
 * own, so setting the desired version again is how a retry is asked for.
 */
export async function setDesiredVersion(db: Db, node: string, model: string, version: string): Promise<void> {
  const result = await db.query(
    `UPDATE node_models SET desired_version = $3, updated_at = now(),
       error = CASE WHEN state = 'failed' THEN NULL ELSE error END,
       staged_version = CASE WHEN state = 'failed' THEN NULL ELSE staged_version END,
       state = CASE WHEN state = 'failed' AND live_version IS NOT NULL THEN 'live' ELSE state END
     WHERE node = $1 AND model = $2 RETURNING node`,
    [node, model, version],
  );
  if (result.rowCount === 0) throw new StoreError("not_found", `Node ${node} does not serve model ${model}.`);
}

export interface NodeModelState {
  liveVersion: string | null;
  stagedVersion: string | null;
  desiredVersion: string | null;
  state: string;
  error: string | null;
}

/** One node's row of a model with the rollout columns, or undefined. */
export async function getNodeModelState(
  db: Db,
  node: string,
  model: string,
): Promise<NodeModelState | undefined> {
  const result = await db.query(
    `SELECT live_version, staged_version, desired_version, state, error FROM node_models
     WHERE node = $1 AND model = $2`,
    [node, model],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    liveVersion: row.live_version,
    stagedVersion: row.staged_version,
    desiredVersion: row.desired_version,
    state: row.state,
    error: row.error,
  };
}

/** Records a node's last rotation event and/or its health report (no-op for a missing row). */
export async function reportNodeModel(
  db: Db,
  node: string,
  model: string,
  report: { progress?: RotationProgress; health?: VersionHealth },
): Promise<void> {
  await db.query(
    `UPDATE node_models SET progress = coalesce($3::jsonb, progress), health = coalesce($4::jsonb, health)
     WHERE node = $1 AND model = $2`,
    [
      node,
      model,
      report.progress ? JSON.stringify(report.progress) : null,
      report.health ? JSON.stringify(report.health) : null,
    ],
  );
}

function toRollout(row: Record<string, unknown>): Rollout {
  return {
    id: row.id as string,
    model: row.model as string,
    toVersion: row.to_version as string,
    targets: row.targets as RolloutTargets,
    batchSize: row.batch_size as number,
    pauseSeconds: row.pause_seconds as number,
    gates: row.gates as RolloutGates,
    state: row.state as RolloutState,
    reason: row.reason as string,
    currentBatch: row.current_batch as number,
    batches: row.batches as number,
    gateStartedAt: (row.gate_started_at as Date | null) ?? null,
    batchDoneAt: (row.batch_done_at as Date | null) ?? null,
    createdBy: row.created_by as string,
    createdRole: row.created_role as Role,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
    nodes: [],
  };
}
