// The operator's identity is whatever their client certificate says: CN is the name the agent writes to
// the audit log, OU the role it enforces. The console reads the same fields to explain what is allowed.
import { X509Certificate } from "node:crypto";
import { ConsoleError, isRole, type OperatorIdentity } from "../common/index.js";

/** Values of one attribute in an X.509 subject as node:crypto prints it ("CN=a\nOU=b"). */
function attribute(subject: string, key: string): string[] {
  return subject
    .split("\n")
    .map((line) => line.split("="))
    .filter(([k]) => k === key)
    .map(([, ...rest]) => rest.join("="));
}

export function operatorFromCertificate(pem: string | Buffer): OperatorIdentity {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (error) {
    throw new ConsoleError(`Not a PEM certificate: ${(error as Error).message}`);
  }
  const name = attribute(cert.subject, "CN")[0];
  const roles = attribute(cert.subject, "OU").filter(isRole);
  if (!name) throw new ConsoleError("The client certificate names no operator (CN).");
  if (roles.length !== 1) {
    throw new ConsoleError(
      "The client certificate must name exactly one role (OU viewer, operator or admin).",
    );
  }
  return { name, role: roles[0]!, notAfterMs: Date.parse(cert.validTo) };
}
