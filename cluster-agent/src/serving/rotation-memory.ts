/**
 * Whether a model's new version may be loaded beside the old one. Loading beside means no moment
 * without the model; the price is holding both in memory for the rotation. When they do not both fit,
 * the rotation drains the model instead (requests wait instead of the node running out of memory).
 */
import { statSync } from "node:fs";
import { freemem } from "node:os";
import type { Llama } from "node-llama-cpp";

export interface MemoryPolicy {
  /** True when the new version fits in memory while the old one stays loaded. */
  canLoadBeside(): boolean | Promise<boolean>;
  /** For progress messages: why the answer is what it is. */
  describe?(): string;
}

/** A fixed answer: for external engines whose memory the agent cannot see, set by the operator. */
export function fixedMemoryPolicy(beside: boolean): MemoryPolicy {
  return {
    canLoadBeside: () => beside,
    describe: () => (beside ? "configured to load beside" : "configured to drain first"),
  };
}

export interface EmbeddedMemoryPolicyOptions {
  /** The new version's GGUF: its size is what the weights take once loaded. */
  modelPath: string;
  /**
   * Factor over the file size for the KV cache, compute buffers and fragmentation; default 1.5. A
   * wrong "no" costs a short wait for that model's customers, a wrong "yes" can kill the node.
   */
  margin?: number;
  /** Bytes to keep free beyond the estimate (the agent, the OS); default 512 MiB. */
  reserveBytes?: number;
  /** When the runtime offloads to a GPU, its free VRAM is what must fit the weights. */
  llama?: Pick<Llama, "gpu" | "getVramState">;
  /** For tests: free RAM in bytes. */
  freeRam?: () => number;
}

const MIB = 1024 * 1024;

/**
 * Estimates from the file size: on a GPU node (node-llama-cpp found one) against free VRAM, otherwise
 * against free RAM (os.freemem: MemAvailable on Linux, page cache counted as free).
 */
export function embeddedMemoryPolicy(options: EmbeddedMemoryPolicyOptions): MemoryPolicy {
  let last = "not checked yet";
  return {
    async canLoadBeside() {
      const need = Math.ceil(statSync(options.modelPath).size * (options.margin ?? 1.5));
      const reserve = options.reserveBytes ?? 512 * MIB;
      const llama = options.llama;
      if (llama !== undefined && llama.gpu !== false) {
        const vram = await llama.getVramState();
        last = `needs ~${Math.round(need / MIB)} MiB of VRAM, ${Math.round(vram.free / MIB)} MiB free`;
        return vram.free - reserve >= need;
      }
      const free = (options.freeRam ?? freemem)();
      last = `needs ~${Math.round(need / MIB)} MiB of RAM, ${Math.round(free / MIB)} MiB free`;
      return free - reserve >= need;
    },
    describe: () => last,
  };
}
