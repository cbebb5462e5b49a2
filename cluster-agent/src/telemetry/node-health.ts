// Builds the health summary an agent writes with each heartbeat (store/node-health.ts) from its latest
// snapshot, the filesystem under its spool (statfs) and its certificates. The time to full is a
// least-squares line through the free-space samples of the last `alerting.diskTrendSeconds` (30 min,
// like the shipped Prometheus rule's predict_linear): crude, but it says "hours, not days" early enough
// to act, which is what the disk alert needs, and one burst of writes moves it less than two samples would.
import { X509Certificate } from "node:crypto";
import { readFile, statfs } from "node:fs/promises";
import type { NodeSnapshot } from "@entrim/proto";
import type { NodeHealth } from "../store/node-health.js";

export class DiskTrend {
  private readonly samples: { atMs: number; free: number }[] = [];

  /** `windowMs`: how far back samples count; no prediction until they span a quarter of it. */
  constructor(
    private readonly path: string,
    private readonly windowMs = 1_800_000,
  ) {}

  async sample(nowMs: number): Promise<NodeHealth["disk"]> {
    const fs = await statfs(this.path);
    const free = Number(fs.bavail) * Number(fs.bsize);
    const total = Number(fs.blocks) * Number(fs.bsize);
    this.samples.push({ atMs: nowMs, free });
    while (this.samples.length > 2 && this.samples[0]!.atMs < nowMs - this.windowMs) this.samples.shift();
    return {
      path: this.path,
      freeBytes: free,
      totalBytes: total,
      secondsToFull: secondsToFull(this.samples, this.windowMs / 4),
    };
  }
}

/**
 * Seconds until free space reaches 0 at the rate it fell over the samples (least squares, so one odd
 * sample does not decide it); null when not falling or when the samples span less than `minSpanMs`.
 */
export function secondsToFull(samples: { atMs: number; free: number }[], minSpanMs = 1000): number | null {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last || last.atMs - first.atMs < Math.max(1, minSpanMs)) return null;
  // Relative to the first sample: epoch milliseconds squared would lose precision.
  const n = samples.length;
  let st = 0;
  let sf = 0;
  for (const s of samples) {
    st += s.atMs - first.atMs;
    sf += s.free;
  }
  const mt = st / n;
  const mf = sf / n;
  let cov = 0;
  let varT = 0;
  for (const s of samples) {
    const dt = s.atMs - first.atMs - mt;
    cov += dt * (s.free - mf);
    varT += dt * dt;
  }
  const perMs = varT > 0 ? -cov / varT : 0;
  if (perMs <= 0) return null;
  return Math.round(last.free / perMs / 1000);
}

/** Not-after of each PEM certificate file that exists; files that are missing or unreadable are left out. */
export async function certificateExpiries(files: { name: string; path: string }[]) {
  const out: NodeHealth["certificates"] = [];
  for (const file of files) {
    try {
      const cert = new X509Certificate(await readFile(file.path));
      out.push({ name: file.name, notAfterMs: Date.parse(cert.validTo) });
    } catch {
      // No control-plane certificates on this node: nothing to expire.
    }
  }
  return out;
}

export function healthOf(
  snapshot: NodeSnapshot,
  extra: Pick<NodeHealth, "disk" | "certificates">,
  nowMs: number,
): NodeHealth {
  const num = (v: unknown) => (v === undefined || v === null ? undefined : Number(v));
  const t = snapshot.traffic;
  return {
    takenAtMs: nowMs,
    gpus: (snapshot.gpus ?? []).map((g) => ({
      index: g.index ?? 0,
      temperatureC: num(g.temperatureCelsius),
      xidErrors: num(g.xidErrors),
      eccCorrected: num(g.eccCorrectedErrors),
      eccUncorrected: num(g.eccUncorrectedErrors),
    })),
    traffic: {
      requestsPerSecond: Number(t?.requestsPerSecond ?? 0),
      errorRate: Number(t?.errorRate ?? 0),
      latencyP95Ms: Number(t?.latencyP95Ms ?? 0),
    },
    spool: {
      pendingEvents: Number(snapshot.spool?.pendingEvents ?? 0),
      oldestPendingAgeMs: Number(snapshot.spool?.oldestPendingAgeMs ?? 0),
      alarm: snapshot.spool?.alarm ?? false,
    },
    store: {
      connected: snapshot.store?.connected ?? false,
      lastOkAtMs: Number(snapshot.store?.lastOkAtMs ?? 0),
    },
    ...extra,
  };
}
