import { type Db, StoreError } from "./db.js";

export const NODE_STATES = ["starting", "ready", "draining", "drained", "stopping", "stopped"] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** A model as a node advertises it; other fields (version, state) may follow. */
export interface NodeModel {
  id: string;
  [field: string]: unknown;
}

export interface NodeRecord {
  name: string;
  region: string;
  addresses: string[];
  version: string;
  models: NodeModel[];
  state: NodeState;
  startedAt: Date;
  heartbeatAt: Date;
}

export interface NodeRegistration {
  name: string;
  region: string;
  addresses: string[];
  version: string;
  models?: NodeModel[];
  state?: NodeState;
  startedAt?: Date;
}

const COLUMNS = "name, region, addresses, version, models, state, started_at, heartbeat_at";

/** Called at agent start: a restarted node replaces its previous registration. */
export async function upsertNode(db: Db, node: NodeRegistration): Promise<NodeRecord> {
  const result = await db.query(
    `INSERT INTO nodes (name, region, addresses, version, models, state, started_at, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (name) DO UPDATE SET region = EXCLUDED.region, addresses = EXCLUDED.addresses,
       version = EXCLUDED.version, models = EXCLUDED.models, state = EXCLUDED.state,
       started_at = EXCLUDED.started_at, heartbeat_at = now()
     RETURNING ${COLUMNS}`,
    [
      node.name,
      node.region,
      // jsonb parameters must be JSON text: pg would otherwise send a JS array as a PostgreSQL array.
      JSON.stringify(node.addresses),
      node.version,
      JSON.stringify(node.models ?? []),
      node.state ?? "starting",
      node.startedAt ?? new Date(),
    ],
  );
  return toNode(result.rows[0]);
}

/** Refreshes heartbeat_at (and the state/models when given). Fails if the node never registered. */
export async function heartbeat(
  db: Db,
  name: string,
  update: { state?: NodeState; models?: NodeModel[] } = {},
): Promise<NodeRecord> {
  const result = await db.query(
    `UPDATE nodes SET heartbeat_at = now(), state = coalesce($2, state), models = coalesce($3::jsonb, models)
     WHERE name = $1 RETURNING ${COLUMNS}`,
    [name, update.state ?? null, update.models ? JSON.stringify(update.models) : null],
  );
  if (!result.rows[0]) throw new StoreError("not_found", `Node ${name} is not registered.`);
  return toNode(result.rows[0]);
}

export async function listNodes(db: Db): Promise<NodeRecord[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM nodes ORDER BY name`);
  return result.rows.map(toNode);
}

function toNode(row: Record<string, unknown>): NodeRecord {
  return {
    name: row.name as string,
    region: row.region as string,
    addresses: row.addresses as string[],
    version: row.version as string,
    models: row.models as NodeModel[],
    state: row.state as NodeState,
    startedAt: row.started_at as Date,
    heartbeatAt: row.heartbeat_at as Date,
  };
}
