// Every agent's copy of the certificate deny list (migration 0014), checked on every control call and
// artifact download. The same mirror as the key and suspension caches: LISTEN first, then a full read;
// every NOTIFY (a hint, never trusted: anyone who can connect may send one) and every reconnect re-reads
// the table, and a periodic resync backs both up. While the store is away the last list stays in force:
// a revocation, once seen, is never forgotten for want of a database.
import { EventEmitter } from "node:events";
import type { PeerCertificate } from "node:tls";
import { status } from "@grpc/grpc-js";
import type { Logger } from "../common/log.js";
import {
  type CertificateRevocation,
  listRevocations,
  normalizeFingerprint,
  normalizeSerial,
  REVOCATIONS_CHANNEL,
} from "../store/certificate-revocations.js";
import { StoreMirror } from "../store/mirror.js";
import type { Store } from "../store/store.js";
import { RpcError } from "./rpc.js";

/** What the checks need: the peer certificate's serial number and fingerprint, as TLS reports them. */
export type CertificateIds = Pick<PeerCertificate, "serialNumber" | "fingerprint256">;

/** Answers whether a certificate is revoked; RevocationList is the store-backed one. */
export interface RevocationCheck {
  revocationOf(certificate: CertificateIds): CertificateRevocation | undefined;
  /** Calls `listener` after the list may have changed; returns the unsubscribe function. */
  subscribe?(listener: () => void): () => void;
}

/** The refusal a revoked caller sees: what, when, by whom and why, and what to do. */
export function revokedMessage(revocation: CertificateRevocation): string {
  const what = revocation.subject ? `certificate (${revocation.subject})` : "certificate";
  return (
    `This client ${what} was revoked on ${revocation.revokedAt.toISOString()} by ${revocation.revokedBy}` +
    ` (reason: ${revocation.reason}). Ask an admin for a new one (\`entrim-agent certs issue-operator\`).`
  );
}

/** Throws UNAUTHENTICATED, naming the revocation, when the certificate is on the deny list. */
export function checkNotRevoked(
  check: RevocationCheck | undefined,
  certificate: CertificateIds | undefined,
): void {
  if (!check || !certificate) return;
  const revocation = check.revocationOf(certificate);
  if (revocation) throw new RpcError(status.UNAUTHENTICATED, revokedMessage(revocation));
}

export interface RevocationListOptions {
  store: Pick<Store, "pool" | "listen">;
  logger?: Logger | undefined;
  /** Full re-read, a safety net under NOTIFY (default 30 s). */
  resyncIntervalMs?: number;
}

/** Emits "resync" ({ reason, revoked }) after every read of the table. */
export class RevocationList extends EventEmitter implements RevocationCheck {
  private bySerial = new Map<string, CertificateRevocation>();
  private byFingerprint = new Map<string, CertificateRevocation>();
  private readonly mirror: StoreMirror;

  constructor(private readonly options: RevocationListOptions) {
    super();
    this.mirror = new StoreMirror({
      store: options.store,
      channel: REVOCATIONS_CHANNEL,
      load: (reason) => this.reload(reason),
      resyncIntervalMs: options.resyncIntervalMs ?? 30_000,
      onBackgroundError: (error, reason) => this.warnNotRefreshed(error, reason),
    });
  }

  get size(): number {
    return this.bySerial.size + this.byFingerprint.size;
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  stop(): Promise<void> {
    return this.mirror.stop();
  }

  /** Re-reads the table; failures are logged and the current list stays. */
  resync(reason: string): Promise<void> {
    return this.mirror.resync(reason).catch((error: Error) => this.warnNotRefreshed(error, reason));
  }

  private warnNotRefreshed(error: Error, reason: string): void {
    this.options.logger?.warn(
      { err: error.message, reason },
      "certificate deny list not refreshed; keeping the one in memory",
    );
  }

  subscribe(listener: () => void): () => void {
    this.on("resync", listener);
    return () => this.off("resync", listener);
  }

  revocationOf(certificate: CertificateIds): CertificateRevocation | undefined {
    const serial = certificate.serialNumber ? normalizeSerial(certificate.serialNumber) : undefined;
    const fingerprint = certificate.fingerprint256
      ? normalizeFingerprint(certificate.fingerprint256)
      : undefined;
    return (
      (serial && this.bySerial.get(serial)) ||
      (fingerprint && this.byFingerprint.get(fingerprint)) ||
      undefined
    );
  }

  private async reload(reason: string): Promise<void> {
    const rows = await listRevocations(this.options.store.pool);
    const bySerial = new Map<string, CertificateRevocation>();
    const byFingerprint = new Map<string, CertificateRevocation>();
    for (const row of rows) {
      if (row.serialNumber) bySerial.set(row.serialNumber, row);
      if (row.fingerprint) byFingerprint.set(row.fingerprint, row);
    }
    this.bySerial = bySerial;
    this.byFingerprint = byFingerprint;
    this.options.logger?.debug({ reason, revoked: rows.length }, "certificate deny list read");
    this.emit("resync", { reason, revoked: rows.length });
  }
}
