import type { Logger } from "../common/log.js";
import { StoreMirror } from "../store/mirror.js";
import { listNodes, type NodeRecord } from "../store/nodes.js";
import type { Store } from "../store/store.js";

/** The channel 0003_rate_limits.sql's trigger notifies on when a node joins, leaves or changes state. */
export const NODES_CHANNEL = "entrim_nodes";

/**
 * This node's part of a cluster-wide limit when `nodes` serving nodes split it and this one is
 * `index` in name order: the floor for everyone, the remainder one each to the first nodes, so the
 * shares sum to exactly `limit`. A node never gets 0 of a positive limit (it could then serve no one
 * at all): for limit < nodes that rounds up, and the cluster admits at most `nodes` instead of `limit`.
 */
export function shareOf(limit: number, nodes: number, index: number): number {
  if (nodes <= 1) return limit;
  const share = Math.floor(limit / nodes) + (index < limit % nodes ? 1 : 0);
  return limit >= 1 ? Math.max(1, share) : share;
}

/** Serving nodes: ready, with a heartbeat newer than `liveMs`, always including this node itself. */
export function liveNodeNames(nodes: NodeRecord[], self: string, now: number, liveMs: number): string[] {
  const names = nodes
    .filter((n) => n.name === self || (n.state === "ready" && now - n.heartbeatAt.getTime() <= liveMs))
    .map((n) => n.name);
  if (!names.includes(self)) names.push(self);
  return names.sort();
}

export interface ClusterShareOptions {
  store: Pick<Store, "pool" | "listen">;
  /** This node's name in the registry. */
  self: string;
  /** A node whose heartbeat is older than this is not serving (agents beat every 10 s). */
  liveMs?: number;
  /** Re-reads the registry this often: it is how crashed nodes (no NOTIFY) drop out. */
  refreshMs?: number;
  logger?: Logger | undefined;
  now?: () => number;
}

/**
 * Tracks how many nodes serve the cluster and where this one stands among them, from the node
 * registry: re-read periodically and at once when a node's state changes. Until the first read, and
 * whenever the store is away, it keeps the last membership it knew (fail-static); at start that is
 * this node alone, which is only ever more generous for the seconds before the first read.
 */
export class ClusterShare {
  private count = 1;
  private index = 0;
  private names: readonly string[];
  /** A refresh during a read queues one more: that read may have begun before the change it is for. */
  private readonly mirror: StoreMirror;

  constructor(private readonly options: ClusterShareOptions) {
    this.names = [options.self];
    // Every notification, reconnect and tick re-reads the whole registry (it is small).
    this.mirror = new StoreMirror({
      store: options.store,
      channel: NODES_CHANNEL,
      load: () => this.read(),
      resyncIntervalMs: options.refreshMs ?? 5_000,
    });
  }

  /** Live node names, in the order shares are handed out. */
  get nodes(): readonly string[] {
    return this.names;
  }

  /** This node's share of a cluster-wide limit. */
  share(limit: number): number {
    return shareOf(limit, this.count, this.index);
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  async stop(): Promise<void> {
    await this.mirror.stop();
    await this.mirror.running;
  }

  /**
   * Re-reads the registry; concurrent calls coalesce into at most one more read, and the returned
   * promise settles after a read that began after this call. Never rejects.
   */
  refresh(): Promise<void> {
    return this.mirror.resync("refresh");
  }

  private async read(): Promise<void> {
    const { self, liveMs = 30_000 } = this.options;
    try {
      const nodes = await listNodes(this.options.store.pool);
      // The database's clock judges heartbeats it stamped itself; ours may differ from it.
      const clock = await this.options.store.pool.query<{ now: Date }>("SELECT now() AS now");
      const now = this.options.now?.() ?? clock.rows[0]!.now.getTime();
      const names = liveNodeNames(nodes, self, now, liveMs);
      if (names.join("\n") !== this.names.join("\n")) {
        this.options.logger?.info({ nodes: names.length, index: names.indexOf(self) }, "rate-limit shares");
      }
      this.names = names;
      this.count = names.length;
      this.index = names.indexOf(self);
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error).message },
        "cannot read the node registry; keeping the last rate-limit shares",
      );
    }
  }
}
