// The console's Node side: one implementation per channel, shared by the Electron and browser carriers.
// Holds at most one connected cluster. No Electron import here (browser mode runs without Electron).
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type {
  AbuseFlag__Output,
  Account__Output,
  AccountDetail__Output,
  AuditEntry__Output,
  DrainProgress__Output,
  Suspension__Output,
  UndrainResponse__Output,
  VerifyAuditResponse__Output,
} from "@entrim/proto";
import { ConsoleError } from "../common/index.js";
import { unaryCall } from "./agent-link.js";
import { alertHandlers } from "./alert-handlers.js";
import { ClusterConnection } from "./cluster.js";
import { dataRequestHandlers } from "./data-request-handlers.js";
import { operatorFromCertificate } from "./identity.js";
import { noticeHandlers } from "./notice-handlers.js";
import type { ProfileStore } from "./profiles.js";
import { recordHandlers } from "./record-handlers.js";
import { rolloutHandlers } from "./rollout-handlers.js";
import type { Handlers } from "./router.js";
import { statusPageHandlers } from "./status-page-handlers.js";
import { ConsoleKnownHosts, HostKeyChecker } from "./terminal/host-keys.js";
import { newSessionLogPath } from "./terminal/session-logs.js";
import { TerminalSessions } from "./terminal/sessions.js";
import { MemoryPassphrases, type Passphrases, sshTarget, unlockKey } from "./terminal/target.js";
import { urgentHandlers } from "./urgent-handlers.js";

export interface HandlerDeps {
  profiles: ProfileStore;
  /** Reads a PEM file; Electron can swap in one that decrypts a key kept in safeStorage. */
  readPem?: (path: string) => Buffer;
  /** Shows an OS notification (Electron's Notification); browser mode has none, the page uses its own. */
  desktopNotify?: (title: string, body: string) => boolean;
  /** The console's own known-hosts store (default: known-hosts.json beside the profiles file). */
  knownHostsFile?: string;
  /** OpenSSH known_hosts files, read only (default: ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts). */
  opensshKnownHosts?: string[];
  /** Where session logs go (default: session-logs beside the profiles file; the app: its user data). */
  sessionLogDir?: string;
  /** Where ssh key passphrases are kept: memory (default, browser mode) or safeStorage (Electron). */
  passphrases?: Passphrases;
}

export function defaultOpensshKnownHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.ENTRIM_CONSOLE_SSH_KNOWN_HOSTS !== undefined)
    return env.ENTRIM_CONSOLE_SSH_KNOWN_HOSTS.split(":").filter(Boolean);
  return [join(homedir(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"];
}

export interface ConsoleHandlers extends Handlers {
  /** Closes the connected cluster (on quit). */
  dispose(): void;
}

export function createHandlers(deps: HandlerDeps): ConsoleHandlers {
  const readPem = deps.readPem ?? ((path: string) => readFileSync(path));
  let cluster: ClusterConnection | undefined;
  const passphrases = deps.passphrases ?? new MemoryPassphrases();
  const sessionLogDir = deps.sessionLogDir ?? join(dirname(deps.profiles.file), "session-logs");
  const terminals = new TerminalSessions(
    new HostKeyChecker(
      new ConsoleKnownHosts(deps.knownHostsFile ?? join(dirname(deps.profiles.file), "known-hosts.json")),
      deps.opensshKnownHosts ?? defaultOpensshKnownHosts(),
    ),
  );

  const connected = (): ClusterConnection => {
    if (!cluster) throw new ConsoleError("Not connected to a cluster.");
    return cluster;
  };
  // A read-only profile is enforced here too, not only by disabled buttons.
  const writable = (): ClusterConnection => {
    const c = connected();
    if (c.profile.readOnly) throw new ConsoleError(`Profile "${c.profile.name}" is read-only.`);
    return c;
  };

  return {
    listProfiles: async () => deps.profiles.list(),
    saveProfile: async (profile) => deps.profiles.saveFromWindow(profile),
    deleteProfile: async ({ profile }) => {
      deps.profiles.deleteFromWindow(profile);
      return null;
    },
    connect: async ({ profile: name }) => {
      const profile = deps.profiles.get(name);
      const cert = readPem(profile.certFile);
      const tls = { ca: readPem(profile.caFile), cert, key: readPem(profile.keyFile) };
      const next = await ClusterConnection.connect(profile, operatorFromCertificate(cert), tls);
      cluster?.close();
      cluster = next;
      return next.info();
    },
    disconnect: async () => {
      cluster?.close();
      cluster = undefined;
      return null;
    },
    watchFleet: async (_request, emit, signal) => connected().watch(emit, signal),
    drain: async ({ node, reason, deadlineSeconds }, emit, signal) => {
      const call = writable().link(node).node.drain({ reason, deadlineSeconds });
      signal.addEventListener("abort", () => call.cancel(), { once: true });
      await new Promise<void>((resolve, reject) => {
        call.on("data", (progress: DrainProgress__Output) => emit({ ...progress, node }));
        call.on("end", resolve);
        call.on("error", (error) => (signal.aborted ? resolve() : reject(error)));
      });
    },
    undrain: async ({ node, reason }) => {
      const link = writable().link(node);
      const answer = await unaryCall<object, UndrainResponse__Output>(
        (r, o, cb) => link.node.undrain(r, o, cb),
        { reason },
      );
      return { state: answer.state };
    },
    listAbuseFlags: async () =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { flags: AbuseFlag__Output[] }>((r, o, cb) => l.abuse.listAbuseFlags(r, o, cb), {
            includeResolved: false,
            limit: 500,
          }),
        )
      ).flags,
    listSuspensions: async ({ activeOnly }) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { suspensions: Suspension__Output[] }>(
            (r, o, cb) => l.abuse.listSuspensions(r, o, cb),
            {
              activeOnly,
              limit: 500,
            },
          ),
        )
      ).suspensions,
    suspend: async ({ kind, ...request }) =>
      writable().anyLink((l) =>
        unaryCall<object, Suspension__Output>(
          (r, o, cb) => (kind === "warn" ? l.abuse.warn(r, o, cb) : l.abuse.suspend(r, o, cb)),
          request,
        ),
      ),
    unsuspend: async (request) =>
      writable().anyLink((l) =>
        unaryCall<object, Suspension__Output>((r, o, cb) => l.abuse.unsuspend(r, o, cb), request),
      ),
    listAudit: async (request) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { entries: AuditEntry__Output[] }>(
            (r, o, cb) => l.audit.listAudit(r, o, cb),
            request,
          ),
        )
      ).entries,
    verifyAudit: async () =>
      connected().anyLink((l) =>
        unaryCall<object, VerifyAuditResponse__Output>(
          (r, o, cb) => l.audit.verifyAudit(r, o, cb),
          {},
          60_000,
        ),
      ),
    listAccounts: async (request) =>
      (
        await connected().anyLink((l) =>
          unaryCall<object, { accounts: Account__Output[] }>(
            (r, o, cb) => l.accounts.listAccounts(r, o, cb),
            request,
            30_000,
          ),
        )
      ).accounts,
    getAccount: async ({ id }) =>
      connected().anyLink((l) =>
        unaryCall<object, AccountDetail__Output>(
          (r, o, cb) => l.accounts.getAccount(r, o, cb),
          { id },
          30_000,
        ),
      ),
    ...recordHandlers(connected, writable),
    ...dataRequestHandlers(connected, writable),
    ...noticeHandlers(connected, writable),
    ...statusPageHandlers(connected, writable),
    ...urgentHandlers(connected, writable),
    ...alertHandlers(connected, writable),
    notifyDesktop: async ({ title, body }) => ({ shown: deps.desktopNotify?.(title, body) ?? false }),
    openTerminal: async ({ node, cols, rows, log, passphrase }, emit, signal) => {
      // A shell changes things: a read-only profile gets none.
      const c = writable();
      const { target, jump, keyFile } = sshTarget(c.profile, c.info().peers, node);
      const auth = keyFile
        ? unlockKey(keyFile, readPem(keyFile), passphrase ?? passphrases.get(keyFile))
        : { agent: process.env.SSH_AUTH_SOCK };
      if (!keyFile && !auth.agent)
        throw new ConsoleError(
          `Profile "${c.profile.name}" names no ssh keyFile and no ssh-agent is running.`,
        );
      const logFile = log ? newSessionLogPath(sessionLogDir, node) : undefined;
      let remembered = false;
      await terminals.run(
        { target, ...(jump && { jump }), auth, cols, rows, ...(logFile && { logFile }) },
        (event) => {
          // A passphrase that got the session open is worth keeping (memory, or safeStorage).
          if (event.type === "ready" && keyFile && passphrase && !remembered) {
            remembered = true;
            passphrases.put(keyFile, passphrase);
          }
          emit(event);
        },
        signal,
      );
    },
    terminalInput: async ({ session, data }) => {
      terminals.get(session).input(data);
      return null;
    },
    terminalAck: async ({ session, bytes }) => {
      terminals.get(session).ack(bytes);
      return null;
    },
    terminalResize: async ({ session, cols, rows }) => {
      terminals.get(session).resize(cols, rows);
      return null;
    },
    terminalHostKey: async ({ session, accept }) => {
      terminals.get(session).answerHostKey(accept);
      return null;
    },
    ...rolloutHandlers({ connected, writable }),
    dispose: () => {
      terminals.closeAll();
      cluster?.close();
      cluster = undefined;
    },
  };
}
