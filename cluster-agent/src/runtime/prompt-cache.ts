/**
 * The embedded runtime's slots with prompt caching. A sequence keeps the tokens it evaluated after a
 * request, tagged with the request's cache scope (the account), so a later request of the same scope
 * can resume from the longest shared prefix instead of evaluating it again.
 *
 * Isolation is the point: a sequence is only ever reused by its own scope; any other request clears it
 * before use. Cached state lives in RAM only, for at most the idle TTL, and `dropScope` removes a scope's
 * state at once (suspension, restriction, erasure).
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";

export interface SequencePoolOptions {
  /** Idle time after which a sequence's cached state is cleared; 0 disables caching. */
  ttlMs: number;
  /** Told after cached state was cleared by the TTL or by dropScope (counts only: no scope, no tokens). */
  onDrop?: (event: { reason: "ttl" | "scope"; sequences: number }) => void;
  now?: () => number;
}

interface Slot {
  readonly sequence: LlamaContextSequence;
  /** The scope whose tokens the sequence holds (in use or cached); undefined: nobody's, clear before use. */
  scope: string | undefined;
  lastUsed: number;
  busy: boolean;
  /** Set by dropScope while the slot is in use: its state must not outlive the request. */
  dropped: boolean;
  clearing: Promise<void> | undefined;
}

export interface Lease {
  sequence: LlamaContextSequence;
  /** Prompt tokens already in the sequence: the request evaluates only the rest. */
  cached: number;
}

/** Length of the common prefix of two token lists, at most `limit`. */
export function sharedPrefix(a: readonly Token[], b: readonly Token[], limit: number): number {
  const end = Math.min(a.length, b.length, limit);
  let i = 0;
  while (i < end && a[i] === b[i]) i++;
  return i;
}

export class SequencePool {
  private readonly slots: Slot[];
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    sequences: LlamaContextSequence[],
    private readonly options: SequencePoolOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.slots = sequences.map((sequence) => ({
      sequence,
      scope: undefined,
      lastUsed: 0,
      busy: false,
      dropped: false,
      clearing: undefined,
    }));
  }

  /** Sequences holding cached state right now (for tests and stats). */
  get cachedSequences(): number {
    return this.slots.filter((s) => !s.busy && s.scope !== undefined).length;
  }

  /**
   * Takes a free sequence for `prompt`: the one of the same scope sharing the longest prefix, otherwise
   * an empty one, otherwise the least recently used (cleared first). Throws when none is free.
   */
  async acquire(prompt: readonly Token[], scope: string | undefined): Promise<Lease> {
    const free = this.slots.filter((s) => !s.busy);
    if (free.length === 0)
      throw new Error(
        `no free sequence: ${this.slots.length} slots are busy (the scheduler must not overbook)`,
      );
    // At least one prompt token is evaluated fresh: the logits of the last one start the generation.
    const limit = prompt.length - 1;
    let chosen: Slot | undefined;
    let cached = 0;
    if (scope !== undefined && this.options.ttlMs > 0) {
      for (const slot of free) {
        if (slot.scope !== scope || slot.clearing) continue;
        const length = sharedPrefix(slot.sequence.contextTokens, prompt, limit);
        if (length > cached && this.keepsStateUpTo(slot.sequence, length)) {
          chosen = slot;
          cached = length;
        }
      }
    }
    // Unscoped state (empty or left dirty) is worth nothing; among cached state evict the oldest.
    chosen ??= free.reduce((a, b) => (rank(b) < rank(a) ? b : a));
    chosen.busy = true;
    chosen.dropped = false;
    chosen.scope = scope;
    const { sequence } = chosen;
    try {
      if (chosen.clearing) await chosen.clearing;
      if (cached > 0) {
        const end = sequence.nextTokenIndex;
        if (end > cached) await sequence.eraseContextTokenRanges([{ start: cached, end }]);
        // cachedTokens is billed: claim reuse only when the state is exactly the shared prefix.
        if (sequence.nextTokenIndex !== cached) cached = 0;
      }
      // Clear first, then use: another scope's tokens never meet this request.
      if (cached === 0 && sequence.nextTokenIndex !== 0) await sequence.clearHistory();
    } catch (error) {
      await this.release(sequence, false);
      throw error;
    }
    return { sequence, cached };
  }

  /** Returns a sequence; `keep` caches its state for its scope, otherwise it is cleared first. */
  async release(sequence: LlamaContextSequence, keep: boolean): Promise<void> {
    const slot = this.slots.find((s) => s.sequence === sequence);
    if (!slot) return;
    const caching =
      keep &&
      !this.disposed &&
      !sequence.disposed &&
      !slot.dropped &&
      slot.scope !== undefined &&
      this.options.ttlMs > 0;
    try {
      if (!caching) {
        slot.scope = undefined;
        // The slot goes back even if this fails; the next request clears it before use.
        if (!sequence.disposed) await sequence.clearHistory();
      }
    } finally {
      slot.lastUsed = this.now();
      slot.busy = false;
      slot.dropped = false;
      if (caching) this.schedule();
    }
  }

  /** Clears every sequence of `scope` now; one in use is cleared when its request ends. */
  async dropScope(scope: string): Promise<number> {
    const cleared: Promise<void>[] = [];
    for (const slot of this.slots) {
      if (slot.scope !== scope) continue;
      if (slot.busy) slot.dropped = true;
      else cleared.push(this.clear(slot));
    }
    await Promise.all(cleared);
    if (cleared.length > 0) this.options.onDrop?.({ reason: "scope", sequences: cleared.length });
    return cleared.length;
  }

  /** Stops the TTL timer for good: a request ending after unload must not re-arm it. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * With sliding-window attention, erasing at or before the first cached cell makes llama.cpp evaluate
   * everything again; such a prefix is not reused, so the cached count stays exact.
   */
  private keepsStateUpTo(sequence: LlamaContextSequence, length: number): boolean {
    return length === sequence.nextTokenIndex || length > sequence.stateCellsStartIndex;
  }

  private clear(slot: Slot): Promise<void> {
    slot.scope = undefined;
    const clearing = (slot.sequence.disposed ? Promise.resolve() : slot.sequence.clearHistory())
      .catch(() => {
        // Left dirty: the next request clears it before use.
      })
      .finally(() => {
        if (slot.clearing === clearing) slot.clearing = undefined;
      });
    slot.clearing = clearing;
    return clearing;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const slot of this.slots)
      if (!slot.busy && slot.scope !== undefined) earliest = Math.min(earliest, slot.lastUsed);
    if (earliest === Number.POSITIVE_INFINITY) return;
    const delay = Math.max(0, earliest + this.options.ttlMs - this.now());
    // Not unref'd: the expiry must happen even in a process with nothing else to do; unload disposes it.
    this.timer = setTimeout(() => void this.expire(), delay);
  }

  private async expire(): Promise<void> {
    this.timer = undefined;
    const now = this.now();
    const cleared: Promise<void>[] = [];
    for (const slot of this.slots)
      if (!slot.busy && slot.scope !== undefined && now - slot.lastUsed >= this.options.ttlMs)
        cleared.push(this.clear(slot));
    this.schedule();
    await Promise.all(cleared);
    if (cleared.length > 0) this.options.onDrop?.({ reason: "ttl", sequences: cleared.length });
  }
}

function rank(slot: Slot): number {
  if (slot.scope === undefined) return slot.sequence.nextTokenIndex === 0 ? -2 : -1;
  return slot.lastUsed;
}
