import { EventEmitter } from "node:events";
import { ApiError } from "../common/errors.js";
import type { Logger } from "../common/log.js";
import {
  type Cidr,
  cidrContains,
  clientNetwork,
  formatCidr,
  formatIp,
  ipKey,
  parseCidr,
  parseIp,
} from "../domain/cidr.js";
import type { Db } from "../store/db.js";
import { createSuspension, type Suspension } from "../store/suspensions.js";
import type { AdmissionGate } from "./gate.js";
import { noticeOf, type SuspensionNotice } from "./suspensions.js";

export interface IpBlockOptions {
  /** Failed authentications from one address within the window that trigger a block. */
  failures: number;
  windowMs: number;
  blockMs: number;
  /** Addresses tracked at once; the least recently failing one is forgotten beyond it. */
  maxTrackedIps: number;
  /** Networks never blocked automatically (monitoring, a customer's known NAT). */
  allowList: string[];
  /**
   * Records the block as a suspension (target: the address, or an IPv6 /64; reason security; expiry);
   * its NOTIFY then makes every agent refuse the address.
   */
  record(block: { network: string; expiresAt: Date; note: string }): Promise<Suspension>;
  logger?: Logger | undefined;
  now?: () => number;
}

/** Emitted as "blocked", for security events. An IP address is metadata we may record; nothing else is. */
export interface IpBlockedEvent {
  ip: string;
  network: string;
  failures: number;
  windowSeconds: number;
  expiresAt: Date;
  /** Null when the store was unreachable and the block is held by this agent alone. */
  suspensionId: string | null;
}

/** Counting and blocking key: one per IPv4 address, one per IPv6 /64. */
function clientKey(address: { version: 4 | 6; value: bigint }): string {
  const network = clientNetwork(address);
  return ipKey({ version: network.version, value: network.network });
}

/** Reasons that look like guessing; a request without any key is a misconfigured client instead. */
const COUNTED = new Set(["malformed", "unknown", "revoked"]);

interface Tracked {
  /** Times of recent failures, oldest first; never longer than the threshold. */
  times: number[];
  /** Set once a block was triggered, so further failures do not record it again. */
  blockedUntil: number;
}

/**
 * fail2ban for API keys: counts failed authentications per client (IPv4 address, IPv6 /64) in a sliding window and,
 * at the threshold, blocks the address for a while by recording an expiring suspension. The count is
 * per agent; once one agent blocks, every agent refuses the address before authenticating it.
 *
 * Emits "blocked" (IpBlockedEvent).
 */
export class IpBlocker extends EventEmitter implements AdmissionGate {
  private readonly tracked = new Map<string, Tracked>();
  /** Blocks the store could not record (ipKey → until): this agent enforces them itself. */
  private readonly localBlocks = new Map<string, number>();
  private readonly allow: Cidr[];
  private readonly now: () => number;

  constructor(private readonly options: IpBlockOptions) {
    super();
    this.allow = options.allowList.map((c) => parseCidr(c));
    this.now = options.now ?? Date.now;
  }

  get trackedIps(): number {
    return this.tracked.size;
  }

  /** Only blocks the store could not record: the rest are the suspension cache's to enforce. */
  checkIp(ip: string): void {
    if (this.localBlocks.size === 0) return;
    const address = parseIp(ip);
    const key = address && clientKey(address);
    const until = key && this.localBlocks.get(key);
    if (!key || !until) return;
    const left = until - this.now();
    if (left <= 0) {
      this.localBlocks.delete(key);
      return;
    }
    const seconds = Math.ceil(left / 1000);
    throw new ApiError(
      403,
      "invalid_request_error",
      `Requests from your IP address are temporarily blocked (reason: security). Retry after ${seconds} seconds.`,
      null,
      "ip_blocked",
      { "retry-after": String(seconds) },
    );
  }

  onAuthFailure(ip: string, reason: string): void {
    if (!COUNTED.has(reason)) return;
    const address = parseIp(ip);
    if (!address || this.allow.some((cidr) => cidrContains(cidr, address))) return;
    const key = clientKey(address);
    const now = this.now();
    let entry = this.tracked.get(key);
    if (entry)
      this.tracked.delete(key); // re-inserted below: Map order is least recently failing first
    else entry = { times: [], blockedUntil: 0 };
    this.tracked.set(key, entry);
    if (this.tracked.size > this.options.maxTrackedIps) {
      this.tracked.delete(this.tracked.keys().next().value!);
    }
    if (entry.blockedUntil > now) return;
    const since = now - this.options.windowMs;
    const times = entry.times;
    while (times.length > 0 && times[0]! <= since) times.shift();
    times.push(now);
    if (times.length > this.options.failures) times.shift();
    if (times.length >= this.options.failures) this.block(address, key, entry, now);
  }

  private block(address: { version: 4 | 6; value: bigint }, key: string, entry: Tracked, now: number): void {
    const failures = entry.times.length;
    entry.times = [];
    entry.blockedUntil = now + this.options.blockMs;
    const ip = formatIp(address.version, address.value);
    // IPv6 is blocked per /64, the network it was counted by: another address of it is the same client.
    const network = formatCidr(clientNetwork(address));
    const windowSeconds = Math.round(this.options.windowMs / 1000);
    const expiresAt = new Date(entry.blockedUntil);
    const note = `automatic: ${failures} failed authentications in ${windowSeconds} s`;
    const announce = (suspensionId: string | null) => {
      this.options.logger?.warn(
        { ip, failures, windowSeconds, expiresAt: expiresAt.toISOString(), suspension: suspensionId },
        "blocked an IP address after repeated failed authentications",
      );
      const event: IpBlockedEvent = { ip, network, failures, windowSeconds, expiresAt, suspensionId };
      this.emit("blocked", event);
    };
    this.options.record({ network, expiresAt, note }).then(
      (suspension) => announce(suspension.id),
      (error: Error) => {
        // Fail-static: the store is away, so this agent holds the block alone until it expires.
        this.localBlocks.set(key, entry.blockedUntil);
        if (this.localBlocks.size > this.options.maxTrackedIps) {
          this.localBlocks.delete(this.localBlocks.keys().next().value!);
        }
        this.options.logger?.error(
          { err: error.message, ip },
          "could not record an IP block in the store; enforcing it on this agent only",
        );
        announce(null);
      },
    );
  }
}

/**
 * The usual `record` for IpBlocker: inserts the suspension and applies it to this agent's cache at
 * once, without waiting for its own NOTIFY to come back.
 */
export function recordIpBlockIn(
  db: Db,
  nodeName: string,
  cache?: { apply(notice: SuspensionNotice): void },
): IpBlockOptions["record"] {
  return async ({ network, expiresAt, note }) => {
    const row = await createSuspension(db, {
      targetType: "ip",
      target: network,
      state: "suspended",
      reason: "security",
      note,
      expiresAt,
      createdBy: `agent:${nodeName}`,
    });
    cache?.apply(noticeOf(row));
    return row;
  };
}
