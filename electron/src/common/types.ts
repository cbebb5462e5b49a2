// Shapes that cross the carrier. Agent messages are passed as the generated `__Output` types (plain
// JSON: longs as numbers, enums as names); only type imports, so the renderer bundle stays free of grpc.
import type {
  AbuseFlag__Output,
  Account__Output,
  AccountDetail__Output,
  AuditEntry__Output,
  CatalogModel__Output,
  DrainProgress__Output,
  NodeSnapshot__Output,
  NodeState__Output,
  Peer__Output,
  Rollout__Output,
  Suspension__Output,
  VerifyAuditResponse__Output,
} from "@entrim/proto";
import type { Role } from "./roles.js";
import type { SshSettings } from "./schemas.js";

export type NodeSnapshot = NodeSnapshot__Output;
export type NodeState = NodeState__Output;
export type Peer = Peer__Output;
export type DrainProgress = DrainProgress__Output;
export type AbuseFlag = AbuseFlag__Output;
export type Suspension = Suspension__Output;
export type AuditEntry = AuditEntry__Output;
export type Account = Account__Output;
export type AccountDetail = AccountDetail__Output;
export type AuditVerification = VerifyAuditResponse__Output;

/** Who the console acts as: read from the profile's client certificate (CN and OU). */
export interface OperatorIdentity {
  name: string;
  role: Role;
  /** Certificate expiry, epoch ms. */
  notAfterMs: number;
}

export interface ProfileSummary {
  name: string;
  addresses: string[];
  caFile: string;
  certFile: string;
  keyFile: string;
  readOnly: boolean;
  ssh?: SshSettings;
  /** Read from certFile; undefined with `problem` set when it cannot be read. */
  operator?: OperatorIdentity;
  problem?: string;
}

/** How the console's channel to one agent is doing. */
export type LinkState = "connecting" | "ready" | "reconnecting" | "no-control" | "closed";

export interface ClusterInfo {
  profile: string;
  operator: OperatorIdentity;
  readOnly: boolean;
  /** The agent that answered ListPeers. */
  answeredBy: string;
  leader: string;
  peers: Peer[];
}

export type FleetEvent =
  | { type: "peers"; peers: Peer[]; leader: string }
  | { type: "snapshot"; node: string; snapshot: NodeSnapshot }
  | { type: "link"; node: string; state: LinkState; error?: string };

export interface DrainEvent extends DrainProgress {
  node: string;
}

/** What a terminal session tells the renderer, in this order: session, maybe hostKey, ready, data..., exit. */
export type TerminalEvent =
  /** The id the input, resize, ack and host-key calls name. */
  | { type: "session"; session: string }
  /** The host's key is in neither known-hosts source: answer with terminal.hostKey. */
  | { type: "hostKey"; host: string; port: number; keyType: string; fingerprint: string }
  /** `logFile`: where the Node side is logging this session's output, when asked to. */
  | { type: "ready"; target: string; logFile?: string }
  /** Output bytes, base64; acknowledge them with terminal.ack once shown. */
  | { type: "data"; data: string }
  | { type: "exit"; code: number | null; signal?: string };

export type Rollout = Rollout__Output;
export type RolloutState = Rollout__Output["state"];
export type RolloutNodeState = Rollout__Output["nodes"][number]["state"];
/** A catalogue model: its versions (oldest first) and which node serves, stages or is asked for which. */
export type CatalogModel = CatalogModel__Output;

/** A watched rollout: its state on every change; link states while the stream is being resumed. */
export type RolloutWatchEvent =
  | { type: "rollout"; rollout: Rollout }
  | { type: "link"; state: "ready" | "reconnecting" | "closed"; error?: string };
