import type { ApiError } from "../common/errors.js";
import type { Principal } from "../domain/principal.js";

export interface InFlightRequest {
  readonly principal: Principal;
  readonly ip: string;
  readonly model: string;
  /** Ends the request now: a stream gets an error event, a plain request this error as its answer. */
  cut(error: ApiError): void;
}

/** An entry and where it sits in the list; -1 once it left. */
interface Slot {
  readonly entry: InFlightRequest;
  index: number;
}

/**
 * The generations running on this node, so that a suspension (or a drain deadline) can end the ones
 * it concerns at once instead of letting them run to completion.
 *
 * A plain array in no order: an entry leaves by taking the last one's place. Not a Set, which every
 * request adds to and deletes from: V8 compacts a Set's table now and then into a new one, made in the
 * old generation once the Set lives there, and the old table, dead, still points at the entries it
 * held. Each entry (and through its `cut` closure, its whole request) was then kept through the next
 * scavenges and promoted, every request of every second, until the next full collection: scavenges
 * three times as long and a quarter more CPU per request (docs/BENCHMARKS.md, History of 2026-12-06,
 * night).
 */
export class InFlightRequests {
  private readonly slots: Slot[] = [];

  add(entry: InFlightRequest): () => void {
    const slot: Slot = { entry, index: this.slots.length };
    this.slots.push(slot);
    return () => this.remove(slot);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Cuts every request that matches; returns how many were cut. */
  cutWhere(matches: (entry: InFlightRequest) => boolean, error: ApiError): number {
    let cut = 0;
    for (const slot of [...this.slots]) {
      if (slot.index < 0 || !matches(slot.entry)) continue;
      this.remove(slot);
      slot.entry.cut(error);
      cut++;
    }
    return cut;
  }

  /** Moves the last entry into the slot's place (pop clears the array's last cell). Idempotent. */
  private remove(slot: Slot): void {
    if (slot.index < 0) return;
    const last = this.slots.pop() as Slot;
    if (last !== slot) {
      this.slots[slot.index] = last;
      last.index = slot.index;
    }
    slot.index = -1;
  }
}
