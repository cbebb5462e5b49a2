import type { UsageEvent } from "../domain/usage-event.js";

/**
 * What this agent has spent for some accounts that the store may not count yet: a request's cost is
 * added when its usage event goes into the spool, and leaves once a store read that began after the
 * event was shipped has been applied. Until then the store's figure plus this one is the account's
 * spend, so a prepaid balance is not overspent by what waits in this agent's spool or between two
 * re-reads. A read that happens to include an event shipped while it ran counts that event twice for
 * at most one re-read: the error is on the side of refusing early, never of serving unpaid.
 */
export class UnshippedSpend {
  private readonly byAccount = new Map<string, bigint>();
  /** Request id → the entry, until a read that counts it is applied. */
  private readonly pending = new Map<string, Entry>();
  /** Shipped entries, oldest shipment first, waiting for a read that began after their shipment. */
  private shipped: Entry[] = [];
  private shipments = 0;

  /** Which accounts are counted (prepaid ones); others cost one call and nothing more. */
  constructor(private readonly tracks: (accountId: string) => boolean = () => true) {}

  /** Called as the event goes into the spool, before anything can ship it. */
  recorded(event: Pick<UsageEvent, "requestId" | "accountId" | "costPicoEur">): void {
    if (event.costPicoEur <= 0n || !this.tracks(event.accountId)) return;
    if (this.pending.has(event.requestId)) return;
    this.pending.set(event.requestId, { accountId: event.accountId, cost: event.costPicoEur, shipment: 0 });
    this.byAccount.set(event.accountId, (this.byAccount.get(event.accountId) ?? 0n) + event.costPicoEur);
  }

  /** The event never reached the spool (its write failed): it is billed nowhere, so not here either. */
  dropped(requestId: string): void {
    const entry = this.pending.get(requestId);
    if (!entry) return;
    this.pending.delete(requestId);
    this.subtract(entry);
  }

  /** Called once the store holds these events (events from before a restart are not known here). */
  shippedEvents(events: readonly Pick<UsageEvent, "requestId">[]): void {
    this.shipments++;
    for (const event of events) {
      const entry = this.pending.get(event.requestId);
      if (!entry) continue;
      entry.shipment = this.shipments;
      this.shipped.push(entry);
      this.pending.delete(event.requestId);
    }
  }

  /** Taken just before a store read begins; hand it to settle() once the read's figures are applied. */
  mark(): number {
    return this.shipments;
  }

  /** The read that began at `mark` counts everything shipped up to it: those leave the local sum. */
  settle(mark: number): void {
    let kept = 0;
    for (const entry of this.shipped) {
      if (entry.shipment > mark) {
        this.shipped[kept++] = entry;
        continue;
      }
      this.subtract(entry);
    }
    this.shipped.length = kept;
  }

  private subtract(entry: Entry): void {
    const left = (this.byAccount.get(entry.accountId) ?? 0n) - entry.cost;
    if (left > 0n) this.byAccount.set(entry.accountId, left);
    else this.byAccount.delete(entry.accountId);
  }

  /** Pico-euros this agent spent for the account that the last applied read did not count. */
  of(accountId: string): bigint {
    return this.byAccount.get(accountId) ?? 0n;
  }
}

interface Entry {
  accountId: string;
  cost: bigint;
  /** The shipment that carried it to the store; 0 while it waits in the spool. */
  shipment: number;
}
