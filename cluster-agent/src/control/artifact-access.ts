// Who may download model artifacts from a node's peer share (cache/peers.ts): model weights are the
// provider's property. The cluster's nodes may (they fetch from each other during rollouts), and so may
// operators and admins (who stage and check them); a viewer's certificate is for watching the fleet,
// and a revoked certificate for nothing.
import type { PeerCertificate } from "node:tls";
import type { ArtifactClientCheck } from "../cache/peers.js";
import { allows, type Operator } from "../domain/roles.js";
import { operatorFromCertificate } from "./identity.js";
import { type RevocationCheck, revokedMessage } from "./revocations.js";
import { RpcError } from "./rpc.js";

/** certs.ts NODE_UNIT, without loading the PKI code into every agent. */
const NODE_UNIT = "node";

export function artifactClientCheck(revocations: RevocationCheck | undefined): ArtifactClientCheck {
  return (certificate: PeerCertificate) => {
    const revoked = revocations?.revocationOf(certificate);
    if (revoked) return revokedMessage(revoked);
    if (certificate.subject?.OU === NODE_UNIT && typeof certificate.subject.CN === "string") return undefined;
    let operator: Operator;
    try {
      operator = operatorFromCertificate(certificate);
    } catch (error) {
      if (error instanceof RpcError) return error.message;
      throw error;
    }
    if (!allows(operator.role, "operator"))
      return `Downloading model artifacts needs the operator role or a node certificate; your certificate (${operator.name}) names ${operator.role}.`;
    return undefined;
  };
}
