import { EventEmitter } from "node:events";
import { ApiError } from "../common/errors.js";
import { hintFields } from "../common/hints.js";
import type { Logger } from "../common/log.js";
import { type Cidr, cidrContains, ipKey, isSingleAddress, parseCidr, parseIp } from "../domain/cidr.js";
import type { Principal } from "../domain/principal.js";
import type { InFlightRequests } from "../serving/in-flight.js";
import { StoreMirror } from "../store/mirror.js";
import type { Store } from "../store/store.js";
import {
  getSuspensionsByIds,
  listActiveSuspensions,
  type Suspension,
  type SuspensionReason,
  type SuspensionState,
  type TargetType,
} from "../store/suspensions.js";
import type { AdmissionGate } from "./gate.js";

/** The channel the suspensions trigger notifies on. */
export const SUSPENSIONS_CHANNEL = "entrim_suspensions";

/** All the cache keeps of a suspension: no note text. (The trigger's payload has this shape, but only its id is used.) */
export interface SuspensionNotice {
  id: string;
  targetType: TargetType;
  target: string;
  state: SuspensionState;
  reason: SuspensionReason;
  /** Epoch milliseconds, or null for "until lifted". */
  expiresAt: number | null;
  lifted: boolean;
}

/** A stored row as the cache keeps it. */
export function noticeOf(row: Suspension): SuspensionNotice {
  return {
    id: row.id,
    targetType: row.targetType,
    target: row.target,
    state: row.state,
    reason: row.reason,
    expiresAt: row.expiresAt?.getTime() ?? null,
    lifted: row.liftedAt !== null,
  };
}

interface Entry extends SuspensionNotice {
  /** For IP targets only. */
  readonly cidr: Cidr | undefined;
}

function withoutCidr(entry: Entry): SuspensionNotice {
  const { cidr: _, ...notice } = entry;
  return notice;
}

function sameNotice(a: SuspensionNotice, b: SuspensionNotice): boolean {
  return (
    a.targetType === b.targetType &&
    a.target === b.target &&
    a.state === b.state &&
    a.reason === b.reason &&
    a.expiresAt === b.expiresAt &&
    a.lifted === b.lifted
  );
}

export interface SuspensionStats {
  active: { account: number; key: number; ip: number };
  /** Requests refused because of a suspension, since start. */
  refused: number;
  /** Requests served to a warned account, key or IP, since start. */
  warningsServed: number;
  /** In-flight generations ended by a new suspension, since start. */
  cut: number;
}

export interface SuspensionGateOptions {
  store: Pick<Store, "pool" | "listen">;
  inFlight?: InFlightRequests | undefined;
  logger?: Logger | undefined;
  /** Full reload besides NOTIFY (default 30 s). */
  resyncIntervalMs?: number;
  now?: () => number;
}

const MESSAGE_TARGET = { account: "This account is", key: "This API key is" } as const;

/**
 * Enforces suspensions from memory: an index per target kind, loaded at start, kept current by the
 * store's NOTIFY feed and by full resyncs, periodic and after a lost LISTEN connection. A notification
 * only names a row, which is then re-read by id (batched, one query at a time): anyone who can connect
 * to the database can send one, and a forged payload must not lift a suspension or block the world. With the store away it keeps enforcing what it knows (fail-static).
 * Expiry needs no event: an entry past its expiry is treated as gone when looked up.
 *
 * Emits "applied" (SuspensionNotice, at: epoch ms with fractions) whenever a notice took effect, and
 * "resync" ({ reason, active }).
 */
export class SuspensionGate extends EventEmitter implements AdmissionGate {
  private byId = new Map<string, Entry>();
  private accounts = new Map<string, Entry>();
  private keys = new Map<string, Entry>();
  /** Single addresses, by ipKey: O(1) whatever their number. */
  private addresses = new Map<string, Entry>();
  /** True ranges, scanned in order; operators keep these to tens or hundreds. */
  private ranges: Entry[] = [];
  /** Notices that arrived during a resync's query: its snapshot may predate them. */
  private duringResync: SuspensionNotice[] | undefined;
  private readonly mirror: StoreMirror;
  private readonly now: () => number;
  private readonly counters = { refused: 0, warningsServed: 0, cut: 0 };

  constructor(private readonly options: SuspensionGateOptions) {
    super();
    this.now = options.now ?? Date.now;
    this.mirror = new StoreMirror({
      store: options.store,
      channel: SUSPENSIONS_CHANNEL,
      load: (reason) => this.runResync(reason),
      resyncIntervalMs: options.resyncIntervalMs ?? 30_000,
      hints: { key: (payload) => hintFields(payload, "id")?.id, read: (ids) => this.reread(ids) },
    });
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  stop(): Promise<void> {
    return this.mirror.stop();
  }

  checkIp(ip: string): void {
    if (this.addresses.size === 0 && this.ranges.length === 0) return;
    const address = parseIp(ip);
    if (!address) return;
    let warned = false;
    const exact = this.live(this.addresses.get(ipKey(address)));
    if (exact?.state === "suspended") throw this.refuse(exact);
    if (exact) warned = true;
    for (const entry of this.ranges) {
      if (!entry.cidr || !cidrContains(entry.cidr, address) || !this.live(entry)) continue;
      if (entry.state === "suspended") throw this.refuse(entry);
      warned = true;
    }
    if (warned) this.counters.warningsServed++;
  }

  checkPrincipal(principal: Principal): void {
    if (this.keys.size === 0 && this.accounts.size === 0) return;
    const key = this.live(this.keys.get(principal.keyId));
    if (key?.state === "suspended") throw this.refuse(key);
    const account = this.live(this.accounts.get(principal.accountId));
    if (account?.state === "suspended") throw this.refuse(account);
    if (key || account) this.counters.warningsServed++;
  }

  stats(): SuspensionStats {
    const now = this.now();
    const count = (entries: Iterable<Entry>) => {
      let n = 0;
      for (const e of entries) if (e.expiresAt === null || e.expiresAt > now) n++;
      return n;
    };
    return {
      active: {
        account: count(this.accounts.values()),
        key: count(this.keys.values()),
        ip: count(this.addresses.values()) + count(this.ranges),
      },
      ...this.counters,
    };
  }

  /** The suspension in force for a target, if any (for operators' status views and tests). */
  lookup(targetType: TargetType, target: string): SuspensionNotice | undefined {
    if (targetType === "account") return this.live(this.accounts.get(target));
    if (targetType === "key") return this.live(this.keys.get(target));
    for (const entry of this.byId.values()) {
      if (entry.targetType === "ip" && entry.target === target) return this.live(entry);
    }
    return undefined;
  }

  /** Applies a notice at once; the detector calls this after inserting a block, ahead of NOTIFY. */
  apply(notice: SuspensionNotice): void {
    this.duringResync?.push(notice);
    this.put(notice, true);
  }

  /** Reloads every active suspension. Concurrent calls coalesce; a call during a run queues one more. */
  resync(reason: string): Promise<void> {
    return this.mirror.resync(reason);
  }

  private async runResync(reason: string): Promise<void> {
    this.duringResync = [];
    try {
      const rows = await listActiveSuspensions(this.options.store.pool);
      const previous = this.byId;
      this.byId = new Map();
      this.accounts = new Map();
      this.keys = new Map();
      this.addresses = new Map();
      this.ranges = [];
      // Only what is new to this agent cuts streams: a missed NOTIFY still ends them, a known row not again.
      for (const row of rows) {
        this.put(noticeOf(row), !previous.has(row.id));
      }
      for (const notice of this.duringResync) this.put(notice, false);
      this.options.logger?.debug({ reason, active: this.byId.size }, "suspensions resynced");
      this.emit("resync", { reason, active: this.byId.size });
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message, reason },
        "suspension resync failed; enforcing the suspensions already known",
      );
      throw error;
    } finally {
      this.duringResync = undefined;
    }
  }

  /** Applies what the tables say about rows a notification named. */
  private async reread(ids: string[]): Promise<void> {
    let rows: Suspension[];
    try {
      rows = await getSuspensionsByIds(this.options.store.pool, ids);
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "could not re-read notified suspensions; the next resync applies them",
      );
      throw error;
    }
    const found = new Set<string>();
    for (const row of rows) {
      found.add(row.id);
      const notice = noticeOf(row);
      this.duringResync?.push(notice);
      const previous = this.byId.get(notice.id);
      this.put(notice, !previous || !sameNotice(previous, notice));
    }
    // A row that is gone no longer holds anything back.
    for (const id of ids) {
      const previous = this.byId.get(id);
      if (found.has(id) || !previous) continue;
      const notice = { ...withoutCidr(previous), lifted: true };
      this.duringResync?.push(notice);
      this.put(notice, true);
    }
  }

  private put(notice: SuspensionNotice, fresh: boolean): void {
    const index = this.indexFor(notice);
    const previous = this.byId.get(notice.id);
    if (previous) this.remove(previous);
    if (notice.lifted || (notice.expiresAt !== null && notice.expiresAt <= this.now())) {
      if (fresh) this.emitApplied(notice);
      return;
    }
    let cidr: Cidr | undefined;
    if (notice.targetType === "ip") {
      try {
        cidr = parseCidr(notice.target);
      } catch {
        this.options.logger?.warn(
          { suspension: notice.id },
          "ignoring a suspension with an unreadable network",
        );
        return;
      }
    }
    const entry: Entry = { ...notice, cidr };
    // One open row per target in the store; a newer one has superseded whatever this replaces.
    const replaced = index ? index.get(notice.target) : this.findRange(notice.target);
    if (replaced) this.remove(replaced);
    this.byId.set(entry.id, entry);
    if (index) index.set(notice.target, entry);
    else if (cidr && isSingleAddress(cidr))
      this.addresses.set(ipKey({ version: cidr.version, value: cidr.network }), entry);
    else this.ranges.push(entry);
    if (fresh) {
      this.emitApplied(notice);
      if (entry.state === "suspended" && entry.targetType !== "ip") this.cutInFlight(entry);
    }
  }

  private indexFor(notice: SuspensionNotice): Map<string, Entry> | undefined {
    if (notice.targetType === "account") return this.accounts;
    if (notice.targetType === "key") return this.keys;
    return undefined;
  }

  private findRange(target: string): Entry | undefined {
    const cidr = (() => {
      try {
        return parseCidr(target);
      } catch {
        return undefined;
      }
    })();
    if (!cidr) return undefined;
    if (isSingleAddress(cidr))
      return this.addresses.get(ipKey({ version: cidr.version, value: cidr.network }));
    return this.ranges.find((e) => e.target === target);
  }

  private remove(entry: Entry): void {
    if (this.byId.get(entry.id) === entry) this.byId.delete(entry.id);
    const index = this.indexFor(entry);
    if (index) {
      if (index.get(entry.target) === entry) index.delete(entry.target);
      return;
    }
    if (entry.cidr && isSingleAddress(entry.cidr)) {
      const key = ipKey({ version: entry.cidr.version, value: entry.cidr.network });
      if (this.addresses.get(key) === entry) this.addresses.delete(key);
    } else {
      this.ranges = this.ranges.filter((e) => e !== entry);
    }
  }

  /** The entry if it is still in force; an expired one is dropped here, which is how expiry lifts. */
  private live(entry: Entry | undefined): Entry | undefined {
    if (!entry || entry.expiresAt === null || entry.expiresAt > this.now()) return entry;
    this.remove(entry);
    this.emitApplied({ ...entry, lifted: true });
    return undefined;
  }

  private refuse(entry: Entry): ApiError {
    this.counters.refused++;
    return this.errorFor(entry);
  }

  /** The answer a suspended target gets: the reason category only, never the note or who set it. */
  errorFor(entry: SuspensionNotice): ApiError {
    if (entry.targetType !== "ip") {
      return new ApiError(
        403,
        "invalid_request_error",
        `${MESSAGE_TARGET[entry.targetType]} suspended (reason: ${entry.reason}). Contact support.`,
        null,
        "account_suspended",
      );
    }
    if (entry.expiresAt === null) {
      return new ApiError(
        403,
        "invalid_request_error",
        `Requests from your IP address are blocked (reason: ${entry.reason}). Contact support.`,
        null,
        "ip_blocked",
      );
    }
    const seconds = Math.max(1, Math.ceil((entry.expiresAt - this.now()) / 1000));
    return new ApiError(
      403,
      "invalid_request_error",
      `Requests from your IP address are temporarily blocked (reason: ${entry.reason}). Retry after ${seconds} seconds.`,
      null,
      "ip_blocked",
      { "retry-after": String(seconds) },
    );
  }

  private cutInFlight(entry: Entry): void {
    const inFlight = this.options.inFlight;
    if (!inFlight || inFlight.size === 0) return;
    const matches =
      entry.targetType === "account"
        ? (r: { principal: Principal }) => r.principal.accountId === entry.target
        : (r: { principal: Principal }) => r.principal.keyId === entry.target;
    const cut = inFlight.cutWhere(matches, this.errorFor(entry));
    this.counters.cut += cut;
    if (cut > 0) {
      this.options.logger?.info(
        { suspension: entry.id, targetType: entry.targetType, cut },
        "ended generations of a suspended target",
      );
    }
  }

  private emitApplied(notice: SuspensionNotice): void {
    const at = performance.timeOrigin + performance.now();
    this.options.logger?.debug(
      {
        suspension: notice.id,
        targetType: notice.targetType,
        state: notice.state,
        lifted: notice.lifted,
        at,
      },
      "suspension applied",
    );
    this.emit("applied", notice, at);
  }
}
