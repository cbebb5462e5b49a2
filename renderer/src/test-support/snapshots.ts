// Test support: snapshots and peers with defaults, so each test states only what it is about.
import type { NodeSnapshot, Peer } from "@entrim/electron/common";
import type { GpuSample__Output, TrafficStats__Output } from "@entrim/proto";

export function gpu(index: number, overrides: Partial<GpuSample__Output> = {}): GpuSample__Output {
  return {
    index,
    uuid: `GPU-${index}`,
    name: "NVIDIA H100 80GB HBM3",
    pciBusId: "",
    utilizationPercent: 50,
    memoryUsedBytes: 40 * 2 ** 30,
    memoryTotalBytes: 80 * 2 ** 30,
    temperatureCelsius: 60,
    powerDrawWatts: 400,
    smClockMhz: 1980,
    performanceState: "P0",
    ...overrides,
  } as GpuSample__Output;
}

export function traffic(overrides: Partial<TrafficStats__Output> = {}): TrafficStats__Output {
  return {
    requestsInFlight: 0,
    requestsQueued: 0,
    requestsPerSecond: 0,
    promptTokensPerSecond: 0,
    completionTokensPerSecond: 0,
    ttftP50Ms: 0,
    ttftP95Ms: 0,
    ttftP99Ms: 0,
    latencyP50Ms: 0,
    latencyP95Ms: 0,
    latencyP99Ms: 0,
    clientErrors: 0,
    serverErrors: 0,
    errorRate: 0,
    cacheHitRate: 0,
    requestsTotal: 0,
    promptTokensTotal: 0,
    completionTokensTotal: 0,
    ...overrides,
  };
}

export function snap(node: string, overrides: Partial<NodeSnapshot> = {}): NodeSnapshot {
  return {
    node,
    region: "eu-central-1",
    version: "1",
    takenAtMs: 1_000_000,
    state: "NODE_STATE_SERVING",
    stateReason: "",
    startedAtMs: 0,
    gpus: [],
    gpuProcesses: [],
    gpuSource: "nvidia-smi",
    gpuError: "",
    traffic: traffic(),
    models: [],
    store: null,
    spool: null,
    drain: null,
    host: null,
    ...overrides,
  };
}

export function peer(name: string, overrides: Partial<Peer> = {}): Peer {
  return {
    name,
    region: "eu-central-1",
    apiAddresses: [],
    controlAddress: `${name}:9443`,
    metricsAddress: "",
    version: "1",
    models: ["llama"],
    state: "NODE_STATE_SERVING",
    stateReason: "",
    startedAtMs: 0,
    heartbeatAtMs: 0,
    self: false,
    ...overrides,
  };
}
