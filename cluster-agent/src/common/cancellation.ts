/**
 * What the runtimes and the scheduler need of a cancellation signal. AbortSignal satisfies it, so
 * callers may pass one; the API passes a Cancellation, which costs a fraction of an AbortController
 * (an EventTarget) on a path that runs for every request.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: AbortListener, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: AbortListener): void;
}

export type AbortListener = (() => void) | { handleEvent(): void };

/** A one-shot cancellation: abort() runs every listener once, later listeners are never called. */
export class Cancellation implements CancelSignal {
  #aborted = false;
  #listeners: AbortListener[] | null = null;

  get aborted(): boolean {
    return this.#aborted;
  }

  get signal(): CancelSignal {
    return this;
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners;
    this.#listeners = null;
    if (!listeners) return;
    for (const listener of listeners) {
      if (typeof listener === "function") listener();
      else listener.handleEvent();
    }
  }

  addEventListener(_type: "abort", listener: AbortListener): void {
    if (this.#aborted) return;
    if (this.#listeners === null) this.#listeners = [listener];
    else this.#listeners.push(listener);
  }

  removeEventListener(_type: "abort", listener: AbortListener): void {
    const listeners = this.#listeners;
    if (!listeners) return;
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  }
}
