import type { Peer__Output } from "@entrim/proto";
import type { Db } from "../store/db.js";
import type { NodeModel, NodeState } from "../store/nodes.js";
import { USAGE_RETENTION_LOCK_KEY } from "../store/usage-maintenance.js";
import { PROTO_NODE_STATE } from "./node-state.js";

/** Heartbeats a node may miss before peers show it as down. */
export const MISSED_HEARTBEATS_DOWN = 3;

export interface ListPeersOptions {
  /** The node answering: its entry is flagged `self` and never shown down (it is evidently up). */
  self: string;
  heartbeatSeconds: number;
  /** Also list nodes that stopped cleanly. */
  includeStopped?: boolean;
}

/**
 * Every node in the registry as the console sees it. "Down" is judged by the database's clock
 * (`now()` against heartbeat_at, both written by the same server), so skew between agents' clocks
 * cannot make a healthy peer look silent or a dead one alive.
 */
export async function listPeers(db: Db, options: ListPeersOptions): Promise<Peer__Output[]> {
  const result = await db.query(
    `SELECT name, region, addresses, version, models, state, state_reason, control_address,
            metrics_address, started_at, heartbeat_at,
            heartbeat_at < now() - make_interval(secs => $1::double precision) AS silent
       FROM nodes ORDER BY name`,
    [options.heartbeatSeconds * MISSED_HEARTBEATS_DOWN],
  );
  const peers: Peer__Output[] = [];
  for (const row of result.rows) {
    const self = row.name === options.self;
    const registered = row.state as NodeState;
    let state = PROTO_NODE_STATE[registered] ?? "NODE_STATE_UNSPECIFIED";
    let stateReason = row.state_reason as string;
    // A node that stopped cleanly said so; silence from any other state means it died or lost the store.
    if (row.silent && !self && state !== "NODE_STATE_STOPPED") {
      const seconds = options.heartbeatSeconds * MISSED_HEARTBEATS_DOWN;
      stateReason = `no heartbeat for more than ${seconds} s (last registered state: ${registered})`;
      state = "NODE_STATE_DOWN";
    }
    if (state === "NODE_STATE_STOPPED" && !options.includeStopped) continue;
    peers.push({
      name: row.name,
      region: row.region,
      apiAddresses: row.addresses as string[],
      controlAddress: row.control_address,
      metricsAddress: row.metrics_address,
      version: row.version,
      models: (row.models as NodeModel[]).map((m) => m.id),
      state,
      stateReason,
      startedAtMs: (row.started_at as Date).getTime(),
      heartbeatAtMs: (row.heartbeat_at as Date).getTime(),
      self,
    });
  }
  return peers;
}

const APPLICATION_PREFIX = "entrim-agent/";

/**
 * The node running cluster jobs, taken to be the usage-retention job's: "" if unknown.
 *
 * The job's advisory lock is held only during a pass (seconds an hour), so first the live holder is
 * looked up (pg_locks joined with pg_stat_activity by the connection's application_name, which agents
 * set to "entrim-agent/<node>"); between passes, the node that ran the last pass (cluster_jobs) if the
 * registry still shows it alive. Any agent may win the next pass, so this is who leads, not who will.
 * Seeing other sessions' application_name needs the same database role (or pg_read_all_stats); with
 * less, the live lookup finds nothing and the last runner answers.
 */
export async function currentLeader(db: Db, options: { heartbeatSeconds: number }): Promise<string> {
  const key = USAGE_RETENTION_LOCK_KEY;
  // A bigint advisory key is split over classid (high 32 bits) and objid (low), with objsubid 1.
  const live = await db.query<{ application_name: string }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      LIMIT 1`,
    [(key >> 32n).toString(), (key & 0xffff_ffffn).toString()],
  );
  const holder = nodeOf(live.rows[0]?.application_name);
  if (holder) return holder;
  const last = await db.query<{ node: string }>(
    `SELECT j.node FROM cluster_jobs j
      JOIN nodes n ON n.name = substr(j.node, $2::int + 1)
      WHERE j.job = 'usage-retention' AND starts_with(j.node, $3)
        AND n.state <> 'stopped' AND n.heartbeat_at >= now() - make_interval(secs => $1::double precision)`,
    [options.heartbeatSeconds * MISSED_HEARTBEATS_DOWN, APPLICATION_PREFIX.length, APPLICATION_PREFIX],
  );
  return nodeOf(last.rows[0]?.node) ?? "";
}

function nodeOf(applicationName: string | undefined): string | undefined {
  if (!applicationName?.startsWith(APPLICATION_PREFIX)) return undefined;
  return applicationName.slice(APPLICATION_PREFIX.length) || undefined;
}
