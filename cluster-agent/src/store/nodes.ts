import { type Db, StoreError } from "./db.js";

export const NODE_STATES = [
  "starting",
  "ready",
  "draining",
  "drained",
  "stopping",
  "stopped",
  // Configured outside node.allowedRegions: refuses public traffic, still answers the control plane.
  "refusing",
  // Serving, but something needs an operator.
  "degraded",
] as const;
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
  /** gRPC control address (host:port); "" without a control listener. */
  controlAddress: string;
  /** Prometheus address (host:port); "" when disabled. */
  metricsAddress: string;
  /** Why the node is not serving, in words an operator can act on; "" when serving. */
  stateReason: string;
  /** The operator's drain while draining or drained; null when serving. */
  drain: NodeDrain | null;
  labels: Record<string, string>;
  /** Where the node shares verified artifacts with peers (https, mTLS); "" when it does not. */
  artifactUrl: string;
}

/** A drain as the registry keeps it (times are epoch milliseconds). */
export interface NodeDrain {
  by: string;
  reason: string;
  requestedAt: number;
  deadlineAt: number;
}

/** What the registry shows about a node's control state; each field is kept when not given. */
export interface NodeControlUpdate {
  state?: NodeState;
  stateReason?: string;
  /** null clears it (undrained). */
  drain?: NodeDrain | null;
  controlAddress?: string;
  metricsAddress?: string;
  labels?: Record<string, string>;
}

export interface NodeRegistration {
  name: string;
  region: string;
  addresses: string[];
  version: string;
  models?: NodeModel[];
  state?: NodeState;
  startedAt?: Date;
  controlAddress?: string;
  metricsAddress?: string;
  stateReason?: string;
  drain?: NodeDrain | null;
  labels?: Record<string, string>;
  artifactUrl?: string;
}

const COLUMNS = `name, region, addresses, version, models, state, started_at, heartbeat_at,
  control_address, metrics_address, state_reason, drain, labels, artifact_url`;

/** Called at agent start: a restarted node replaces its previous registration. */
export async function upsertNode(db: Db, node: NodeRegistration): Promise<NodeRecord> {
  const result = await db.query(
    `INSERT INTO nodes (name, region, addresses, version, models, state, started_at, heartbeat_at,
       control_address, metrics_address, state_reason, drain, labels, artifact_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10, $11, $12, $13)
     ON CONFLICT (name) DO UPDATE SET region = EXCLUDED.region, addresses = EXCLUDED.addresses,
       version = EXCLUDED.version, models = EXCLUDED.models, state = EXCLUDED.state,
       started_at = EXCLUDED.started_at, heartbeat_at = now(),
       control_address = EXCLUDED.control_address, metrics_address = EXCLUDED.metrics_address,
       state_reason = EXCLUDED.state_reason, drain = EXCLUDED.drain, labels = EXCLUDED.labels,
       artifact_url = EXCLUDED.artifact_url
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
      node.controlAddress ?? "",
      node.metricsAddress ?? "",
      storable(node.stateReason ?? ""),
      node.drain ? storableJson(node.drain) : null,
      JSON.stringify(node.labels ?? {}),
      node.artifactUrl ?? "",
    ],
  );
  return toNode(result.rows[0]);
}

/**
 * PostgreSQL refuses NUL in text and `\u0000` in jsonb. The control plane refuses control characters
 * in operator strings, but a drain saved before it did (drain.json) still carries its reason into
 * every heartbeat: a refused NUL there would fail every beat and make a live node look dead. The
 * registry shows U+FFFD in its place instead.
 */
function storable(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}

/** JSON text for a jsonb column, with NUL characters in its strings replaced the same way. */
function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes NUL as the escape \u0000; a literal backslash before it would be doubled.
  return json.includes("\\u0000") ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd") : json;
}

/**
 * Refreshes heartbeat_at (and whatever else is given). Fails if the node never registered. Agents send
 * their control state with every beat, so a change the store missed while it was away arrives with
 * the next beat after it is back.
 */
export async function heartbeat(
  db: Db,
  name: string,
  update: { models?: NodeModel[] } & NodeControlUpdate = {},
): Promise<NodeRecord> {
  const result = await db.query(
    `UPDATE nodes SET heartbeat_at = now(), state = coalesce($2, state), models = coalesce($3::jsonb, models),
       state_reason = coalesce($4, state_reason),
       drain = CASE WHEN $5::boolean THEN $6::jsonb ELSE drain END,
       control_address = coalesce($7, control_address), metrics_address = coalesce($8, metrics_address),
       labels = coalesce($9::jsonb, labels)
     WHERE name = $1 RETURNING ${COLUMNS}`,
    [
      name,
      update.state ?? null,
      update.models ? JSON.stringify(update.models) : null,
      update.stateReason === undefined ? null : storable(update.stateReason),
      // "drain: null" clears it, an absent drain keeps it: coalesce cannot tell the two apart.
      update.drain !== undefined,
      update.drain ? storableJson(update.drain) : null,
      update.controlAddress ?? null,
      update.metricsAddress ?? null,
      update.labels ? JSON.stringify(update.labels) : null,
    ],
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
    controlAddress: (row.control_address as string | undefined) ?? "",
    metricsAddress: (row.metrics_address as string | undefined) ?? "",
    stateReason: (row.state_reason as string | undefined) ?? "",
    drain: (row.drain as NodeDrain | null | undefined) ?? null,
    labels: (row.labels as Record<string, string> | undefined) ?? {},
    artifactUrl: (row.artifact_url as string | undefined) ?? "",
  };
}
