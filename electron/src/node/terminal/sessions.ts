// Terminal sessions: an ssh2 client (through a jump host when the profile names one), a shell with a
// pty, output streamed to the renderer with flow control, input/resize/acks by session id.
// Flow control: the renderer acknowledges bytes once xterm has drawn them; past HIGH_WATER unacked
// bytes the ssh channel is paused, so ssh2 stops widening its window and the remote blocks instead of
// the console buffering a `cat /dev/urandom` without bound (and the page drowning in frames).
import { randomBytes } from "node:crypto";
import { createWriteStream, openSync, type WriteStream } from "node:fs";
import type { Duplex } from "node:stream";
import type { ClientChannel, ConnectConfig, Client as SshClient } from "ssh2";
import ssh2 from "ssh2";

// ssh2 is CommonJS without named exports Node can see.
const { Client } = ssh2;

import { ConsoleError, type TerminalEvent } from "../../common/index.js";
import { changedMessage, type HostKeyChecker } from "./host-keys.js";
import { hostName } from "./known-hosts.js";

export const HIGH_WATER = 256 * 1024;
export const LOW_WATER = 64 * 1024;
/** Covers the operator reading the host-key question: ssh2 counts it against readyTimeout. */
const READY_TIMEOUT_MS = 180_000;

export interface SshHop {
  host: string;
  port: number;
  user: string;
}

export interface SshAuth {
  privateKey?: Buffer;
  passphrase?: string;
  /** An ssh-agent socket ($SSH_AUTH_SOCK), used when there is no key. */
  agent?: string;
}

export interface OpenOptions {
  target: SshHop;
  jump?: SshHop;
  auth: SshAuth;
  cols: number;
  rows: number;
  logFile?: string;
}

class Session {
  private channel: ClientChannel | undefined;
  private readonly clients: SshClient[] = [];
  private unacked = 0;
  private paused = false;
  private failure: string | undefined;
  private hostKeyAnswer: ((accept: boolean) => void) | undefined;
  private log: WriteStream | undefined;

  constructor(
    readonly id: string,
    private readonly hostKeys: HostKeyChecker,
    private readonly emit: (event: TerminalEvent) => void,
    private readonly signal: AbortSignal,
  ) {}

  private verifier(hop: SshHop) {
    return (key: Buffer, verify: (ok: boolean) => void): void => {
      const target = hostName(hop.host, hop.port);
      let decision: ReturnType<HostKeyChecker["decide"]>;
      try {
        decision = this.hostKeys.decide(hop.host, hop.port, key);
      } catch (error) {
        this.failure = `Cannot check the host key of ${target}: ${(error as Error).message}`;
        verify(false);
        return;
      }
      if (decision.kind === "known") {
        verify(true);
        return;
      }
      if (decision.kind !== "unknown") {
        this.failure = changedMessage(target, decision);
        verify(false);
        return;
      }
      this.hostKeyAnswer = (accept) => {
        this.hostKeyAnswer = undefined;
        if (!accept) {
          this.failure = `Host key ${decision.fingerprint} of ${target} was not accepted.`;
          verify(false);
          return;
        }
        try {
          this.hostKeys.accept(hop.host, hop.port, key);
        } catch (error) {
          this.failure = `Cannot remember the host key of ${target}: ${(error as Error).message}`;
          verify(false);
          return;
        }
        verify(true);
      };
      this.emit({
        type: "hostKey",
        host: hop.host,
        port: hop.port,
        keyType: decision.keyType,
        fingerprint: decision.fingerprint,
      });
    };
  }

  answerHostKey(accept: boolean): void {
    if (!this.hostKeyAnswer) throw new ConsoleError("No host key question is open for this session.");
    this.hostKeyAnswer(accept);
  }

  private connect(hop: SshHop, auth: SshAuth, sock?: Duplex): Promise<SshClient> {
    const client = new Client();
    this.clients.push(client);
    const config: ConnectConfig = {
      host: hop.host,
      port: hop.port,
      username: hop.user,
      readyTimeout: READY_TIMEOUT_MS,
      keepaliveInterval: 20_000,
      hostVerifier: this.verifier(hop),
      ...(sock && { sock }),
      ...(auth.privateKey
        ? { privateKey: auth.privateKey, passphrase: auth.passphrase }
        : { agent: auth.agent }),
    };
    return new Promise((resolve, reject) => {
      // A persistent listener: an EventEmitter "error" without one would crash the console.
      client.on("error", (error) => reject(this.explain(hop, error)));
      client.once("close", () => reject(this.explain(hop, new Error("connection closed"))));
      client.once("ready", () => resolve(client));
      client.connect(config);
    });
  }

  private explain(hop: SshHop, error: Error): ConsoleError {
    const target = `${hop.user}@${hostName(hop.host, hop.port)}`;
    if (this.failure) return new ConsoleError(this.failure);
    if ((error as { level?: string }).level === "client-authentication")
      return new ConsoleError(`${target} refused the key (publickey authentication failed).`);
    return new ConsoleError(`ssh ${target}: ${error.message}`);
  }

  private forward(via: SshClient, hop: SshHop): Promise<Duplex> {
    return new Promise((resolve, reject) =>
      via.forwardOut("127.0.0.1", 0, hop.host, hop.port, (error, stream) =>
        error
          ? reject(
              new ConsoleError(
                `The jump host cannot reach ${hostName(hop.host, hop.port)}: ${error.message}`,
              ),
            )
          : resolve(stream),
      ),
    );
  }

  async run(options: OpenOptions): Promise<void> {
    if (options.logFile) {
      // Opened first and synchronously: a bad path is the operator's to fix before any shell starts.
      let fd: number;
      try {
        // "wx": a new file only, so nothing planted at the path (a link elsewhere) is followed.
        fd = openSync(options.logFile, "wx", 0o600);
      } catch (error) {
        throw new ConsoleError(`Cannot open the session log ${options.logFile}: ${(error as Error).message}`);
      }
      this.log = createWriteStream("", { fd });
      // A full disk stops the log, not the session (the stream closes the fd itself).
      this.log.on("error", () => {
        this.log = undefined;
      });
    }
    const aborted = new Promise<void>((resolve) => {
      if (this.signal.aborted) resolve();
      this.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    const session = (async () => {
      let sock: Duplex | undefined;
      if (options.jump) {
        const jump = await this.connect(options.jump, options.auth);
        sock = await this.forward(jump, options.target);
      }
      const client = await this.connect(options.target, options.auth, sock);
      const channel = await new Promise<ClientChannel>((resolve, reject) =>
        client.shell({ term: "xterm-256color", cols: options.cols, rows: options.rows }, (error, ch) =>
          error ? reject(new ConsoleError(`No shell: ${error.message}`)) : resolve(ch),
        ),
      );
      this.channel = channel;
      this.emit({
        type: "ready",
        target: `${options.target.user}@${hostName(options.target.host, options.target.port)}`,
        ...(options.logFile && { logFile: options.logFile }),
      });
      let exit: { code: number | null; signal?: string } = { code: null };
      await new Promise<void>((resolve) => {
        channel.on("data", (chunk: Buffer) => this.output(chunk));
        channel.stderr.on("data", (chunk: Buffer) => this.output(chunk));
        channel.on("exit", (code: number | null, signalName?: string) => {
          exit = signalName ? { code, signal: signalName } : { code };
        });
        channel.on("close", () => resolve());
      });
      this.emit({ type: "exit", ...exit });
    })();
    // The stream's close (tab closed, socket gone) ends the session wherever it is.
    session.catch(() => undefined);
    const log = this.log;
    try {
      await Promise.race([session, aborted]);
    } finally {
      this.close();
      // The log is complete on disk when the stream ends (an operator may open it right away).
      if (log && !log.closed) await new Promise<void>((resolve) => log.once("close", () => resolve()));
    }
  }

  private output(chunk: Buffer): void {
    this.log?.write(chunk);
    this.unacked += chunk.length;
    if (!this.paused && this.unacked > HIGH_WATER) {
      this.paused = true;
      this.channel?.pause();
    }
    this.emit({ type: "data", data: chunk.toString("base64") });
  }

  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    if (this.paused && this.unacked <= LOW_WATER) {
      this.paused = false;
      this.channel?.resume();
    }
  }

  /** Paused while the renderer is behind; for tests and the flood check. */
  get isPaused(): boolean {
    return this.paused;
  }

  input(data: string): void {
    if (!this.channel) throw new ConsoleError("The shell is not open yet.");
    this.channel.write(data);
  }

  resize(cols: number, rows: number): void {
    this.channel?.setWindow(rows, cols, 0, 0);
  }

  close(): void {
    this.hostKeyAnswer?.(false);
    this.channel?.close();
    for (const client of this.clients.reverse()) client.end();
    this.log?.end();
    this.log = undefined;
  }
}

export class TerminalSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(readonly hostKeys: HostKeyChecker) {}

  /** Runs one session until the shell exits, it fails, or `signal` aborts; emits its id first. */
  async run(options: OpenOptions, emit: (event: TerminalEvent) => void, signal: AbortSignal): Promise<void> {
    const id = randomBytes(18).toString("base64url");
    const session = new Session(id, this.hostKeys, emit, signal);
    this.sessions.set(id, session);
    emit({ type: "session", session: id });
    try {
      await session.run(options);
    } finally {
      this.sessions.delete(id);
    }
  }

  get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw new ConsoleError("No such terminal session (closed?).");
    return session;
  }

  closeAll(): void {
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }
}
