// A connected cluster: the agent the profile names answers ListPeers, then the console opens one channel
// per peer (so a node's numbers never depend on another node being up) and watches each node's status.
import type { ListPeersResponse__Output, NodeSnapshot__Output } from "@entrim/proto";
import type { ClusterInfo, FleetEvent, OperatorIdentity, Peer, Profile } from "../common/index.js";
import { ConsoleError } from "../common/index.js";
import { AgentLink, type TlsMaterial, unaryCall, usableNodeName } from "./agent-link.js";
import { resumeStream } from "./resumable.js";

/** New nodes join the fleet view within this long. */
const PEER_REFRESH_MS = 5_000;

export class ClusterConnection {
  private readonly links = new Map<string, AgentLink>();
  private peers: Peer[] = [];
  private leader = "";
  private answeredBy = "";

  private constructor(
    readonly profile: Profile,
    readonly operator: OperatorIdentity,
    private readonly tls: TlsMaterial,
  ) {}

  static async connect(
    profile: Profile,
    operator: OperatorIdentity,
    tls: TlsMaterial,
  ): Promise<ClusterConnection> {
    const cluster = new ClusterConnection(profile, operator, tls);
    const failures: string[] = [];
    // Any one agent knows the whole registry; try them in the profile's order.
    for (const address of profile.addresses) {
      const seed = new AgentLink(address, tls, "seed");
      try {
        const answer = await listPeers(seed, 5_000);
        // The registry is believed only from an agent whose certificate is for the node it says it is.
        if (!usableNodeName(answer.answeredBy) || !seed.presentedNames.includes(answer.answeredBy)) {
          throw new ConsoleError(
            `the agent answered as node "${answer.answeredBy}" but its certificate is for ${seed.presentedNames.map((n) => `"${n}"`).join(", ") || "no node"}; refusing it`,
          );
        }
        cluster.adopt(answer);
        return cluster;
      } catch (error) {
        failures.push(`${address}: ${(error as { details?: string }).details || (error as Error).message}`);
      } finally {
        // Every node, the one that answered too, gets a channel that requires its name (adopt).
        seed.close();
      }
    }
    throw new ConsoleError(`No agent of "${profile.name}" answered: ${failures.join("; ")}`);
  }

  /** Takes a ListPeers answer: remembers the peers and opens a channel to each new one. */
  private adopt(answer: ListPeersResponse__Output): string[] {
    this.peers = answer.peers;
    this.leader = answer.leader;
    this.answeredBy = answer.answeredBy;
    const added: string[] = [];
    for (const peer of answer.peers) {
      if (!peer.controlAddress || this.links.has(peer.name)) continue;
      this.links.set(peer.name, new AgentLink(peer.controlAddress, this.tls, { node: peer.name }));
      added.push(peer.name);
    }
    return added;
  }

  info(): ClusterInfo {
    return {
      profile: this.profile.name,
      operator: this.operator,
      readOnly: this.profile.readOnly,
      answeredBy: this.answeredBy,
      leader: this.leader,
      peers: this.peers,
    };
  }

  link(node: string): AgentLink {
    const link = this.links.get(node);
    if (!link)
      throw new ConsoleError(`Node "${node}" has no control channel (unknown, or no control listener).`);
    return link;
  }

  /** Cluster-wide calls (abuse, audit) go to the agent that answered last, or any other. */
  async anyLink<T>(call: (link: AgentLink) => Promise<T>): Promise<T> {
    const ordered = [...this.links.entries()].sort(
      ([a], [b]) => Number(b === this.answeredBy) - Number(a === this.answeredBy),
    );
    let last: unknown = new ConsoleError("No agent is connected.");
    for (const [, link] of ordered) {
      try {
        return await call(link);
      } catch (error) {
        last = error;
        // Only an unreachable agent is worth trying another for; a refusal is the answer.
        if ((error as { code?: number }).code !== 14) throw error;
      }
    }
    throw last;
  }

  /** Emits peers, snapshots (1 Hz per node) and link states until `signal` aborts. */
  async watch(emit: (event: FleetEvent) => void, signal: AbortSignal): Promise<void> {
    const watching = new Set<string>();
    const startWatching = (node: string) => {
      if (watching.has(node)) return;
      watching.add(node);
      const link = this.link(node);
      emit({ type: "link", node, state: "connecting" });
      resumeStream<NodeSnapshot__Output>({
        open: () => link.node.watchStatus({ intervalMs: 1000 }),
        onMessage: (snapshot) => emit({ type: "snapshot", node, snapshot }),
        onState: (state, error) =>
          emit({
            type: "link",
            node,
            state: state === "failed" ? "closed" : state,
            ...(error ? { error } : {}),
          }),
        signal,
      });
    };
    const announce = () => {
      emit({ type: "peers", peers: this.peers, leader: this.leader });
      for (const peer of this.peers) {
        if (this.links.has(peer.name)) startWatching(peer.name);
        else emit({ type: "link", node: peer.name, state: "no-control" });
      }
    };
    announce();
    const timer = setInterval(async () => {
      try {
        this.adopt(await this.anyLink((link) => listPeers(link, 4_000)));
        announce();
      } catch {
        // Every agent unreachable: the per-node links already say so.
      }
    }, PEER_REFRESH_MS);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    clearInterval(timer);
  }

  close(): void {
    for (const link of new Set(this.links.values())) link.close();
    this.links.clear();
  }
}

function listPeers(link: AgentLink, timeoutMs: number): Promise<ListPeersResponse__Output> {
  return unaryCall<object, ListPeersResponse__Output>(
    (request, options, callback) => link.cluster.listPeers(request, options, callback),
    { includeStopped: false },
    timeoutMs,
  );
}
