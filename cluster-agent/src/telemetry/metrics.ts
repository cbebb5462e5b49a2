import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GpuSample, NodeSnapshot } from "@entrim/proto";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Logger } from "../common/log.js";
import { parseListenAddress } from "../config/listen-address.js";
import { addCertificateMetrics, type WatchedCertificate } from "./certificates.js";
import { addSheddingMetrics, type SheddingSource } from "./shedding-metrics.js";

/** Where the metrics come from: the shared snapshot (a Telemetry), read at scrape time. */
export interface SnapshotSource {
  latest(): NodeSnapshot;
}

const GPU_LABELS = ["gpu", "uuid", "name"] as const;
type GpuLabel = (typeof GPU_LABELS)[number];
const QUANTILES = [
  ["0.5", "P50"],
  ["0.95", "P95"],
  ["0.99", "P99"],
] as const;
const STATES = [
  "NODE_STATE_STARTING",
  "NODE_STATE_SERVING",
  "NODE_STATE_DRAINING",
  "NODE_STATE_DRAINED",
  "NODE_STATE_DEGRADED",
  "NODE_STATE_REFUSING",
  "NODE_STATE_STOPPED",
] as const;

const num = (value: unknown): number | undefined => (value == null ? undefined : Number(value));

/**
 * The agent's metrics on their own registry. Every value is read from the latest snapshot when
 * Prometheus scrapes (collect callbacks), so serving requests updates nothing here. Labels are
 * operator facts only (GPU index/uuid/name, configured model id, node state): nothing that could carry
 * an account, key, client address or prompt.
 */
export function createMetricsRegistry(source: SnapshotSource): Registry {
  const registry = new Registry();
  // Process and Node.js runtime metrics under their standard names, so stock dashboards work.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, s: NodeSnapshot) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        fill(this, source.latest());
      },
    });
  // Counters whose running total someone else keeps (the driver, the traffic window): set at scrape.
  const counter = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (
      add: (labels: Partial<Record<L, string>>, value: number | undefined) => void,
      s: NodeSnapshot,
    ) => void,
  ) =>
    new Counter<L>({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        fill((labels, value) => {
          if (value !== undefined) this.inc(labels, value);
        }, source.latest());
      },
    });

  const scalar = (name: string, help: string, read: (s: NodeSnapshot) => number | undefined) =>
    gauge(name, help, [], (g, s) => {
      const value = read(s);
      if (value !== undefined && Number.isFinite(value)) g.set(value);
    });

  gauge(
    "entrim_node_info",
    "Always 1; labels name the node, its region and agent version.",
    ["node", "region", "version"],
    (g, s) => g.set({ node: s.node ?? "", region: s.region ?? "", version: s.version ?? "" }, 1),
  );
  gauge(
    "entrim_node_state",
    "1 for the node's current lifecycle state, 0 for the others.",
    ["state"],
    (g, s) => {
      for (const state of STATES)
        g.set({ state: state.slice("NODE_STATE_".length).toLowerCase() }, s.state === state ? 1 : 0);
    },
  );
  scalar(
    "entrim_node_start_time_seconds",
    "When the agent started, Unix seconds.",
    (s) => num(s.startedAtMs)! / 1000,
  );
  scalar("entrim_node_draining", "1 while the node drains.", (s) => (s.drain?.draining ? 1 : 0));
  scalar(
    "entrim_snapshot_timestamp_seconds",
    "When the telemetry snapshot was taken, Unix seconds.",
    (s) => num(s.takenAtMs)! / 1000,
  );

  // GPUs, one series per GPU; a value nvidia-smi could not give is absent, not 0.
  const gpuLabels = (gpu: GpuSample): Record<GpuLabel, string> => ({
    gpu: String(gpu.index ?? 0),
    uuid: gpu.uuid ?? "",
    name: gpu.name ?? "",
  });
  const perGpu = (name: string, help: string, read: (gpu: GpuSample) => number | undefined) =>
    gauge(name, help, GPU_LABELS, (g, s) => {
      for (const gpu of s.gpus ?? []) {
        const value = read(gpu);
        if (value !== undefined) g.set(gpuLabels(gpu), value);
      }
    });
  const ratio = (percent: unknown) => (percent == null ? undefined : Number(percent) / 100);
  const mhz = (value: unknown) => (value == null ? undefined : Number(value) * 1e6);
  scalar("entrim_gpus", "GPUs nvidia-smi reports on this node.", (s) => s.gpus?.length ?? 0);
  scalar("entrim_gpu_read_ok", "1 when the last GPU read succeeded or the node has no GPU tooling.", (s) =>
    s.gpuError ? 0 : 1,
  );
  perGpu("entrim_gpu_utilization_ratio", "Fraction of time a kernel ran (utilization.gpu).", (x) =>
    ratio(x.utilizationPercent),
  );
  perGpu(
    "entrim_gpu_memory_utilization_ratio",
    "Fraction of time memory was read or written (utilization.memory).",
    (x) => ratio(x.memoryUtilizationPercent),
  );
  perGpu("entrim_gpu_memory_used_bytes", "GPU memory in use.", (x) => num(x.memoryUsedBytes));
  perGpu("entrim_gpu_memory_total_bytes", "GPU memory installed.", (x) => num(x.memoryTotalBytes));
  perGpu("entrim_gpu_temperature_celsius", "GPU core temperature.", (x) => num(x.temperatureCelsius));
  perGpu("entrim_gpu_memory_temperature_celsius", "GPU memory (HBM) temperature.", (x) =>
    num(x.memoryTemperatureCelsius),
  );
  perGpu("entrim_gpu_power_draw_watts", "Power drawn by the GPU.", (x) => num(x.powerDrawWatts));
  perGpu("entrim_gpu_power_limit_watts", "The GPU's power limit.", (x) => num(x.powerLimitWatts));
  perGpu("entrim_gpu_sm_clock_hertz", "Current SM clock.", (x) => mhz(x.smClockMhz));
  perGpu("entrim_gpu_sm_clock_max_hertz", "Maximum SM clock.", (x) => mhz(x.smClockMaxMhz));
  perGpu(
    "entrim_gpu_fan_speed_ratio",
    "Fan speed as a fraction of its maximum; absent on passively cooled GPUs.",
    (x) => ratio(x.fanSpeedPercent),
  );
  perGpu("entrim_gpu_performance_state", "Performance state number (0 for P0, the highest).", (x) => {
    const match = /^P(\d+)$/.exec(x.performanceState ?? "");
    return match ? Number(match[1]) : undefined;
  });
  gauge("entrim_gpu_processes", "Compute processes using the GPU.", GPU_LABELS, (g, s) => {
    for (const gpu of s.gpus ?? []) {
      const count = (s.gpuProcesses ?? []).filter((p) => p.gpuUuid === gpu.uuid).length;
      g.set(gpuLabels(gpu), count);
    }
  });
  for (const [kind, field] of [
    ["corrected", "eccCorrectedErrors"],
    ["uncorrected", "eccUncorrectedErrors"],
  ] as const) {
    counter(
      `entrim_gpu_ecc_${kind}_errors_total`,
      `${kind[0]!.toUpperCase()}${kind.slice(1)} ECC errors since the driver loaded.`,
      GPU_LABELS,
      (add, s) => {
        for (const gpu of s.gpus ?? []) add(gpuLabels(gpu), num(gpu[field]));
      },
    );
  }

  // Xids from the kernel log: absent (not 0) on a node whose kernel log the agent cannot read.
  counter(
    "entrim_gpu_xid_errors_total",
    "Xid errors the kernel log reported for the GPU since the agent started.",
    GPU_LABELS,
    (add, s) => {
      for (const gpu of s.gpus ?? []) add(gpuLabels(gpu), num(gpu.xidErrors));
    },
  );
  perGpu("entrim_gpu_last_xid", "Code of the GPU's last Xid since the agent started.", (x) => num(x.lastXid));
  perGpu(
    "entrim_gpu_last_xid_timestamp_seconds",
    "When the agent read the GPU's last Xid, Unix seconds.",
    (x) => {
      const ms = num(x.lastXidAtMs);
      return ms === undefined ? undefined : ms / 1000;
    },
  );
  scalar("entrim_kernel_log_up", "1 while the agent reads the kernel log for Xid errors.", (s) =>
    s.host?.kernelLog ? 1 : 0,
  );

  // Public API traffic: totals as counters, the 60-second window as gauges.
  const t = (s: NodeSnapshot) => s.traffic ?? {};
  scalar("entrim_requests_in_flight", "Generations holding a slot.", (s) => num(t(s).requestsInFlight));
  scalar("entrim_requests_queued", "Generations waiting for a slot.", (s) => num(t(s).requestsQueued));
  counter("entrim_requests_total", "Finished generation requests since the agent started.", [], (add, s) =>
    add({}, num(t(s).requestsTotal)),
  );
  counter(
    "entrim_prompt_tokens_total",
    "Prompt tokens of finished requests since the agent started.",
    [],
    (add, s) => add({}, num(t(s).promptTokensTotal)),
  );
  counter(
    "entrim_completion_tokens_total",
    "Completion tokens of finished requests since the agent started.",
    [],
    (add, s) => add({}, num(t(s).completionTokensTotal)),
  );
  scalar("entrim_requests_per_second", "Finished generation requests per second over the last 60 s.", (s) =>
    num(t(s).requestsPerSecond),
  );
  scalar("entrim_prompt_tokens_per_second", "Prompt tokens per second over the last 60 s.", (s) =>
    num(t(s).promptTokensPerSecond),
  );
  scalar("entrim_completion_tokens_per_second", "Completion tokens per second over the last 60 s.", (s) =>
    num(t(s).completionTokensPerSecond),
  );
  gauge("entrim_requests_errors", "Error answers over the last 60 s, by status class.", ["class"], (g, s) => {
    g.set({ class: "4xx" }, num(t(s).clientErrors) ?? 0);
    g.set({ class: "5xx" }, num(t(s).serverErrors) ?? 0);
  });
  scalar("entrim_requests_error_ratio", "Server errors / requests over the last 60 s.", (s) =>
    num(t(s).errorRate),
  );
  scalar("entrim_prompt_cache_hit_ratio", "Cached / all prompt tokens over the last 60 s.", (s) =>
    num(t(s).cacheHitRate),
  );
  for (const [metric, field, what] of [
    ["entrim_time_to_first_token_seconds", "ttft", "Time to first token of streamed requests"],
    ["entrim_request_duration_seconds", "latency", "Whole-request latency"],
  ] as const) {
    gauge(metric, `${what} over the last 60 s, by quantile (2.2% resolution).`, ["quantile"], (g, s) => {
      const traffic = t(s) as Record<string, unknown>;
      for (const [quantile, suffix] of QUANTILES) {
        const ms = num(traffic[`${field}${suffix}Ms`]);
        if (ms !== undefined) g.set({ quantile }, ms / 1000);
      }
    });
  }

  // Models, labelled with the configured public model id only.
  const perModel = (
    name: string,
    help: string,
    read: (m: NonNullable<NodeSnapshot["models"]>[number]) => number,
  ) =>
    gauge(name, help, ["model"], (g, s) => {
      for (const m of s.models ?? []) g.set({ model: m.id ?? "" }, read(m));
    });
  perModel("entrim_model_loaded", "1 when the model's runtime is loaded and healthy.", (m) =>
    m.loaded ? 1 : 0,
  );
  perModel("entrim_model_slots", "Generation slots of the model.", (m) => m.slots ?? 0);
  perModel("entrim_model_slots_busy", "Slots generating now.", (m) => m.slotsBusy ?? 0);
  perModel("entrim_model_queued", "Requests waiting for a slot.", (m) => m.queued ?? 0);

  // Store and usage spool.
  scalar("entrim_store_up", "1 when the last store round trip succeeded.", (s) =>
    s.store?.connected ? 1 : 0,
  );
  scalar("entrim_store_listening", "1 when LISTEN/NOTIFY is connected.", (s) => (s.store?.listening ? 1 : 0));
  scalar(
    "entrim_store_last_ok_timestamp_seconds",
    "When a store round trip last succeeded, Unix seconds.",
    (s) => num(s.store?.lastOkAtMs ?? 0)! / 1000,
  );
  scalar("entrim_spool_pending_events", "Usage events not yet in the store (estimated from bytes).", (s) =>
    num(s.spool?.pendingEvents ?? 0),
  );
  scalar("entrim_spool_pending_bytes", "Usage spool bytes not yet in the store.", (s) =>
    num(s.spool?.pendingBytes ?? 0),
  );
  scalar("entrim_spool_capacity_bytes", "Usage spool capacity; requests are refused when it is full.", (s) =>
    num(s.spool?.capacityBytes ?? 0),
  );
  scalar("entrim_spool_alarm", "1 while the usage spool alarm is raised.", (s) => (s.spool?.alarm ? 1 : 0));
  scalar(
    "entrim_spool_oldest_pending_age_seconds",
    "Age of the oldest unshipped usage event.",
    (s) => num(s.spool?.oldestPendingAgeMs ?? 0)! / 1000,
  );
  addHostMetrics(gauge, scalar);
  return registry;
}

type GaugeMaker = <L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  fill: (g: Gauge<L>, s: NodeSnapshot) => void,
) => Gauge<L>;
type ScalarMaker = (name: string, help: string, read: (s: NodeSnapshot) => number | undefined) => Gauge;

/**
 * The host: CPU, memory, the filesystems the agent writes to (one series per role, so "the spool's
 * disk" is one selector even when data, spool and cache share a mount), network. Node-exporter has the
 * same facts for every mount; these are the ones that stop this agent, named so alerts need no mapping.
 */
function addHostMetrics(gauge: GaugeMaker, scalar: ScalarMaker): void {
  const h = (s: NodeSnapshot) => s.host;
  gauge(
    "entrim_host_cpu_load_ratio",
    "Load of each logical CPU over the last sample interval, 0-1.",
    ["cpu"],
    (g, s) => {
      for (const [cpu, load] of (h(s)?.cpuLoadPercent ?? []).entries())
        g.set({ cpu: String(cpu) }, Number(load) / 100);
    },
  );
  scalar("entrim_host_cpus", "Logical CPUs of the host.", (s) => h(s)?.cpuLoadPercent?.length || undefined);
  scalar(
    "entrim_host_cpu_load_total_ratio",
    "Load over all CPUs over the last sample interval, 0-1.",
    (s) => {
      const host = h(s);
      return host?.cpuLoadPercent?.length ? num(host.cpuLoadTotalPercent)! / 100 : undefined;
    },
  );
  const memory = (name: string, help: string, read: (host: NonNullable<NodeSnapshot["host"]>) => unknown) =>
    scalar(`entrim_host_memory_${name}_bytes`, help, (s) => {
      const host = h(s);
      return host?.memoryTotalBytes ? num(read(host)) : undefined;
    });
  memory("total", "Memory installed.", (x) => x.memoryTotalBytes);
  memory("used", "Memory in use by processes (total minus available).", (x) => x.memoryUsedBytes);
  memory("available", "Memory new allocations can get without swapping.", (x) => x.memoryAvailableBytes);
  const perRole = (
    name: string,
    help: string,
    read: (fs: NonNullable<NonNullable<NodeSnapshot["host"]>["filesystems"]>[number]) => unknown,
  ) =>
    gauge(name, help, ["mount", "role"], (g, s) => {
      for (const fs of h(s)?.filesystems ?? []) {
        const value = num(read(fs));
        if (value === undefined) continue;
        for (const role of fs.roles ?? []) g.set({ mount: fs.mount ?? "", role }, value);
      }
    });
  perRole(
    "entrim_host_filesystem_size_bytes",
    "Size of a filesystem the agent writes to.",
    (fs) => fs.sizeBytes,
  );
  perRole("entrim_host_filesystem_used_bytes", "Bytes used on the filesystem.", (fs) => fs.usedBytes);
  perRole(
    "entrim_host_filesystem_free_bytes",
    "Bytes the agent can still write there.",
    (fs) => fs.freeBytes,
  );
  perRole(
    "entrim_host_filesystem_read_bytes_per_second",
    "Block device reads over the last sample interval; absent for tmpfs and overlay.",
    (fs) => fs.readBytesPerSecond,
  );
  perRole(
    "entrim_host_filesystem_write_bytes_per_second",
    "Block device writes over the last sample interval; absent for tmpfs and overlay.",
    (fs) => fs.writeBytesPerSecond,
  );
  scalar("entrim_host_network_receive_bytes_per_second", "Received over all non-loopback interfaces.", (s) =>
    num(h(s)?.networkRxBytesPerSecond),
  );
  scalar("entrim_host_network_transmit_bytes_per_second", "Sent over all non-loopback interfaces.", (s) =>
    num(h(s)?.networkTxBytesPerSecond),
  );
  scalar("entrim_host_uptime_seconds", "Seconds since the host booted.", (s) =>
    h(s)?.uptimeSeconds ? num(h(s)?.uptimeSeconds) : undefined,
  );
  gauge(
    "entrim_host_info",
    "Always 1; labels name the kernel and NVIDIA driver versions.",
    ["kernel", "driver"],
    (g, s) => {
      const host = h(s);
      if (host?.kernelVersion) g.set({ kernel: host.kernelVersion, driver: host.driverVersion ?? "" }, 1);
    },
  );
}

export interface MetricsServer {
  /** "http://host:port", or "" when turned off. */
  address: string;
  stop(): Promise<void>;
}

/** Serves `GET /metrics` at `listen` ("host:port"; "" turns it off) with plain HTTP. */
export async function startMetricsServer(options: {
  listen: string;
  telemetry: SnapshotSource;
  /** Certificate files whose expiry is exported (entrim_certificate_not_after_seconds). */
  certificates?: WatchedCertificate[];
  /** The public API's load shedding (entrim_requests_shed_total, entrim_api_overloaded). */
  shedding?: SheddingSource | undefined;
  logger?: Logger | undefined;
}): Promise<MetricsServer> {
  if (options.listen === "") return { address: "", stop: async () => {} };
  const registry = createMetricsRegistry(options.telemetry);
  addCertificateMetrics(registry, options.certificates ?? []);
  if (options.shedding) addSheddingMetrics(registry, options.shedding);
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: Error) => {
        options.logger?.error({ err: { message: error.message } }, "metrics collection failed");
        response
          .writeHead(500, { "content-type": "text/plain; charset=utf-8" })
          .end("metrics collection failed\n");
      },
    );
  });
  // Scrapers keep connections alive; close() must not wait for them.
  server.keepAliveTimeout = 5000;
  const { host, port } = parseListenAddress(options.listen);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const address = `http://${bound.family === "IPv6" ? `[${bound.address}]` : bound.address}:${bound.port}`;
  options.logger?.info({ metrics: `${address}/metrics` }, "metrics listening");
  return {
    address,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
