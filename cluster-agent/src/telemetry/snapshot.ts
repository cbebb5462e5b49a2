import type {
  DrainStatus,
  GpuSample,
  HostStatus,
  ModelStatus,
  NodeSnapshot,
  NodeState,
  SpoolStatus,
  StoreStatus,
} from "@entrim/proto";
import type { Logger } from "../common/log.js";
import { normaliseBusId, type XidCount } from "./kernel-log.js";
import type { GpuReading } from "./nvidia-smi.js";
import type { WindowStats } from "./traffic.js";

/** The node's lifecycle state as the drain controller (or whoever owns it) reports it. */
export interface NodeStateReport {
  state: NodeState;
  /** Empty when serving. */
  stateReason: string;
  drain: DrainStatus;
}

/** One served model's health in a sample: `detail` says why it is not ok ("upstream restarting"). */
export interface RuntimeHealthReport {
  id: string;
  ok: boolean;
  detail: string;
}

/** The pieces of the agent telemetry reads; each optional so a partial agent (or a test) still reports. */
export interface TelemetrySources {
  /** GPU reader, e.g. a GpuSampler; without it the snapshot says gpu_source "none". */
  gpus?: { sample(): Promise<GpuReading> };
  /** CPU, memory, filesystems and network of the host, e.g. a HostSampler. */
  host?: { sample(): Promise<HostStatus> };
  /** Xid reports from the kernel log, e.g. a KernelLog; without it xid_errors stays unset. */
  kernelLog?: {
    poll(): Promise<void>;
    xids(): ReadonlyMap<string, XidCount> | undefined;
    readonly source: string;
  };
  /** Finished-request window, e.g. a TrafficWindow. */
  traffic?: { stats(): WindowStats };
  /** Served models, e.g. the ModelRegistry. */
  models?: {
    list(): {
      runtime: { kind: string; model: { id: string }; health(): Promise<{ ok: boolean; detail?: string }> };
      scheduler: { stats(): { active: number; queued: number; slots: number } };
      /** The version serving new requests, when the model is versioned. */
      version?: string | null;
    }[];
  };
  /** Store connectivity, e.g. a StoreProbe. */
  store?: { probe(): Promise<void>; status(): StoreStatus };
  /** Usage spool, e.g. the Meter. */
  spool?: { spoolStatus(): SpoolStatus };
  /**
   * Lifecycle state and drain; default: serving, not draining. Given each model's health from the
   * same sample (none before the first), so a runtime that stopped answering (a crashed engine) can
   * make the node degraded.
   */
  state?: (runtimes: RuntimeHealthReport[]) => NodeStateReport;
}

export interface TelemetryOptions extends TelemetrySources {
  node: string;
  region: string;
  version: string;
  /** When the agent started (epoch ms). */
  startedAt: number;
  /** config `telemetry.sampleIntervalMs`. */
  sampleIntervalMs: number;
  logger?: Logger | undefined;
  now?: () => number;
}

export type SnapshotListener = (snapshot: NodeSnapshot) => void;

const SERVING: NodeStateReport = {
  state: "NODE_STATE_SERVING",
  stateReason: "",
  drain: { draining: false, drained: false, requestedBy: "", reason: "", requestedAtMs: 0, deadlineAtMs: 0 },
};
const NO_GPUS: GpuReading = { source: "none", gpus: [], processes: [], error: "" };
const NO_HOST: HostStatus = {
  cpuLoadPercent: [],
  cpuLoadTotalPercent: 0,
  memoryTotalBytes: 0,
  memoryUsedBytes: 0,
  memoryAvailableBytes: 0,
  filesystems: [],
  uptimeSeconds: 0,
  kernelVersion: "",
  driverVersion: "",
  error: "",
  kernelLog: "",
};
/** A model whose health check hangs is reported unloaded rather than holding up the sample. */
const HEALTH_TIMEOUT_MS = 2000;

type Health = { ok: boolean; detail: string };

async function loaded(runtime: { health(): Promise<{ ok: boolean; detail?: string }> }): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Health>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, detail: `no health answer within ${HEALTH_TIMEOUT_MS} ms` }),
      HEALTH_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([runtime.health().then((h) => ({ ok: h.ok, detail: h.detail ?? "" })), late]);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The node's telemetry: samples every source once per interval into one NodeSnapshot that every reader
 * shares (gRPC watchers, /metrics), so ten consoles watching at 1 Hz cost one nvidia-smi run per
 * second, not ten. A tick that comes while the previous sample still runs is skipped.
 */
export class Telemetry {
  private current: NodeSnapshot;
  private readonly listeners = new Set<SnapshotListener>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<NodeSnapshot> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: TelemetryOptions) {
    this.now = options.now ?? Date.now;
    this.current = this.build(NO_GPUS, [], NO_HOST);
  }

  /** Takes the first sample, then one every sampleIntervalMs until stop(). */
  async start(): Promise<void> {
    await this.sample();
    this.timer ??= setInterval(() => {
      if (!this.running) void this.sample();
    }, this.options.sampleIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  /** The most recent snapshot (a placeholder with no GPUs before the first sample completes). */
  latest(): NodeSnapshot {
    return this.current;
  }

  /** Calls `listener` with every new snapshot; returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Samples now (or joins the sample already running); resolves with the new snapshot. */
  sample(): Promise<NodeSnapshot> {
    this.running ??= this.take().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async take(): Promise<NodeSnapshot> {
    const { gpus, store, models, host, kernelLog } = this.options;
    const [reading, , health, hostStatus] = await Promise.all([
      gpus ? gpus.sample().catch((error: Error) => ({ ...NO_GPUS, error: error.message })) : NO_GPUS,
      store?.probe(),
      Promise.all((models?.list() ?? []).map((m) => loaded(m.runtime))),
      host ? host.sample().catch((error: Error) => ({ ...NO_HOST, error: error.message })) : NO_HOST,
      kernelLog?.poll(),
    ]);
    const snapshot = this.build(reading, health, hostStatus);
    this.current = snapshot;
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        this.options.logger?.error(
          { err: { message: (error as Error).message } },
          "snapshot listener failed",
        );
      }
    }
    return snapshot;
  }

  /** Xid counts by the GPU's PCI address; unset when no kernel log is read (0 would claim health). */
  private withXids(gpus: GpuSample[]): GpuSample[] {
    const xids = this.options.kernelLog?.xids();
    if (!xids) return gpus;
    return gpus.map((gpu) => {
      const seen = xids.get(normaliseBusId(gpu.pciBusId ?? ""));
      if (!seen) return { ...gpu, xidErrors: 0 };
      return { ...gpu, xidErrors: seen.count, lastXid: seen.lastCode, lastXidAtMs: seen.lastAtMs };
    });
  }

  private build(reading: GpuReading, health: Health[], host: HostStatus): NodeSnapshot {
    const o = this.options;
    const modelStatus: ModelStatus[] = [];
    let active = 0;
    let queued = 0;
    for (const [i, { runtime, scheduler, version }] of (o.models?.list() ?? []).entries()) {
      const stats = scheduler.stats();
      active += stats.active;
      queued += stats.queued;
      modelStatus.push({
        id: runtime.model.id,
        runtime: runtime.kind,
        version: version ?? "",
        loaded: health[i]?.ok ?? false,
        slots: stats.slots,
        slotsBusy: stats.active,
        queued: stats.queued,
      });
    }
    // Only models with a health answer: the placeholder snapshot made before the first sample has none.
    const runtimes = modelStatus.flatMap((m, i) => {
      const h = health[i];
      return h === undefined ? [] : [{ id: m.id ?? "", ok: h.ok, detail: h.detail }];
    });
    const state = o.state?.(runtimes) ?? SERVING;
    const { clientErrorsTotal, serverErrorsTotal, cachedTokensTotal, ...traffic } = o.traffic?.stats() ?? {
      clientErrorsTotal: 0,
      serverErrorsTotal: 0,
      cachedTokensTotal: 0,
    };
    return {
      node: o.node,
      region: o.region,
      version: o.version,
      takenAtMs: this.now(),
      state: state.state,
      stateReason: state.stateReason,
      startedAtMs: o.startedAt,
      gpus: this.withXids(reading.gpus),
      gpuProcesses: reading.processes,
      gpuSource: reading.source,
      gpuError: reading.error,
      traffic: { ...traffic, requestsInFlight: active, requestsQueued: queued },
      models: modelStatus,
      store: o.store?.status() ?? { connected: false, listening: false, lastOkAtMs: 0, error: "no store" },
      spool: o.spool?.spoolStatus() ?? {
        pendingEvents: 0,
        pendingBytes: 0,
        capacityBytes: 0,
        alarm: false,
        oldestPendingAgeMs: 0,
      },
      drain: state.drain,
      host: { ...host, kernelLog: o.kernelLog?.source ?? "" },
    };
  }
}
