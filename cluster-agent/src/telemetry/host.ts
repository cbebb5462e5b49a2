import { readFile, realpath, statfs } from "node:fs/promises";
import { cpus, release, uptime } from "node:os";
import { basename } from "node:path";
import type { HostFilesystem, HostStatus } from "@entrim/proto";
import si from "systeminformation";

/** What the agent keeps on a filesystem; the `role` label of the filesystem metrics. */
export type DiskRole = "data" | "spool" | "cache";

export interface HostSamplerOptions {
  /** The directories whose filesystems are reported: the data dir, the usage spool, the artifact cache. */
  paths: { role: DiskRole; path: string }[];
  /** The NVIDIA driver version once known (the GPU sampler); "" or absent on a node without one. */
  driverVersion?: () => Promise<string>;
  /** Where mounts are listed (Linux); a test may point it elsewhere. */
  mountsFile?: string;
  /** Block device counters (Linux), for read/write bytes per second. */
  diskstatsFile?: string;
  /** Network interface counters (Linux), for receive/transmit bytes per second. */
  netDevFile?: string;
  now?: () => number;
}

interface Mount {
  device: string;
  mount: string;
}

interface Counters {
  at: number;
  values: Map<string, [number, number]>;
}

const SECTOR = 512;

/** Undoes the octal escapes /proc/mounts uses for spaces, tabs and backslashes in paths. */
const unescapeMount = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The mount holding `path`: the longest mount point that is `path` or one of its parents. */
export function mountOf(path: string, mounts: Mount[]): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const inside = m.mount === "/" || path === m.mount || path.startsWith(`${m.mount}/`);
    if (inside && (!best || m.mount.length >= best.mount.length)) best = m;
  }
  return best;
}

export function parseMounts(text: string): Mount[] {
  return text.split("\n").flatMap((line) => {
    const [device, mount] = line.split(" ");
    return device && mount ? [{ device: unescapeMount(device), mount: unescapeMount(mount) }] : [];
  });
}

/** /proc/diskstats: device name → [sectors read, sectors written] (always 512-byte units). */
export function parseDiskstats(text: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !f[2]) continue;
    out.set(f[2], [Number(f[5]), Number(f[9])]);
  }
  return out;
}

/**
 * /proc/net/dev: received and transmitted bytes summed over every interface but loopback (traffic
 * between the agent and its own PostgreSQL or a local engine is not the node's network).
 */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    if (iface === "lo") continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (f.length < 9) continue;
    rx += Number(f[0]);
    tx += Number(f[8]);
  }
  return { rx, tx };
}

type CpuTimes = { busy: number; total: number }[];

function cpuTimes(): CpuTimes {
  return cpus().map(({ times: t }) => {
    const busy = t.user + t.nice + t.sys + t.irq;
    return { busy, total: busy + t.idle };
  });
}

/** Per-core and overall busy percent between two readings of the kernel's CPU time counters. */
export function cpuLoad(before: CpuTimes, after: CpuTimes): { cores: number[]; total: number } {
  let busy = 0;
  let total = 0;
  const cores = after.map((a, i) => {
    const b = before[i] ?? { busy: 0, total: 0 };
    const dBusy = Math.max(0, a.busy - b.busy);
    const dTotal = Math.max(0, a.total - b.total);
    busy += dBusy;
    total += dTotal;
    return dTotal > 0 ? (dBusy / dTotal) * 100 : 0;
  });
  return { cores, total: total > 0 ? (busy / total) * 100 : 0 };
}

/** Bytes per second between two counter readings; undefined without a previous one or on a reset. */
function rate(before: number | undefined, after: number, seconds: number): number | undefined {
  if (before === undefined || seconds <= 0 || after < before) return undefined;
  return (after - before) / seconds;
}

/**
 * Samples the host around the GPUs. Everything is asynchronous and starts no process: systeminformation
 * reads memory from /proc; CPU load (from the kernel's counters since the last sample), uptime, network
 * counters and filesystems are read here directly (its `currentLoad()`, `time()` and `networkStats()`
 * run commands synchronously, which would stall the agent's event loop, and so request latency, every
 * second); the kernel is `os.release()`, as its `osInfo()` reports it (which would also run `hostname`,
 * `ip` and more synchronously: a stall of about 30 ms on the first sample, while the node already
 * serves); the driver is asked once; and rates are computed here from counter deltas between samples
 * so they cover exactly the telemetry interval. A part that fails leaves its fields unset and says
 * why in `error`; the rest of the sample is still reported.
 */
export class HostSampler {
  private driver: Promise<string> | undefined;
  private network: { at: number; rx: number; tx: number } | undefined;
  private disks: Counters | undefined;
  private cpu: CpuTimes = cpuTimes();
  private readonly now: () => number;

  constructor(private readonly options: HostSamplerOptions) {
    this.now = options.now ?? Date.now;
  }

  async sample(): Promise<HostStatus> {
    const errors: string[] = [];
    const part = <T>(what: string, p: Promise<T>): Promise<T | undefined> =>
      p.catch((error: Error) => {
        errors.push(`${what}: ${error.message}`);
        return undefined;
      });
    // Retried until it answers: nvidia-smi may not be up yet when the agent starts.
    this.driver ??= (this.options.driverVersion?.() ?? Promise.resolve("")).then((v) => {
      if (!v) this.driver = undefined;
      return v;
    });
    const times = cpuTimes();
    const load = cpuLoad(this.cpu, times);
    this.cpu = times;
    const [mem, net, filesystems, driver] = await Promise.all([
      part("memory", si.mem()),
      part("network", this.sampleNetwork()),
      part("filesystems", this.sampleFilesystems()),
      this.driver.catch(() => ""),
    ]);
    const host: HostStatus = {
      cpuLoadPercent: load.cores,
      cpuLoadTotalPercent: load.total,
      memoryTotalBytes: mem?.total ?? 0,
      memoryUsedBytes: mem ? mem.total - mem.available : 0,
      memoryAvailableBytes: mem?.available ?? 0,
      filesystems: filesystems ?? [],
      uptimeSeconds: Math.floor(uptime()),
      kernelVersion: release(),
      driverVersion: driver ?? "",
      error: errors.join("; "),
    };
    if (net) {
      host.networkRxBytesPerSecond = net.rx;
      host.networkTxBytesPerSecond = net.tx;
    }
    return host;
  }

  private async sampleNetwork(): Promise<{ rx: number; tx: number } | undefined> {
    const { rx, tx } = parseNetDev(await readFile(this.options.netDevFile ?? "/proc/net/dev", "utf8"));
    const at = this.now();
    const before = this.network;
    this.network = { at, rx, tx };
    if (!before) return undefined;
    const seconds = (at - before.at) / 1000;
    const r = rate(before.rx, rx, seconds);
    const t = rate(before.tx, tx, seconds);
    return r === undefined || t === undefined ? undefined : { rx: r, tx: t };
  }

  private async sampleFilesystems(): Promise<HostFilesystem[]> {
    const mounts = await readFile(this.options.mountsFile ?? "/proc/self/mounts", "utf8")
      .then(parseMounts)
      .catch(() => [] as Mount[]);
    const counters = await readFile(this.options.diskstatsFile ?? "/proc/diskstats", "utf8")
      .then(parseDiskstats)
      .catch(() => undefined);
    const at = this.now();
    const before = this.disks;
    if (counters) this.disks = { at, values: counters };
    const seconds = before ? (at - before.at) / 1000 : 0;

    const byMount = new Map<string, HostFilesystem>();
    for (const { role, path } of this.options.paths) {
      // A directory not made yet (a cache never used) is reported by the nearest existing parent.
      const real = await realpath(path).catch(() => path);
      const mount = mountOf(real, mounts) ?? { device: "", mount: real };
      const known = byMount.get(mount.mount);
      if (known) {
        if (!known.roles?.includes(role)) known.roles?.push(role);
        continue;
      }
      const fs = await statfs(real).catch(() => statfs(mount.mount));
      const entry: HostFilesystem = {
        mount: mount.mount,
        device: mount.device,
        roles: [role],
        sizeBytes: fs.blocks * fs.bsize,
        usedBytes: (fs.blocks - fs.bfree) * fs.bsize,
        freeBytes: fs.bavail * fs.bsize,
      };
      // Only real block devices have IO counters (not tmpfs or overlay); partitions are listed by name.
      const name = mount.device.startsWith("/dev/") ? basename(mount.device) : "";
      const now = name ? counters?.get(name) : undefined;
      const was = name ? before?.values.get(name) : undefined;
      if (now && was) {
        const read = rate(was[0] * SECTOR, now[0] * SECTOR, seconds);
        const write = rate(was[1] * SECTOR, now[1] * SECTOR, seconds);
        if (read !== undefined) entry.readBytesPerSecond = read;
        if (write !== undefined) entry.writeBytesPerSecond = write;
      }
      byMount.set(mount.mount, entry);
    }
    return [...byMount.values()];
  }
}
