import { CoalescedTask } from "./coalesce.js";

/**
 * A NOTIFY payload is only a hint: any role that can connect to the database may `pg_notify` any
 * channel, so what a payload says about a row (its state, its numbers) is never applied. A cache hands
 * the ids a payload names to this queue, which re-reads those rows from the tables in one query at a
 * time: ids that arrive while a read runs are gathered into the single read queued behind it, so a
 * storm of notifications costs one query after another, never one per notification. Past `maxPending`
 * ids the queue stops gathering and runs the cache's full reload instead, which covers them all.
 */
export class HintQueue {
  #pending = new Set<string>();
  #overflowed = false;
  readonly #reads: CoalescedTask;

  constructor(
    private readonly options: {
      /** Re-reads these rows (by id, or by whatever key the cache gave) and applies what the tables say. */
      read: (ids: string[]) => Promise<void>;
      /** The full reload: used once more ids are waiting than one query should carry. */
      reload: () => Promise<void>;
      maxPending?: number;
    },
  ) {
    this.#reads = new CoalescedTask(() => this.#run());
  }

  /** Settles once a read that began after this call, and covers `id`, has finished. */
  add(id: string): Promise<void> {
    if (this.#pending.size < (this.options.maxPending ?? 1000)) this.#pending.add(id);
    else this.#overflowed = true;
    return this.#reads.trigger("hint");
  }

  /** The read under way or queued, if any (for shutdown to wait on). */
  get running(): Promise<void> | undefined {
    return this.#reads.running;
  }

  async #run(): Promise<void> {
    const ids = [...this.#pending];
    const overflowed = this.#overflowed;
    this.#pending = new Set();
    this.#overflowed = false;
    if (overflowed) await this.options.reload();
    else if (ids.length > 0) await this.options.read(ids);
  }
}

/**
 * The string fields a payload names, if it is a JSON object with them: ids only, never trusted state.
 * Anything longer than an id could be is treated as unreadable.
 */
export function hintFields<K extends string>(payload: string, ...fields: K[]): Record<K, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const out = {} as Record<K, string>;
  for (const field of fields) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value !== "string" || value.length === 0 || value.length > 200) return undefined;
    out[field] = value;
  }
  return out;
}
