// CertificateService: the control plane's certificate deny list, as `certs revoked` lists it and
// `certs revoke` writes it, for the console. The table's trigger NOTIFYs every agent, whose
// RevocationList then refuses the certificate on its next call.
import type {
  RevokeCertificateRequest__Output,
  RevokeCertificateResponse,
  CertificateRevocation as WireRevocation,
} from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import {
  type CertificateRevocation,
  listRevocations,
  normalizeFingerprint,
  normalizeSerial,
  revokeCertificate,
} from "../../store/certificate-revocations.js";
import type { Store } from "../../store/store.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import { ms } from "../convert.js";
import {
  type CallContext,
  failedPrecondition,
  invalidArgument,
  type ServiceImplementation,
  unary,
} from "../rpc.js";

export function toWireRevocation(r: CertificateRevocation): WireRevocation {
  return {
    serialNumber: r.serialNumber ?? "",
    fingerprint: r.fingerprint ?? "",
    subject: r.subject,
    revokedAtMs: ms(r.revokedAt),
    revokedBy: r.revokedBy,
    reason: r.reason,
  };
}

/** True when the serial or fingerprint names the certificate this call came with. */
function isOwn(context: CallContext, serial: string | undefined, fingerprint: string | undefined): boolean {
  const own = context.certificate;
  if (!own) return false;
  const ownSerial = own.serialNumber ? normalizeSerial(own.serialNumber) : undefined;
  const ownFingerprint = own.fingerprint256 ? normalizeFingerprint(own.fingerprint256) : undefined;
  return (
    (serial !== undefined && serial === ownSerial) ||
    (fingerprint !== undefined && fingerprint === ownFingerprint)
  );
}

export function certificateService(deps: { store: Store; recorder: AuditRecorder }): ServiceImplementation {
  const { pool } = deps.store;
  return {
    name: "entrim.agent.v1.CertificateService",
    definition: loadAgentProto().CertificateService.service,
    methods: {
      ListCertificateRevocations: unary("viewer", async () => ({
        revocations: (await listRevocations(pool)).map(toWireRevocation),
      })),
      RevokeCertificate: unary(
        "admin",
        async (
          request: RevokeCertificateRequest__Output,
          context: CallContext,
        ): Promise<RevokeCertificateResponse> => {
          const serialText = request.serialNumber.trim();
          const fingerprintText = request.fingerprint.trim();
          if (!serialText && !fingerprintText)
            throw invalidArgument("Name the certificate by its serial_number or its SHA-256 fingerprint.");
          const serial = serialText ? normalizeSerial(serialText) : undefined;
          const fingerprint = fingerprintText ? normalizeFingerprint(fingerprintText) : undefined;
          if (serialText && !serial)
            throw invalidArgument(
              `"${serialText}" is not a serial number (hex, as \`certs revoked\` or openssl prints it).`,
            );
          if (fingerprintText && !fingerprint)
            throw invalidArgument(
              `"${fingerprintText}" is not a SHA-256 fingerprint (64 hex digits, colons allowed).`,
            );
          // Revoking one's own certificate locks the caller out mid-incident; another admin must do it.
          if (isOwn(context, serial, fingerprint))
            throw failedPrecondition(
              "That is the certificate you are calling with; revoking it would lock you out. Ask another admin to revoke it.",
            );
          const reason = request.reason.trim();
          if (!reason) throw invalidArgument("reason is required: say why the certificate is revoked.");
          // The CLI's labels, so the audit log reads the same whichever way a certificate was revoked.
          const label = serial ? `serial ${serial}` : `fingerprint ${fingerprint}`;
          const result = await auditedChange(
            deps.recorder,
            pool,
            context,
            { action: "certificate.revoke", target: `certificate:${label}`, reason },
            (db) =>
              revokeCertificate(db, {
                serialNumber: serial,
                fingerprint,
                revokedBy: context.operator.name,
                reason,
              }),
          );
          return { revocation: toWireRevocation(result.revocation), created: result.created };
        },
      ),
    },
  };
}
