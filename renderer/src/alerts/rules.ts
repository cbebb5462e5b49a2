// Alert rules: pure functions from the fleet as the console sees it to the alerts that hold now. The
// alerts slice keeps acknowledgements and first-seen times across evaluations; nothing here has state
// of its own except what the caller passes back in (`memory`), so the rules are testable in isolation.
import { displayState, TEMP_HOT_C } from "../format.js";
import type { FleetNode } from "../state/fleetSlice.js";

export type AlertKind =
  | "node-down"
  | "gpu-hot"
  | "gpu-xid"
  | "ecc-uncorrected"
  | "ecc-corrected-rising"
  | "error-rate"
  | "spool-backlog"
  | "rollout-paused"
  | "gdpr-deadline";

export interface AlertCondition {
  /** Stable while the condition holds: kind, node and GPU. */
  id: string;
  kind: AlertKind;
  severity: "critical" | "warning";
  node: string;
  gpu?: number;
  message: string;
}

/** Server errors above this share of the window's requests (TrafficStats covers the last 60 s). */
export const ERROR_RATE_LIMIT = 0.05;
/** A handful of requests is no rate: one failure of three is not a spike worth waking anyone for. */
export const ERROR_RATE_MIN_REQUESTS = 20;
/** Corrected ECC errors count as rising for this long after the counter last went up. */
export const ECC_RISING_HOLD_MS = 10 * 60_000;

/** What the rules remember between evaluations: per GPU, the corrected ECC count and when it last rose. */
export interface RuleMemory {
  ecc: Record<string, { count: number; roseAtMs?: number }>;
}

export function emptyMemory(): RuleMemory {
  return { ecc: {} };
}

/** Every condition that holds for `nodes` at `nowMs`; returns the memory for the next evaluation. */
export function evaluateAlerts(
  nodes: FleetNode[],
  memory: RuleMemory,
  nowMs: number,
): { conditions: AlertCondition[]; memory: RuleMemory } {
  const out: AlertCondition[] = [];
  const ecc: RuleMemory["ecc"] = {};
  for (const node of nodes) {
    const name = node.name;
    if (displayState(node) === "down") {
      const why = node.linkError || node.peer?.stateReason || node.snapshot?.stateReason || "";
      out.push({
        id: `node-down:${name}`,
        kind: "node-down",
        severity: "critical",
        node: name,
        message: `${name} is down${why ? `: ${why}` : ""}`,
      });
      // A down node's last snapshot is stale: its GPU and traffic numbers say nothing about now.
      for (const [key, value] of Object.entries(memory.ecc)) if (key.startsWith(`${name}/`)) ecc[key] = value;
      continue;
    }
    const snapshot = node.snapshot;
    if (!snapshot) continue;
    for (const gpu of snapshot.gpus) {
      const at = { node: name, gpu: gpu.index };
      const label = `${name} GPU${gpu.index}`;
      const temp = gpu.temperatureCelsius;
      if (typeof temp === "number" && temp >= TEMP_HOT_C)
        out.push({
          id: `gpu-hot:${name}:${gpu.index}`,
          kind: "gpu-hot",
          severity: "critical",
          ...at,
          message: `${label} at ${temp} °C (≥ ${TEMP_HOT_C} °C)`,
        });
      const xid = Number(gpu.xidErrors ?? 0);
      if (xid > 0)
        out.push({
          id: `gpu-xid:${name}:${gpu.index}`,
          kind: "gpu-xid",
          severity: "critical",
          ...at,
          message: `${label}: ${xid} XID error(s)`,
        });
      const uncorrected = Number(gpu.eccUncorrectedErrors ?? 0);
      if (uncorrected > 0)
        out.push({
          id: `ecc-uncorrected:${name}:${gpu.index}`,
          kind: "ecc-uncorrected",
          severity: "critical",
          ...at,
          message: `${label}: ${uncorrected} uncorrected ECC error(s)`,
        });
      if (gpu.eccCorrectedErrors !== undefined && gpu.eccCorrectedErrors !== null) {
        const key = `${name}/${gpu.index}`;
        const count = Number(gpu.eccCorrectedErrors);
        const before = memory.ecc[key];
        // The first sight of a counter is its baseline (the driver counts since it loaded); only a rise
        // seen by this console is news. A counter that went down means the driver reloaded: new baseline.
        const roseAtMs =
          before && count > before.count
            ? nowMs
            : before && count >= before.count
              ? before.roseAtMs
              : undefined;
        ecc[key] = roseAtMs === undefined ? { count } : { count, roseAtMs };
        if (roseAtMs !== undefined && nowMs - roseAtMs < ECC_RISING_HOLD_MS)
          out.push({
            id: `ecc-corrected-rising:${name}:${gpu.index}`,
            kind: "ecc-corrected-rising",
            severity: "warning",
            ...at,
            message: `${label}: corrected ECC errors rising (${count})`,
          });
      }
    }
    const t = snapshot.traffic;
    if (t && t.errorRate > ERROR_RATE_LIMIT && t.requestsPerSecond * 60 >= ERROR_RATE_MIN_REQUESTS)
      out.push({
        id: `error-rate:${name}`,
        kind: "error-rate",
        severity: "critical",
        node: name,
        message: `${name}: ${(t.errorRate * 100).toFixed(1)}% server errors over the last minute (> ${ERROR_RATE_LIMIT * 100}%)`,
      });
    if (snapshot.spool?.alarm)
      out.push({
        id: `spool-backlog:${name}`,
        kind: "spool-backlog",
        severity: "warning",
        node: name,
        message: `${name}: usage spool backlog (${snapshot.spool.pendingEvents} events, oldest ${Math.round(Number(snapshot.spool.oldestPendingAgeMs) / 1000)} s)`,
      });
  }
  return { conditions: out, memory: { ecc } };
}
