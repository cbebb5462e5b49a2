// One gRPC channel to one agent, shared by the clients of every service (grpc-js channelOverride), over
// TLS with the operator's client certificate. grpc-js reconnects the channel by itself; streams are
// resumed by resumable.ts.
import { isIP } from "node:net";
import { type PeerCertificate, checkServerIdentity as standardCheck } from "node:tls";
import {
  type AbuseServiceClient,
  type AccountServiceClient,
  type AlertsServiceClient,
  type AuditServiceClient,
  type CertificateServiceClient,
  type ClusterServiceClient,
  loadAgentProto,
  type NodeServiceClient,
  type NoticesServiceClient,
  type RolloutServiceClient,
  type StatusPageServiceClient,
} from "@entrim/proto";
import {
  type ChannelOptions,
  type Client,
  type ClientReadableStream,
  credentials,
  type ServiceError,
} from "@grpc/grpc-js";

export interface TlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Keepalive finds a dead agent behind a silent network within ~30 s instead of the TCP timeout. */
export const CHANNEL_OPTIONS: ChannelOptions = {
  "grpc.keepalive_time_ms": 20_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 0,
  "grpc.initial_reconnect_backoff_ms": 500,
  "grpc.max_reconnect_backoff_ms": 10_000,
  "grpc.max_receive_message_length": 16 << 20,
};

/**
 * Names that every node certificate carries (the agent's `certs issue-node` adds them so a node can dial
 * itself), so they can never tell one node from another: a name matching these identifies no node.
 */
function sharedName(name: string): boolean {
  return isIP(name) !== 0 || /^localhost(\.localdomain)?\.?$/i.test(name) || /\.localhost\.?$/i.test(name);
}

/** The node names a certificate is for: its CN and DNS subject alt names, less the shared ones above. */
export function certificateNodeNames(cert: PeerCertificate): string[] {
  const alt = (cert.subjectaltname ?? "")
    .split(", ")
    .filter((n) => n.startsWith("DNS:"))
    .map((n) => n.slice(4));
  const cn = cert.subject?.CN;
  const names = [...(Array.isArray(cn) ? cn : cn ? [cn] : []), ...alt];
  return [...new Set(names)].filter((n) => n && !sharedName(n));
}

/** Whether a node name can be required of a certificate at all (empty and shared names cannot). */
export function usableNodeName(name: string | undefined): name is string {
  return typeof name === "string" && name.length > 0 && !sharedName(name);
}

/**
 * The identity check of a channel to a known node: the certificate (already chained to the cluster CA by
 * TLS) must be for that node by name. The address's host does not count: every node certificate also
 * names localhost and 127.0.0.1, and another node's certificate may name the same address, so a host
 * match would let node B answer for node A. An empty or shared expected name is refused, never waived.
 */
export function nodeIdentityCheck(expectedNode: string) {
  return (host: string, cert: PeerCertificate): Error | undefined => {
    if (!usableNodeName(expectedNode))
      return new Error(
        `Refusing the agent at ${host}: "${expectedNode}" cannot identify a node (empty, localhost or an address); give the node a name of its own.`,
      );
    const names = certificateNodeNames(cert);
    if (names.includes(expectedNode)) return undefined;
    return new Error(
      `Refusing the agent at ${host}: its certificate is for ${names.map((n) => `"${n}"`).join(", ") || "no node"}, not for node "${expectedNode}". Another node, or an impostor, answers at that address; check the node's control address and certificate.`,
    );
  };
}

/**
 * The check of a channel to a profile's address, before the console knows which node is there: the
 * usual host name check, and the names are kept so the answer's `answeredBy` can be held against them
 * (ClusterConnection.connect) before anything the agent says is believed.
 */
export function seedIdentityCheck(seen: (names: string[]) => void) {
  return (host: string, cert: PeerCertificate): Error | undefined => {
    const standard = standardCheck(host, cert);
    if (!standard) seen(certificateNodeNames(cert));
    return standard;
  };
}

export class AgentLink {
  readonly node: NodeServiceClient;
  readonly cluster: ClusterServiceClient;
  readonly abuse: AbuseServiceClient;
  readonly audit: AuditServiceClient;
  readonly accounts: AccountServiceClient;
  readonly notices: NoticesServiceClient;
  readonly rollouts: RolloutServiceClient;
  readonly status: StatusPageServiceClient;
  readonly certs: CertificateServiceClient;
  readonly alerts: AlertsServiceClient;

  /** The node names of the certificate a seed link's agent presented (empty until the handshake). */
  presentedNames: string[] = [];

  /**
   * `expectedNode`: the node the registry says lives at `address`, required of its certificate. `seed`:
   * a profile's address, where no node is known yet; the caller must check `presentedNames`.
   */
  constructor(
    readonly address: string,
    tls: TlsMaterial,
    expected: { node: string } | "seed",
  ) {
    const proto = loadAgentProto();
    const creds = credentials.createSsl(tls.ca, tls.key, tls.cert, {
      checkServerIdentity:
        expected === "seed"
          ? seedIdentityCheck((names) => {
              this.presentedNames = names;
            })
          : nodeIdentityCheck(expected.node),
    });
    this.node = new proto.NodeService(address, creds, CHANNEL_OPTIONS);
    const channelOverride = (this.node as Client).getChannel();
    const shared = { ...CHANNEL_OPTIONS, channelOverride };
    this.cluster = new proto.ClusterService(address, creds, shared);
    this.abuse = new proto.AbuseService(address, creds, shared);
    this.audit = new proto.AuditService(address, creds, shared);
    this.accounts = new proto.AccountService(address, creds, shared);
    this.notices = new proto.NoticesService(address, creds, shared);
    this.rollouts = new proto.RolloutService(address, creds, shared);
    this.status = new proto.StatusPageService(address, creds, shared);
    this.certs = new proto.CertificateService(address, creds, shared);
    this.alerts = new proto.AlertsService(address, creds, shared);
  }

  close(): void {
    // The clients share one channel: closing it once closes them all.
    this.node.close();
  }
}

/** Wraps a grpc-js unary call in a promise, with a deadline so a hung agent cannot hang the UI. */
export function unaryCall<Req, Res>(
  method: (
    request: Req,
    options: { deadline: Date },
    callback: (error: ServiceError | null, response?: Res) => void,
  ) => unknown,
  request: Req,
  timeoutMs = 10_000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, { deadline: new Date(Date.now() + timeoutMs) }, (error, response) => {
      if (error) reject(error);
      else resolve(response as Res);
    });
  });
}

export type ServerStream<T> = ClientReadableStream<T>;
