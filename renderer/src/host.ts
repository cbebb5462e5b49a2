// The host around the GPUs as the console shows it: the numbers the fleet table sorts by and the node
// view's Host panel reads. Absent host data (an older agent, the first sample) is NaN/undefined, never 0.
import type { NodeSnapshot } from "@entrim/electron/common";

type Host = NonNullable<NodeSnapshot["host"]>;
export type HostFilesystem = Host["filesystems"][number];

/** Whole-host CPU load, 0-1; NaN when the node sends no host data. */
export function cpuFraction(snapshot: NodeSnapshot | undefined): number {
  const host = snapshot?.host;
  return host?.cpuLoadPercent.length ? host.cpuLoadTotalPercent / 100 : Number.NaN;
}

/** Memory in use (total minus available), 0-1; NaN without host data. */
export function memoryFraction(snapshot: NodeSnapshot | undefined): number {
  const host = snapshot?.host;
  return host?.memoryTotalBytes ? host.memoryUsedBytes / host.memoryTotalBytes : Number.NaN;
}

/** Used share of one filesystem, 0-1 (what the agent can still write counts as free). */
export function usedFraction(fs: HostFilesystem): number {
  return fs.sizeBytes ? 1 - fs.freeBytes / fs.sizeBytes : Number.NaN;
}

/** The fullest of the filesystems the agent writes to (data dir, spool, artifact cache). */
export function fullestDisk(snapshot: NodeSnapshot | undefined): HostFilesystem | undefined {
  let worst: HostFilesystem | undefined;
  for (const fs of snapshot?.host?.filesystems ?? [])
    if (!worst || usedFraction(fs) > usedFraction(worst)) worst = fs;
  return worst;
}

/** Severity of a fill level: the disk alert's thresholds (95% bad, 85% warn). */
export function diskSeverity(used: number): "ok" | "warn" | "bad" {
  if (Number.isNaN(used)) return "ok";
  return used >= 0.95 ? "bad" : used >= 0.85 ? "warn" : "ok";
}

export function uptime(seconds: number): string {
  if (!seconds) return "–";
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes}m` : `${minutes}m`;
}

export function rate(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined || bytesPerSecond === null) return "–";
  const units = ["B/s", "KiB/s", "MiB/s", "GiB/s"];
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
