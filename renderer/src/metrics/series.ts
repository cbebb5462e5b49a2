// Per-node history of the numbers the charts draw: 15 minutes at 1 Hz, in rings outside React. Every
// snapshot appends one sample to every ring of its node (NaN where the node did not report), so all
// rings of a node stay aligned with its time ring and a chart can hand them to uPlot as they are.
import type { NodeSnapshot } from "@entrim/electron/common";
import { Ring } from "./ring.js";

export const HISTORY_SECONDS = 15 * 60;

export const GPU_METRICS = ["util", "mem", "temp", "power", "sm"] as const;
export type GpuMetric = (typeof GPU_METRICS)[number];
export const TRAFFIC_METRICS = ["rps", "tokens", "p95", "inflight", "errors"] as const;
export type TrafficMetric = (typeof TRAFFIC_METRICS)[number];

export interface NodeSeries {
  /** Seconds (uPlot's x unit). */
  time: Ring;
  gpu: Record<GpuMetric, Ring[]>;
  traffic: Record<TrafficMetric, Ring>;
}

const num = (value: number | undefined | null) => (typeof value === "number" ? value : Number.NaN);

export function gpuValue(metric: GpuMetric, gpu: NodeSnapshot["gpus"][number]): number {
  switch (metric) {
    case "util":
      return num(gpu.utilizationPercent);
    case "mem":
      return gpu.memoryUsedBytes != null && gpu.memoryTotalBytes
        ? (100 * gpu.memoryUsedBytes) / gpu.memoryTotalBytes
        : Number.NaN;
    case "temp":
      return num(gpu.temperatureCelsius);
    case "power":
      return num(gpu.powerDrawWatts);
    case "sm":
      return num(gpu.smClockMhz);
  }
}

export class SeriesStore {
  private readonly nodes = new Map<string, NodeSeries>();
  private readonly listeners = new Map<string, Set<() => void>>();
  /** Nodes with samples their subscribers have not been told of yet. */
  private readonly dirty = new Set<string>();

  constructor(private readonly capacity = HISTORY_SECONDS) {}

  private series(node: string, gpus: number): NodeSeries {
    let series = this.nodes.get(node);
    if (!series) {
      const rings = () => Array.from({ length: gpus }, () => new Ring(this.capacity));
      series = {
        time: new Ring(this.capacity),
        gpu: { util: rings(), mem: rings(), temp: rings(), power: rings(), sm: rings() },
        traffic: {
          rps: new Ring(this.capacity),
          tokens: new Ring(this.capacity),
          p95: new Ring(this.capacity),
          inflight: new Ring(this.capacity),
          errors: new Ring(this.capacity),
        },
      };
      this.nodes.set(node, series);
    }
    // A GPU that appears later (driver back) starts with gaps, aligned with the others.
    for (const metric of GPU_METRICS) {
      while (series.gpu[metric].length < gpus) {
        const ring = new Ring(this.capacity);
        for (let i = 0; i < series.time.length; i++) ring.push(Number.NaN);
        series.gpu[metric].push(ring);
      }
    }
    return series;
  }

  push(node: string, snapshot: NodeSnapshot): void {
    const series = this.series(node, snapshot.gpus.length);
    series.time.push(snapshot.takenAtMs / 1000);
    for (const metric of GPU_METRICS) {
      series.gpu[metric].forEach((ring, index) => {
        const gpu = snapshot.gpus[index];
        ring.push(gpu ? gpuValue(metric, gpu) : Number.NaN);
      });
    }
    const t = snapshot.traffic;
    series.traffic.rps.push(num(t?.requestsPerSecond));
    series.traffic.tokens.push(num(t ? t.promptTokensPerSecond + t.completionTokensPerSecond : undefined));
    series.traffic.p95.push(num(t?.latencyP95Ms));
    series.traffic.inflight.push(num(t?.requestsInFlight));
    series.traffic.errors.push(num(t ? t.errorRate * 100 : undefined));
    this.dirty.add(node);
  }

  /**
   * Tells each node's subscribers of the samples pushed since the last flush, once per node. The
   * controller flushes on the same beat as the fleet table's updates, so 200 nodes answering at
   * different moments of a second redraw their charts in the few frames the table repaints anyway,
   * instead of one frame per node.
   */
  flush(): void {
    if (this.dirty.size === 0) return;
    const nodes = [...this.dirty];
    this.dirty.clear();
    for (const node of nodes) for (const listener of this.listeners.get(node) ?? []) listener();
  }

  get(node: string): NodeSeries | undefined {
    return this.nodes.get(node);
  }

  /** Called at the first flush after samples of `node`; returns the unsubscribe function. */
  subscribe(node: string, listener: () => void): () => void {
    const set = this.listeners.get(node) ?? new Set();
    this.listeners.set(node, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  clear(): void {
    this.nodes.clear();
    this.dirty.clear();
  }
}

/** The one store of the app (tests make their own). */
export const series = new SeriesStore();
