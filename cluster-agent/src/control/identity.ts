// Who is calling: the operator named by the client certificate TLS has already verified against the
// cluster CA. The certificate is the only credential; there are no tokens or passwords to check here.
import type { PeerCertificate } from "node:tls";
import { status } from "@grpc/grpc-js";
import { isRole, type Operator, ROLES } from "../domain/roles.js";
import { RpcError } from "./rpc.js";

/** Any grpc-js server call (`getAuthContext` arrived in grpc-js 1.10; its type is not exported). */
export interface CallWithAuth {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
}

/**
 * The operator behind a call: CN is the name, OU the role. grpc-js reports `sslPeerCertificate` only
 * for a TLS socket whose peer chain verified (`socket.authorized`), so a certificate here is one the
 * cluster CA issued. Throws UNAUTHENTICATED without one (the server requires client certificates, so
 * this means a misconfigured server) and PERMISSION_DENIED for a certificate that names no role, such
 * as an agent's own node certificate (OU=node).
 */
export function operatorOf(call: CallWithAuth): Operator {
  const certificate = call.getAuthContext().sslPeerCertificate;
  if (!certificate)
    throw new RpcError(
      status.UNAUTHENTICATED,
      "No verified client certificate; connect with an operator certificate from `entrim-agent certs issue-operator`.",
    );
  return operatorFromCertificate(certificate);
}

export function operatorFromCertificate(certificate: Pick<PeerCertificate, "subject">): Operator {
  const name = single(certificate.subject?.CN);
  const unit = single(certificate.subject?.OU);
  if (!name) throw new RpcError(status.PERMISSION_DENIED, "The client certificate has no common name (CN).");
  if (!unit || !isRole(unit))
    throw new RpcError(
      status.PERMISSION_DENIED,
      `The certificate of ${name} names no operator role (OU is ${unit ? `"${unit}"` : "missing"}, ` +
        `expected one of ${ROLES.join(", ")}); use an operator certificate from \`entrim-agent certs issue-operator\`.`,
    );
  return { name, role: unit };
}

// Node gives a repeated attribute as an array (its types say string); a certificate with two CNs or
// two OUs is ambiguous about who it is, so it names nobody.
function single(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
