// Display rules shared by the views: node states in words, colour thresholds, compact numbers.

import type { LinkState, NodeSnapshot, NodeState, Peer } from "@entrim/electron/common";
import type { GpuSample__Output } from "@entrim/proto";

export type DisplayState =
  | "serving"
  | "draining"
  | "drained"
  | "degraded"
  | "down"
  | "starting"
  | "refusing"
  | "stopped"
  | "unknown";

const STATE_NAMES: Record<NodeState, DisplayState> = {
  NODE_STATE_UNSPECIFIED: "unknown",
  NODE_STATE_STARTING: "starting",
  NODE_STATE_SERVING: "serving",
  NODE_STATE_DRAINING: "draining",
  NODE_STATE_DRAINED: "drained",
  NODE_STATE_DEGRADED: "degraded",
  NODE_STATE_REFUSING: "refusing",
  NODE_STATE_STOPPED: "stopped",
  NODE_STATE_DOWN: "down",
};

export function stateName(state: NodeState | undefined): DisplayState {
  return state ? STATE_NAMES[state] : "unknown";
}

/**
 * What the fleet shows: the node's own word while its channel is up; otherwise the registry's (which
 * says down after three missed heartbeats), and down when the console cannot reach it either.
 */
export function displayState(node: {
  snapshot?: NodeSnapshot;
  peer?: Peer;
  link: LinkState | "unknown";
}): DisplayState {
  if (node.link === "ready" && node.snapshot) return stateName(node.snapshot.state);
  if (node.peer?.state === "NODE_STATE_DOWN") return "down";
  if (node.link === "reconnecting" || node.link === "closed") return "down";
  return stateName(node.peer?.state ?? node.snapshot?.state);
}

/** GPUs throttle near 87 °C (H100); 83 °C is the alerting line operators asked for. */
export const TEMP_HOT_C = 83;
export const TEMP_WARM_C = 75;

export type Severity = "ok" | "warn" | "bad";

export function tempSeverity(celsius: number | undefined): Severity {
  if (celsius === undefined || Number.isNaN(celsius)) return "ok";
  return celsius >= TEMP_HOT_C ? "bad" : celsius >= TEMP_WARM_C ? "warn" : "ok";
}

/** XID and uncorrected ECC errors mean a GPU needs a look; corrected ECC ones are worth noticing. */
export function gpuErrorSeverity(gpu: GpuSample__Output): Severity {
  if ((gpu.xidErrors ?? 0) > 0 || (gpu.eccUncorrectedErrors ?? 0) > 0) return "bad";
  if ((gpu.eccCorrectedErrors ?? 0) > 0) return "warn";
  return "ok";
}

export function gpuAlerts(snapshot: NodeSnapshot | undefined): string[] {
  const out: string[] = [];
  for (const gpu of snapshot?.gpus ?? []) {
    if ((gpu.xidErrors ?? 0) > 0) out.push(`GPU${gpu.index} XID×${gpu.xidErrors}`);
    if ((gpu.eccUncorrectedErrors ?? 0) > 0) out.push(`GPU${gpu.index} ECC-U×${gpu.eccUncorrectedErrors}`);
    if ((gpu.eccCorrectedErrors ?? 0) > 0) out.push(`GPU${gpu.index} ECC-C×${gpu.eccCorrectedErrors}`);
    if (tempSeverity(gpu.temperatureCelsius) === "bad")
      out.push(`GPU${gpu.index} ${gpu.temperatureCelsius}°C`);
  }
  return out;
}

export function compact(value: number | undefined, digits = 1): string {
  if (value === undefined || Number.isNaN(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(digits)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(digits)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(digits)}k`;
  return abs >= 100 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(digits);
}

export function percent(fraction: number | undefined): string {
  return fraction === undefined || Number.isNaN(fraction)
    ? "–"
    : `${(fraction * 100).toFixed(fraction < 0.1 ? 2 : 1)}%`;
}

export function ms(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "–";
  return value >= 1000 ? `${(value / 1000).toFixed(1)}s` : `${Math.round(value)}ms`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined) return "–";
  const gib = value / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(value / 2 ** 20).toFixed(0)} MiB`;
}

export function time(epochMs: number): string {
  return epochMs ? new Date(epochMs).toISOString().replace("T", " ").slice(0, 19) : "–";
}
