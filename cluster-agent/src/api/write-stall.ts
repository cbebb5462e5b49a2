import type { ServerResponse } from "node:http";

/**
 * Ends a response whose client stopped reading. A write that the socket cannot take (the kernel's
 * buffers are full, so the client has read nothing for a while) arms a timer; a drain disarms it. If
 * the timer fires, `onStall` runs (the caller cancels the generation, which frees its slot and bills
 * what was generated) and the socket is destroyed, which frees what waited in its buffers. Without it a
 * client that never reads would hold a slot, and its unsent output in memory, for as long as it likes.
 */
export class WriteStallGuard {
  private timer: NodeJS.Timeout | null = null;
  private readonly disarm = () => this.clear();

  constructor(
    private readonly raw: ServerResponse,
    private readonly timeoutMs: number,
    private readonly onStall: () => void,
  ) {
    raw.once("close", this.disarm);
  }

  /** After each write: `accepted` is what write() returned. */
  wrote(accepted: boolean): void {
    if (accepted || this.timer || this.raw.destroyed) return;
    this.timer = setTimeout(() => this.stalled(), this.timeoutMs);
    this.raw.once("drain", this.disarm);
  }

  /** After end(): the last bytes must leave within the timeout too, or the socket goes. */
  ended(): void {
    if (this.raw.writableFinished || this.raw.destroyed) return;
    this.clear();
    this.timer = setTimeout(() => this.stalled(), this.timeoutMs);
    this.raw.once("finish", this.disarm);
  }

  private stalled(): void {
    this.timer = null;
    this.onStall();
    if (!this.raw.destroyed) this.raw.destroy();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.raw.off("drain", this.disarm);
  }
}
