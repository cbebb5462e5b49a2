import { constants, type FileHandle, open } from "node:fs/promises";
import type { Logger } from "../common/log.js";

/** One `NVRM: Xid` report: which GPU (PCI bus id, normalised) and the Xid code. */
export interface XidReport {
  busId: string;
  code: number;
}

/** Xids of one GPU since the agent started following the log. */
export interface XidCount {
  count: number;
  lastCode: number;
  /** When the agent read the last one (the kernel's own stamp is boot-relative). */
  lastAtMs: number;
}

/**
 * A PCI address in one spelling: nvidia-smi writes "00000000:3B:00.0" (32-bit domain, upper case,
 * function), the driver's Xid lines "0000:3b:00" (16-bit domain, no function). Both become
 * "0000:3b:00.0"; anything else is returned lower-cased as it is.
 */
export function normaliseBusId(id: string): string {
  const m = /^(?:([0-9a-f]+):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})(?:\.([0-7]))?$/i.exec(id.trim());
  if (!m) return id.trim().toLowerCase();
  const [, domain = "0", bus = "", device = "", fn = "0"] = m;
  const hex = (s: string, width: number) => Number.parseInt(s, 16).toString(16).padStart(width, "0");
  return `${hex(domain, 4).slice(-4)}:${hex(bus, 2)}:${hex(device, 2)}.${fn}`;
}

// "NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus." Older drivers
// leave out "PCI:".
const XID = /NVRM: Xid \((?:PCI:)?([0-9a-fA-F:.]+)\): (\d+)/;

/**
 * Parses one kernel log line in either real format: /dev/kmsg records ("6,1234,5678901,-;NVRM: ...")
 * or dmesg/journal text ("[  123.456] NVRM: ..."). Lines that are not Xid reports give null.
 */
export function parseXidLine(line: string): XidReport | null {
  const m = XID.exec(line);
  if (!m?.[1] || !m[2]) return null;
  return { busId: normaliseBusId(m[1]), code: Number(m[2]) };
}

export interface KernelLogOptions {
  /** config `telemetry.kernelLog`: "/dev/kmsg" (the default), a file being appended to, or "" (off). */
  path: string;
  logger?: Logger | undefined;
  now?: () => number;
}

const CHUNK = 64 * 1024;

/**
 * Follows the kernel log for Xid reports, read on each telemetry sample (`poll`), never blocking: the
 * character device /dev/kmsg is opened non-blocking and read record by record until it has no more
 * (a blocking read would hold a libuv thread forever); a regular file is read from where the last
 * poll stopped, like `tail -f`, starting again from the top when it shrinks (rotated). Either way
 * only what is logged after the agent starts counts: what was there before is skipped once.
 * A source that cannot be read is logged once and Xid counts stay unknown (unset, not 0).
 */
export class KernelLog {
  private handle: FileHandle | undefined;
  private device = false;
  private offset = 0;
  private rest = "";
  private failed = false;
  private opening: Promise<void> | undefined;
  private readonly counts = new Map<string, XidCount>();
  private readonly now: () => number;

  constructor(private readonly options: KernelLogOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The path being followed, or "" when none is readable (then Xid counts are unknown). */
  get source(): string {
    return this.handle ? this.options.path : "";
  }

  /** Xids per normalised bus id; undefined when no kernel log is being read. */
  xids(): ReadonlyMap<string, XidCount> | undefined {
    return this.handle ? this.counts : undefined;
  }

  /** Reads what the kernel logged since the last poll. Never rejects. */
  async poll(): Promise<void> {
    if (this.options.path === "" || this.failed) return;
    if (!this.handle) {
      this.opening ??= this.open().finally(() => {
        this.opening = undefined;
      });
      return this.opening;
    }
    try {
      if (this.device) await this.readRecords(true);
      else await this.readFile(true);
    } catch (error) {
      this.fail(error as NodeJS.ErrnoException);
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => {});
  }

  private async open(): Promise<void> {
    try {
      const handle = await open(this.options.path, constants.O_RDONLY | constants.O_NONBLOCK);
      const stat = await handle.stat();
      this.handle = handle;
      this.device = stat.isCharacterDevice();
      // Skip the backlog: Xids from before the agent started are not "since start".
      if (this.device) await this.readRecords(false);
      else this.offset = stat.size;
      this.options.logger?.info({ kernelLog: this.options.path }, "following the kernel log for Xid errors");
    } catch (error) {
      this.fail(error as NodeJS.ErrnoException);
    }
  }

  private fail(error: NodeJS.ErrnoException): void {
    this.failed = true;
    void this.close();
    // Once: an unprivileged agent cannot read /dev/kmsg, and saying so every second helps nobody.
    this.options.logger?.warn(
      { kernelLog: this.options.path, err: { message: error.message, code: error.code } },
      "cannot read the kernel log: GPU Xid errors are not counted (give the agent read access or set telemetry.kernelLog)",
    );
  }

  /** /dev/kmsg: each read returns one record; EAGAIN means no more now, EPIPE that some were overwritten. */
  private async readRecords(count: boolean): Promise<void> {
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      let bytes: number;
      try {
        ({ bytesRead: bytes } = await this.handle!.read(buffer, 0, CHUNK, null));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") return;
        if (code === "EPIPE") continue;
        throw error;
      }
      if (bytes === 0) return;
      if (count) this.take(buffer.toString("utf8", 0, bytes));
    }
  }

  private async readFile(count: boolean): Promise<void> {
    const { size } = await this.handle!.stat();
    if (size < this.offset) {
      this.offset = 0;
      this.rest = "";
    }
    const buffer = Buffer.alloc(CHUNK);
    while (this.offset < size) {
      const { bytesRead } = await this.handle!.read(
        buffer,
        0,
        Math.min(CHUNK, size - this.offset),
        this.offset,
      );
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const text = this.rest + buffer.toString("utf8", 0, bytesRead);
      const end = text.lastIndexOf("\n");
      // A line still being written waits for its newline.
      this.rest = text.slice(end + 1);
      if (count && end >= 0) this.take(text.slice(0, end));
    }
  }

  private take(text: string): void {
    for (const line of text.split("\n")) {
      const xid = parseXidLine(line);
      if (!xid) continue;
      const was = this.counts.get(xid.busId);
      this.counts.set(xid.busId, { count: (was?.count ?? 0) + 1, lastCode: xid.code, lastAtMs: this.now() });
    }
  }
}
