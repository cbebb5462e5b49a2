// The alert rules the leader evaluates: pure functions from what the store says about the fleet to the
// conditions that hold now. These are the cluster's only alert rules: consoles show and change the
// alerts the leader keeps (AlertsService) and compute none themselves. The thresholds began as the
// console's former ones, so operators saw the same behaviour when the judgement moved here.
import type { AlertCondition } from "../store/alerts.js";
import type { NodeHealth } from "../store/node-health.js";

export interface AlertThresholds {
  /** GPU temperature at or above which it is hot (the console's TEMP_HOT_C). */
  gpuHotC: number;
  /** Server errors above this share of the window's requests. */
  errorRate: number;
  /** A handful of requests is no rate: fewer in the window (60 s) and the error-rate rule stays quiet. */
  errorRateMinRequests: number;
  /** p95 whole-request latency over the window above this (milliseconds). */
  latencyP95Ms: number;
  /** Disk: predicted full within this many hours. */
  diskFullHours: number;
  /** Disk: or free space below this share of the filesystem (0-1). */
  diskFreeFloor: number;
  /**
   * Disk: the prediction counts only below this share free (0-1). A mostly empty disk that takes a big
   * download is not filling up; the shipped Prometheus rule (EntrimDiskFilling) has the same guard.
   */
  diskPredictFreeBelow: number;
  /** A certificate expiring within this many days. */
  certificateDays: number;
  /** A data-subject request due within this many days (critical once overdue). */
  gdprDays: number;
  /** An Xid alert holds this long after the count last rose (minutes). */
  xidHoldMinutes: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  gpuHotC: 83,
  errorRate: 0.05,
  errorRateMinRequests: 20,
  latencyP95Ms: 30_000,
  diskFullHours: 6,
  diskFreeFloor: 0.05,
  diskPredictFreeBelow: 0.5,
  certificateDays: 14,
  gdprDays: 7,
  xidHoldMinutes: 10,
};

/** A node as the registry shows it; `silent` is judged by the database's clock (see control/peers.ts). */
export interface NodeView {
  name: string;
  state: string;
  silent: boolean;
  /** How long a node may be silent before it is down (heartbeat × missed beats): a stable summary. */
  silentSeconds: number;
  health: NodeHealth | null;
  /** The registry holds an operator's drain for it (a drained node that stops was stopped on purpose). */
  drained: boolean;
  /** Seconds since its last registry write (heartbeat or stop), by the database's clock. */
  quietSeconds: number;
}

export interface FleetView {
  nodes: NodeView[];
  pausedRollouts: { id: string; model: string; toVersion: string; reason: string }[];
  openRequests: { id: string; kind: string; dueAtMs: number }[];
}

/** What the rules remember between passes (on the leader, in memory): per GPU, the Xid count and its last rise. */
export interface RuleMemory {
  xid: Map<string, { count: number; roseAtMs?: number }>;
  /** Corrected ECC counts: the first sight is a baseline (the driver counts since it loaded). */
  ecc: Map<string, { count: number; roseAtMs?: number }>;
}

export const emptyMemory = (): RuleMemory => ({ xid: new Map(), ecc: new Map() });

/** Corrected ECC errors count as rising this long after the counter last went up (the console's). */
export const ECC_RISING_HOLD_MS = 10 * 60_000;

const DAY = 86_400_000;

/** A node stopped without a drain that has not come back within this long is down (alerting.stoppedGraceSeconds). */
export const DEFAULT_STOPPED_GRACE_SECONDS = 120;

export function evaluateRules(
  fleet: FleetView,
  thresholds: AlertThresholds,
  memory: RuleMemory,
  nowMs: number,
  stoppedGraceSeconds = DEFAULT_STOPPED_GRACE_SECONDS,
): AlertCondition[] {
  const out: AlertCondition[] = [];
  const at = (
    rule: string,
    severity: AlertCondition["severity"],
    node: string,
    subject: string,
    summary: string,
  ) => out.push({ rule, severity, node, subject, summary, labels: subject ? { subject } : {} });
  for (const node of fleet.nodes) {
    const name = node.name;
    // A stop the operator prepared (drained first) is deliberate. Any other stop is a node gone from
    // service without anyone taking it out: a restart during a deploy comes back within the grace,
    // anything longer pages like a crash. Either way its last health is stale.
    if (node.state === "stopped") {
      if (!node.drained && node.quietSeconds >= stoppedGraceSeconds)
        at(
          "node-down",
          "critical",
          name,
          "",
          `${name} is down: it stopped without a drain and has not come back for ${Math.round(node.quietSeconds)} s`,
        );
      continue;
    }
    // Silence from any other state means it died or lost the store.
    if (node.silent) {
      at(
        "node-down",
        "critical",
        name,
        "",
        `${name} is down: no heartbeat for more than ${node.silentSeconds} s (last state: ${node.state})`,
      );
      // Its last health is stale: its GPU and traffic numbers say nothing about now.
      continue;
    }
    const h = node.health;
    if (!h) continue;
    for (const gpu of h.gpus) {
      const label = `${name} GPU${gpu.index}`;
      const subject = String(gpu.index);
      if (gpu.temperatureC !== undefined && gpu.temperatureC >= thresholds.gpuHotC)
        at(
          "gpu-hot",
          "critical",
          name,
          subject,
          `${label} at ${gpu.temperatureC} °C (≥ ${thresholds.gpuHotC} °C)`,
        );
      if (gpu.xidErrors !== undefined) {
        const key = `${name}/${gpu.index}`;
        const before = memory.xid.get(key);
        // The count is since the agent started: a first sight above 0 is news, a drop is a restart.
        const base = before && gpu.xidErrors >= before.count ? before : { count: 0 };
        const roseAtMs = gpu.xidErrors > base.count ? nowMs : base.roseAtMs;
        memory.xid.set(
          key,
          roseAtMs === undefined ? { count: gpu.xidErrors } : { count: gpu.xidErrors, roseAtMs },
        );
        if (roseAtMs !== undefined && nowMs - roseAtMs < thresholds.xidHoldMinutes * 60_000)
          at("gpu-xid", "critical", name, subject, `${label}: Xid errors rose to ${gpu.xidErrors}`);
      }
      if (gpu.eccCorrected !== undefined) {
        const key = `${name}/${gpu.index}`;
        const before = memory.ecc.get(key);
        // Unlike Xid the first sight is only a baseline; a counter that went down is a driver reload.
        const roseAtMs =
          before && gpu.eccCorrected > before.count
            ? nowMs
            : before && gpu.eccCorrected >= before.count
              ? before.roseAtMs
              : undefined;
        memory.ecc.set(
          key,
          roseAtMs === undefined ? { count: gpu.eccCorrected } : { count: gpu.eccCorrected, roseAtMs },
        );
        if (roseAtMs !== undefined && nowMs - roseAtMs < ECC_RISING_HOLD_MS)
          at(
            "ecc-corrected-rising",
            "warning",
            name,
            subject,
            `${label}: corrected ECC errors rising (${gpu.eccCorrected})`,
          );
      }
      if ((gpu.eccUncorrected ?? 0) > 0)
        at(
          "ecc-uncorrected",
          "critical",
          name,
          subject,
          `${label}: ${gpu.eccUncorrected} uncorrected ECC error(s)`,
        );
    }
    const t = h.traffic;
    const enough = t.requestsPerSecond * 60 >= thresholds.errorRateMinRequests;
    if (enough && t.errorRate > thresholds.errorRate)
      at(
        "error-rate",
        "critical",
        name,
        "",
        `${name}: ${(t.errorRate * 100).toFixed(1)}% server errors over the last minute (> ${thresholds.errorRate * 100}%)`,
      );
    if (enough && t.latencyP95Ms > thresholds.latencyP95Ms)
      at(
        "latency-p95",
        "warning",
        name,
        "",
        `${name}: p95 latency ${Math.round(t.latencyP95Ms)} ms over the last minute (> ${thresholds.latencyP95Ms} ms)`,
      );
    if (h.spool.alarm)
      at(
        "spool-backlog",
        "warning",
        name,
        "",
        `${name}: usage spool backlog (${h.spool.pendingEvents} events, oldest ${Math.round(h.spool.oldestPendingAgeMs / 1000)} s)`,
      );
    const disk = h.disk;
    if (disk && disk.totalBytes > 0) {
      const share = disk.freeBytes / disk.totalBytes;
      const soon =
        disk.secondsToFull !== null &&
        disk.secondsToFull < thresholds.diskFullHours * 3600 &&
        share < thresholds.diskPredictFreeBelow;
      if (share < thresholds.diskFreeFloor || soon) {
        const eta = disk.secondsToFull === null ? "" : `, full in about ${humanSeconds(disk.secondsToFull)}`;
        at(
          "disk-filling",
          share < thresholds.diskFreeFloor / 2 ? "critical" : "warning",
          name,
          disk.path,
          `${name}: ${disk.path} has ${(share * 100).toFixed(1)}% free${eta}`,
        );
      }
    }
    if (!h.store.connected)
      at(
        "store-unreachable",
        "critical",
        name,
        "",
        `${name} cannot reach the store (its probe fails); usage is spooled locally`,
      );
    for (const cert of h.certificates) {
      const left = cert.notAfterMs - nowMs;
      if (left < thresholds.certificateDays * DAY)
        at(
          "certificate-expiring",
          left < 0 ? "critical" : "warning",
          name,
          cert.name,
          `${name}: certificate ${cert.name} ${left < 0 ? "expired" : "expires"} ${new Date(cert.notAfterMs).toISOString().slice(0, 10)}`,
        );
    }
  }
  for (const r of fleet.pausedRollouts)
    at(
      "rollout-paused",
      "warning",
      "",
      r.id,
      `Rollout of ${r.model} to ${r.toVersion} paused${r.reason ? `: ${r.reason}` : ""} (${r.id})`,
    );
  for (const r of fleet.openRequests) {
    const left = r.dueAtMs - nowMs;
    if (left > thresholds.gdprDays * DAY) continue;
    const due = new Date(r.dueAtMs).toISOString().slice(0, 10);
    // No account name: the pager and the mail carry no customer data; the id leads to it in the console.
    at(
      "gdpr-deadline",
      left < 0 ? "critical" : "warning",
      "",
      r.id,
      `GDPR ${r.kind} request ${r.id} ${left < 0 ? "overdue since" : "due"} ${due}`,
    );
  }
  return out;
}

function humanSeconds(s: number): string {
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
