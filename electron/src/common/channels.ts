// Every channel of the console, by id. Handlers (src/node/handlers.ts) implement exactly these.
import { alertChannels } from "./alerts.js";
import { getRequestChannel as req, returns, getStreamChannel as stream } from "./channel.js";
import { dataRequestChannels } from "./data-requests.js";
import { noticeChannels } from "./notices.js";
import { recordChannels } from "./records.js";
import * as s from "./schemas.js";
import { statusPageChannels } from "./status-page.js";
import type {
  AbuseFlag,
  Account,
  AccountDetail,
  AuditEntry,
  AuditVerification,
  CatalogModel,
  ClusterInfo,
  DrainEvent,
  FleetEvent,
  NodeState,
  ProfileSummary,
  Rollout,
  RolloutWatchEvent,
  Suspension,
  TerminalEvent,
} from "./types.js";
import { urgentChannels } from "./urgent.js";

export const channels = {
  listProfiles: req("profiles.list", s.empty, returns<ProfileSummary[]>),
  saveProfile: req("profiles.save", s.profileSchema, returns<ProfileSummary>),
  deleteProfile: req("profiles.delete", s.profileRef, returns<null>),
  connect: req("cluster.connect", s.profileRef, returns<ClusterInfo>),
  disconnect: req("cluster.disconnect", s.empty, returns<null>),
  /** Peers, snapshots and link states of the connected cluster, until closed. */
  watchFleet: stream("fleet.watch", s.empty, returns<FleetEvent>),
  /** Starts (or joins) a drain of one node and streams its progress until done. */
  drain: stream("node.drain", s.drainRequest, returns<DrainEvent>),
  undrain: req("node.undrain", s.undrainRequest, returns<{ state: NodeState }>),
  listAbuseFlags: req("abuse.flags", s.empty, returns<AbuseFlag[]>),
  listSuspensions: req("abuse.suspensions", s.listSuspensionsRequest, returns<Suspension[]>),
  suspend: req("abuse.suspend", s.suspendRequest, returns<Suspension>),
  unsuspend: req("abuse.unsuspend", s.unsuspendRequest, returns<Suspension>),
  listAudit: req("audit.list", s.listAuditRequest, returns<AuditEntry[]>),
  verifyAudit: req("audit.verify", s.empty, returns<AuditVerification>),
  listAccounts: req("accounts.list", s.listAccountsRequest, returns<Account[]>),
  getAccount: req("accounts.get", s.getAccountRequest, returns<AccountDetail>),
  ...recordChannels,
  ...dataRequestChannels,
  ...noticeChannels,
  ...statusPageChannels,
  ...urgentChannels,
  ...alertChannels,
  /** Shows an alert as an OS notification where the carrier can (the desktop app); false elsewhere. */
  notifyDesktop: req("alerts.notify", s.desktopNotice, returns<{ shown: boolean }>),
  /** An ssh shell on a node; closing the stream closes the session. */
  openTerminal: stream("terminal.open", s.terminalOpenRequest, returns<TerminalEvent>),
  terminalInput: req("terminal.input", s.terminalInputRequest, returns<null>),
  /** Output bytes the renderer has shown; the Node side stops reading past a window of unacked bytes. */
  terminalAck: req("terminal.ack", s.terminalAckRequest, returns<null>),
  terminalResize: req("terminal.resize", s.terminalResizeRequest, returns<null>),
  terminalHostKey: req("terminal.hostKey", s.terminalHostKeyAnswer, returns<null>),
  /** The catalogue: each model's versions and which node serves which. */
  listModels: req("rollouts.models", s.empty, returns<CatalogModel[]>),
  listRollouts: req("rollouts.list", s.listRolloutsRequest, returns<Rollout[]>),
  /** One rollout now and on every change until it ends; resumed (from a fresh state) after reconnects. */
  watchRollout: stream("rollouts.watch", s.rolloutRef, returns<RolloutWatchEvent>),
  startRollout: req("rollouts.start", s.startRolloutRequest, returns<Rollout>),
  /** Pause, resume, abort or roll back, with a reason for the audit log. */
  rolloutAction: req("rollouts.action", s.rolloutActionRequest, returns<Rollout>),
} as const;

export type Channels = typeof channels;
