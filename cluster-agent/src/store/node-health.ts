// Each agent's compact health summary (nodes.health, migration 0023), written with its heartbeat and
// read by the leader's alert rules. Numbers and names only: it is metadata about the machine, never
// about requests' content or customers.
import type { Db } from "./db.js";

export interface GpuHealth {
  index: number;
  temperatureC?: number | undefined;
  /** Xid errors seen since the agent started (the host-telemetry helper fills it from the kernel log). */
  xidErrors?: number | undefined;
  eccCorrected?: number | undefined;
  eccUncorrected?: number | undefined;
}

export interface NodeHealth {
  /** When the agent took it (epoch ms, the agent's clock). */
  takenAtMs: number;
  gpus: GpuHealth[];
  /** Over the traffic window (60 s). */
  traffic: { requestsPerSecond: number; errorRate: number; latencyP95Ms: number };
  spool: { pendingEvents: number; oldestPendingAgeMs: number; alarm: boolean };
  /** The filesystem holding the spool (and data dir): free space and, when it is filling, when it is full. */
  disk: { path: string; freeBytes: number; totalBytes: number; secondsToFull: number | null } | null;
  /** The agent's own store probe (its last round trip succeeded). */
  store: { connected: boolean; lastOkAtMs: number };
  /** Certificates the agent holds (the control plane's node and CA certificates): their not-after. */
  certificates: { name: string; notAfterMs: number }[];
}

export async function writeNodeHealth(db: Db, node: string, health: NodeHealth): Promise<void> {
  await db.query("UPDATE nodes SET health = $2 WHERE name = $1", [node, JSON.stringify(health)]);
}
