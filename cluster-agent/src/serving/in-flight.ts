import type { ApiError } from "../common/errors.js";
import type { Principal } from "../domain/principal.js";

export interface InFlightRequest {
  readonly principal: Principal;
  readonly ip: string;
  readonly model: string;
  /** Ends the request now: a stream gets an error event, a plain request this error as its answer. */
  cut(error: ApiError): void;
}

/**
 * The generations running on this node, so that a suspension (or a drain deadline) can end the ones
 * it concerns at once instead of letting them run to completion.
 */
export class InFlightRequests {
  private readonly entries = new Set<InFlightRequest>();

  add(entry: InFlightRequest): () => void {
    this.entries.add(entry);
    return () => {
      this.entries.delete(entry);
    };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Cuts every request that matches; returns how many were cut. */
  cutWhere(matches: (entry: InFlightRequest) => boolean, error: ApiError): number {
    let cut = 0;
    for (const entry of [...this.entries]) {
      if (!matches(entry)) continue;
      this.entries.delete(entry);
      entry.cut(error);
      cut++;
    }
    return cut;
  }
}
