// One terminal tab's session: the terminal.open stream into xterm, keystrokes and resizes back, and
// acks once xterm has drawn output (its write callback), which is what lets the Node side pause a
// flood at the ssh channel instead of queueing it in the page.
import { type ConsoleApi, channels, type TerminalEvent } from "@entrim/electron/common";
import type { AppStore } from "../state/store.js";

/** The little of xterm this needs (tests pass a fake). */
export interface TermLike {
  cols: number;
  rows: number;
  write(data: Uint8Array, callback: () => void): void;
  focus(): void;
}

/** Acks go out in batches: one call per chunk of output would double the frames. */
const ACK_BATCH_BYTES = 32 * 1024;
const ACK_DELAY_MS = 20;
/** Pastes bigger than the input schema's limit go in several calls (in order: one socket). */
const INPUT_CHUNK = 16 * 1024;

export const NEEDS_PASSPHRASE = "needs its passphrase";

function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export class TerminalConnection {
  private session: string | undefined;
  private closeStream: (() => void) | undefined;
  private pendingAck = 0;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ConsoleApi,
    private readonly store: AppStore,
    private readonly tabId: string,
    private readonly term: TermLike,
  ) {}

  private tab() {
    return this.store.getState().terminals.find((t) => t.id === this.tabId);
  }

  private update(patch: Parameters<ReturnType<AppStore["getState"]>["updateTerminal"]>[1]): void {
    this.store.getState().updateTerminal(this.tabId, patch);
  }

  private fail(error: unknown): void {
    this.store.getState().notify("error", `Terminal: ${(error as Error).message ?? error}`);
  }

  open(passphrase?: string): void {
    const tab = this.tab();
    if (!tab) return;
    this.close();
    this.update({ status: "connecting", message: undefined, hostKey: undefined, needsPassphrase: false });
    let stream: (() => void) | undefined;
    const request = {
      node: tab.node,
      cols: this.term.cols,
      rows: this.term.rows,
      ...(tab.log && { log: true }),
      ...(passphrase && { passphrase }),
    };
    stream = this.api.stream(channels.openTerminal, request, {
      message: (event) => this.onEvent(event),
      end: (error) => {
        if (this.closeStream !== stream && stream !== undefined) return;
        this.session = undefined;
        this.closeStream = undefined;
        if (error)
          this.update({
            status: "failed",
            message: error,
            needsPassphrase: error.includes(NEEDS_PASSPHRASE),
          });
        else if (this.tab()?.status !== "exited") this.update({ status: "exited", message: "closed" });
      },
    });
    this.closeStream = stream;
  }

  private onEvent(event: TerminalEvent): void {
    switch (event.type) {
      case "session":
        this.session = event.session;
        return;
      case "hostKey":
        this.update({
          status: "hostKey",
          hostKey: {
            host: event.host,
            port: event.port,
            keyType: event.keyType,
            fingerprint: event.fingerprint,
          },
        });
        return;
      case "ready":
        this.update({
          status: "open",
          message: event.target,
          hostKey: undefined,
          ...(event.logFile && { logFile: event.logFile }),
        });
        this.term.focus();
        return;
      case "data": {
        const bytes = fromBase64(event.data);
        this.term.write(bytes, () => this.ack(bytes.length));
        return;
      }
      case "exit":
        this.update({
          status: "exited",
          message: event.signal ? `killed by ${event.signal}` : `exited with ${event.code ?? "?"}`,
        });
        return;
    }
  }

  private ack(bytes: number): void {
    this.pendingAck += bytes;
    if (this.pendingAck >= ACK_BATCH_BYTES) this.flushAck();
    else this.ackTimer ??= setTimeout(() => this.flushAck(), ACK_DELAY_MS);
  }

  private flushAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    const bytes = this.pendingAck;
    this.pendingAck = 0;
    if (!this.session || bytes === 0) return;
    this.api.call(channels.terminalAck, { session: this.session, bytes }).catch(() => undefined);
  }

  input(data: string): void {
    if (!this.session || this.tab()?.status !== "open") return;
    for (let at = 0; at < data.length; at += INPUT_CHUNK) {
      this.api
        .call(channels.terminalInput, { session: this.session, data: data.slice(at, at + INPUT_CHUNK) })
        .catch((error) => this.fail(error));
    }
  }

  resize(cols: number, rows: number): void {
    if (!this.session) return;
    this.api.call(channels.terminalResize, { session: this.session, cols, rows }).catch(() => undefined);
  }

  answerHostKey(accept: boolean): void {
    if (!this.session) return;
    this.update({ status: "connecting", hostKey: undefined });
    this.api
      .call(channels.terminalHostKey, { session: this.session, accept })
      .catch((error) => this.fail(error));
  }

  close(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.pendingAck = 0;
    const close = this.closeStream;
    this.closeStream = undefined;
    this.session = undefined;
    close?.();
  }
}
