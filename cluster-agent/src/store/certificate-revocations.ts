// The deny list of control-plane certificates (migration 0014). Agents mirror it in memory
// (control/revocations.ts); the CLI writes it (`certs revoke`).
import { type Db, isPgError, StoreError } from "./db.js";

export const REVOCATIONS_CHANNEL = "entrim_certificate_revocations";

export interface CertificateRevocation {
  /** Lower-case hex without leading zeros, or null when revoked by fingerprint alone. */
  serialNumber: string | null;
  /** SHA-256 of the DER certificate, "AB:CD:…", or null when revoked by serial alone. */
  fingerprint: string | null;
  /** "CN=alice, OU=operator, O=…" when known, else "". */
  subject: string;
  revokedAt: Date;
  revokedBy: string;
  reason: string;
}

/** A serial number as the deny list keeps it: hex, lower case, no separators or leading zeros. */
export function normalizeSerial(serial: string): string | undefined {
  const hex = serial.trim().replace(/:/g, "").toLowerCase();
  if (!/^[0-9a-f]{1,40}$/.test(hex)) return undefined;
  return hex.replace(/^0+(?=.)/, "");
}

/** A SHA-256 fingerprint as the deny list keeps it: upper-case hex pairs joined by colons. */
export function normalizeFingerprint(fingerprint: string): string | undefined {
  const hex = fingerprint.trim().replace(/:/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(":");
}

interface Row {
  serial_number: string | null;
  fingerprint: string | null;
  subject: string;
  revoked_at: Date;
  revoked_by: string;
  reason: string;
}

const fromRow = (r: Row): CertificateRevocation => ({
  serialNumber: r.serial_number,
  fingerprint: r.fingerprint,
  subject: r.subject,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
  reason: r.reason,
});

const COLUMNS = "serial_number, fingerprint, subject, revoked_at, revoked_by, reason";

/** Every revocation, newest first. The list stays small (a row per revoked certificate). */
export async function listRevocations(db: Db): Promise<CertificateRevocation[]> {
  const result = await db.query<Row>(
    `SELECT ${COLUMNS} FROM certificate_revocations ORDER BY revoked_at DESC, id DESC`,
  );
  return result.rows.map(fromRow);
}

/**
 * Adds a certificate to the deny list. Revoking one already listed keeps the first entry (its time and
 * author stand) and returns it, so a repeated command is harmless.
 */
export async function revokeCertificate(
  db: Db,
  input: {
    serialNumber?: string | undefined;
    fingerprint?: string | undefined;
    subject?: string;
    revokedBy: string;
    reason: string;
  },
): Promise<{ revocation: CertificateRevocation; created: boolean }> {
  const serial = input.serialNumber === undefined ? null : normalizeSerial(input.serialNumber);
  const fingerprint = input.fingerprint === undefined ? null : normalizeFingerprint(input.fingerprint);
  if (serial === undefined)
    throw new StoreError(
      "invalid",
      `"${input.serialNumber}" is not a serial number (hex, as \`certs revoked\` or openssl prints it).`,
    );
  if (fingerprint === undefined)
    throw new StoreError(
      "invalid",
      `"${input.fingerprint}" is not a SHA-256 fingerprint (64 hex digits, colons allowed).`,
    );
  if (!serial && !fingerprint)
    throw new StoreError("invalid", "Name the certificate by its file, serial number or fingerprint.");
  const reason = input.reason.trim();
  if (!reason)
    throw new StoreError(
      "invalid",
      "A revocation needs a reason (it goes to the audit log and the deny list).",
    );
  const existing = await db.query<Row>(
    `SELECT ${COLUMNS} FROM certificate_revocations
     WHERE serial_number = $1 OR fingerprint = $2 ORDER BY id LIMIT 1`,
    [serial, fingerprint],
  );
  if (existing.rows[0]) return { revocation: fromRow(existing.rows[0]), created: false };
  try {
    const inserted = await db.query<Row>(
      `INSERT INTO certificate_revocations (serial_number, fingerprint, subject, revoked_by, reason)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [serial, fingerprint, input.subject ?? "", input.revokedBy, reason],
    );
    return { revocation: fromRow(inserted.rows[0]!), created: true };
  } catch (error) {
    if (isPgError(error, "23514"))
      throw new StoreError("invalid", `Invalid revocation: ${(error as Error).message}.`);
    throw error;
  }
}
