// Certificates: the cluster's deny list (every role reads it) and, for admins, revoking an operator's
// certificate by serial number or fingerprint. The agent refuses revoking the caller's own.
import { useEffect } from "react";
import { time } from "../format.js";
import { ActionButton } from "./ActionButton.js";
import { useApp, useAppState } from "./context.js";

export function CertificatesPanel() {
  const { controller } = useApp();
  const revocations = useAppState((s) => s.revocations);
  useEffect(() => void controller.urgent.loadRevocations(), [controller]);
  return (
    <section className="certificates" aria-label="Certificates" data-testid="certificates">
      <div className="filters">
        <h3>Revoked certificates</h3>
        <span className="spacer" />
        <ActionButton id="cert.revoke" />
      </div>
      <table className="dense">
        <thead>
          <tr>
            <th>Revoked</th>
            <th>Subject</th>
            <th>Serial</th>
            <th>Fingerprint</th>
            <th>By</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {revocations.map((r) => (
            <tr key={`${r.serialNumber}/${r.fingerprint}`}>
              <td>{time(Number(r.revokedAtMs))}</td>
              <td>{r.subject}</td>
              <td>
                <code>{r.serialNumber}</code>
              </td>
              <td className="ellipsis" title={r.fingerprint}>
                <code>{r.fingerprint}</code>
              </td>
              <td>{r.revokedBy}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
          {revocations.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                No certificate is revoked.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
