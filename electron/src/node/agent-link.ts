// One gRPC channel to one agent, shared by the clients of every service (grpc-js channelOverride), over
// TLS with the operator's client certificate. grpc-js reconnects the channel by itself; streams are
// resumed by resumable.ts.
import { type PeerCertificate, checkServerIdentity as standardCheck } from "node:tls";
import {
  type AbuseServiceClient,
  type AccountServiceClient,
  type AuditServiceClient,
  type ClusterServiceClient,
  loadAgentProto,
  type NodeServiceClient,
  type RolloutServiceClient,
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
 * Hostname check that also accepts a node certificate issued for the node's registry name: the
 * registry tells which node lives at an address, and the certificate must be for that node. The chain
 * is always checked against the cluster CA first (by TLS itself).
 */
export function nodeIdentityCheck(expectedNode: string | undefined) {
  return (host: string, cert: PeerCertificate): Error | undefined => {
    const standard = standardCheck(host, cert);
    if (!standard || !expectedNode) return standard;
    const names = [
      cert.subject?.CN,
      ...(cert.subjectaltname ?? "").split(", ").map((n) => n.replace(/^DNS:/, "")),
    ];
    return names.includes(expectedNode) ? undefined : standard;
  };
}

export class AgentLink {
  readonly node: NodeServiceClient;
  readonly cluster: ClusterServiceClient;
  readonly abuse: AbuseServiceClient;
  readonly audit: AuditServiceClient;
  readonly accounts: AccountServiceClient;
  readonly rollouts: RolloutServiceClient;

  constructor(
    readonly address: string,
    tls: TlsMaterial,
    expectedNode?: string,
  ) {
    const proto = loadAgentProto();
    const creds = credentials.createSsl(tls.ca, tls.key, tls.cert, {
      checkServerIdentity: nodeIdentityCheck(expectedNode),
    });
    this.node = new proto.NodeService(address, creds, CHANNEL_OPTIONS);
    const channelOverride = (this.node as Client).getChannel();
    const shared = { ...CHANNEL_OPTIONS, channelOverride };
    this.cluster = new proto.ClusterService(address, creds, shared);
    this.abuse = new proto.AbuseService(address, creds, shared);
    this.audit = new proto.AuditService(address, creds, shared);
    this.accounts = new proto.AccountService(address, creds, shared);
    this.rollouts = new proto.RolloutService(address, creds, shared);
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
