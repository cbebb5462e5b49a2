import { execFile } from "node:child_process";
import type { GpuProcess, GpuSample } from "@entrim/proto";

/** The fields asked of `--query-gpu`, in the order parseGpuCsv expects them. */
export const GPU_FIELDS = [
  "index",
  "uuid",
  "name",
  "pci.bus_id",
  "utilization.gpu",
  "utilization.memory",
  "memory.used",
  "memory.total",
  "temperature.gpu",
  "temperature.memory",
  "power.draw",
  "power.limit",
  "clocks.sm",
  "clocks.max.sm",
  "fan.speed",
  "ecc.errors.corrected.volatile.total",
  "ecc.errors.uncorrected.volatile.total",
  "pstate",
] as const;

/** The fields asked of `--query-compute-apps`, in the order parseProcessCsv expects them. */
export const PROCESS_FIELDS = ["gpu_uuid", "pid", "process_name", "used_memory"] as const;

export const GPU_ARGS = [`--query-gpu=${GPU_FIELDS.join(",")}`, "--format=csv,noheader,nounits"];
export const PROCESS_ARGS = [
  `--query-compute-apps=${PROCESS_FIELDS.join(",")}`,
  "--format=csv,noheader,nounits",
];

export const DRIVER_ARGS = ["--query-gpu=driver_version", "--format=csv,noheader,nounits"];

const MIB = 1024 * 1024;

export interface GpuReading {
  /** "nvidia-smi", or "none" when the binary is not installed (a node without NVIDIA GPUs). */
  source: "nvidia-smi" | "none";
  gpus: GpuSample[];
  processes: GpuProcess[];
  /** Why the last read failed, in nvidia-smi's own words where it gave any; "" when it succeeded. */
  error: string;
}

/**
 * nvidia-smi writes "[N/A]", "[Not Supported]", "[Unknown Error]", "[Insufficient Permissions]",
 * "[GPU requires reset]" or a bare "N/A" where it has no value. Every one of those, and anything else
 * that is not a number, becomes an unset field: a 0 would read as a real measurement.
 */
function number(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === "" || text.startsWith("[") || text === "N/A") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function mib(raw: string | undefined): number | undefined {
  const value = number(raw);
  return value === undefined ? undefined : Math.round(value * MIB);
}

function text(raw: string | undefined): string {
  const value = (raw ?? "").trim();
  return value.startsWith("[") || value === "N/A" ? "" : value;
}

/**
 * Splits one noheader CSV line. nvidia-smi separates with ", " and never quotes; the only free-text
 * column (`free`) is the one that could hold ", " itself (a GPU or process name), so surplus pieces
 * are joined back into it rather than shifting every later column.
 */
function split(line: string, columns: number, free: number): string[] | null {
  const parts = line.split(", ");
  if (parts.length < columns) return null;
  if (parts.length > columns) {
    const surplus = parts.length - columns;
    parts.splice(free, surplus + 1, parts.slice(free, free + surplus + 1).join(", "));
  }
  return parts;
}

/** Parses `--query-gpu=GPU_FIELDS --format=csv,noheader,nounits` output; unparseable lines are skipped. */
export function parseGpuCsv(output: string): GpuSample[] {
  const gpus: GpuSample[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const f = split(line, GPU_FIELDS.length, 2);
    const index = number(f?.[0]);
    if (!f || index === undefined) continue;
    const gpu: GpuSample = {
      index,
      uuid: text(f[1]),
      name: text(f[2]),
      pciBusId: text(f[3]),
      performanceState: text(f[17]),
    };
    // Assigned one by one so an unavailable value leaves the optional field absent, not undefined-valued.
    const set = <K extends keyof GpuSample>(key: K, value: GpuSample[K] | undefined) => {
      if (value !== undefined) gpu[key] = value;
    };
    set("utilizationPercent", number(f[4]));
    set("memoryUtilizationPercent", number(f[5]));
    set("memoryUsedBytes", mib(f[6]));
    set("memoryTotalBytes", mib(f[7]));
    set("temperatureCelsius", number(f[8]));
    set("memoryTemperatureCelsius", number(f[9]));
    set("powerDrawWatts", number(f[10]));
    set("powerLimitWatts", number(f[11]));
    set("smClockMhz", number(f[12]));
    set("smClockMaxMhz", number(f[13]));
    set("fanSpeedPercent", number(f[14]));
    set("eccCorrectedErrors", number(f[15]));
    set("eccUncorrectedErrors", number(f[16]));
    // xidErrors stays unset here: --query-gpu has no Xid field. The snapshot fills it from the kernel
    // log (kernel-log.ts), matched by pciBusId, where the agent can read one.
    gpus.push(gpu);
  }
  return gpus.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

/** Parses `--query-compute-apps=PROCESS_FIELDS --format=csv,noheader,nounits` output. */
export function parseProcessCsv(output: string): GpuProcess[] {
  const processes: GpuProcess[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const f = split(line, PROCESS_FIELDS.length, 2);
    const pid = number(f?.[1]);
    if (!f || pid === undefined) continue;
    const process: GpuProcess = { gpuUuid: text(f[0]), pid, processName: text(f[2]) };
    const used = mib(f[3]);
    if (used !== undefined) process.usedMemoryBytes = used;
    processes.push(process);
  }
  return processes;
}

export interface NvidiaSmiOptions {
  /** Binary name (looked up on PATH) or path; config `telemetry.nvidiaSmi`. */
  binary?: string;
  /** A wedged driver can hang nvidia-smi for minutes; it is killed after this long. */
  timeoutMs?: number;
  /** Environment of the child (tests put a fake nvidia-smi first on PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** How long a node without nvidia-smi waits before looking for it again. */
export const ABSENT_RECHECK_MS = 60_000;

interface ExecFailure extends Error {
  code?: string | number;
  killed?: boolean;
  signal?: string | null;
}

function run(binary: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    // No shell: the binary and arguments go to exec as they are.
    execFile(
      binary,
      args,
      { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 4 * MIB, env, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const failure = error as ExecFailure;
        if (failure.code === "ENOENT") return reject(failure);
        // nvidia-smi explains itself on stdout ("NVIDIA-SMI has failed because ..."), sometimes stderr.
        const said = `${stdout}\n${stderr}`.trim().split(/\r?\n/)[0]?.trim();
        const why =
          failure.killed || failure.signal
            ? `${binary} did not answer within ${timeoutMs} ms`
            : `${binary} failed (exit ${failure.code ?? "?"})${said ? `: ${said}` : ""}`;
        reject(Object.assign(new Error(why.slice(0, 500)), { code: "NVIDIA_SMI_FAILED" }));
      },
    );
  });
}

/** Reads every GPU and its compute processes once. Never rejects: failures are in `error`. */
export async function readGpus(options: NvidiaSmiOptions = {}): Promise<GpuReading> {
  const binary = options.binary ?? "nvidia-smi";
  const timeoutMs = options.timeoutMs ?? 5000;
  const env = options.env ?? process.env;
  const [gpus, apps] = await Promise.allSettled([
    run(binary, GPU_ARGS, timeoutMs, env),
    run(binary, PROCESS_ARGS, timeoutMs, env),
  ]);
  if (gpus.status === "rejected") {
    const error = gpus.reason as ExecFailure;
    // Not installed: a node without NVIDIA GPUs (a CPU node, a developer laptop), a normal state.
    if (error.code === "ENOENT") return { source: "none", gpus: [], processes: [], error: "" };
    return { source: "nvidia-smi", gpus: [], processes: [], error: error.message };
  }
  const reading: GpuReading = {
    source: "nvidia-smi",
    gpus: parseGpuCsv(gpus.value),
    processes: [],
    error: "",
  };
  if (apps.status === "fulfilled") reading.processes = parseProcessCsv(apps.value);
  else reading.error = `processes: ${(apps.reason as Error).message}`;
  return reading;
}

/**
 * Samples on demand but never runs two reads at once: a caller arriving while one runs shares it, so a
 * slow nvidia-smi (seconds under driver trouble) cannot pile up processes.
 */
export class GpuSampler {
  private running: Promise<GpuReading> | null = null;
  private driver: Promise<string> | undefined;
  /** Set while nvidia-smi is not installed: no process is started before this time (epoch ms). */
  private absentUntil = 0;
  private absent: GpuReading | undefined;
  private readonly now: () => number;

  constructor(private readonly options: NvidiaSmiOptions & { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** The NVIDIA driver version (asked once, it cannot change while the driver is loaded); "" when none. */
  driverVersion(): Promise<string> {
    if (this.now() < this.absentUntil) return Promise.resolve("");
    const { binary = "nvidia-smi", timeoutMs = 5000, env = process.env } = this.options;
    this.driver ??= run(binary, DRIVER_ARGS, timeoutMs, env).then(
      (out) => text(out.split(/\r?\n/)[0]),
      () => {
        // Not installed or failing now: ask again on a later sample.
        this.driver = undefined;
        return "";
      },
    );
    return this.driver;
  }

  sample(): Promise<GpuReading> {
    // A node without nvidia-smi (a CPU node) is asked again once a minute, not every second: starting
    // a process forks the agent, which blocks its event loop for milliseconds each time (request
    // latency), and the answer does not change until a driver is installed.
    if (this.absent && this.now() < this.absentUntil) return Promise.resolve(this.absent);
    this.running ??= readGpus(this.options)
      .then((reading) => {
        if (reading.source === "none") {
          this.absent = reading;
          this.absentUntil = this.now() + ABSENT_RECHECK_MS;
        } else {
          this.absent = undefined;
          this.absentUntil = 0;
        }
        return reading;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
