// Wraps a control that needs a role on a writable profile: disabled with the reason when not allowed.
import { allows, type Role } from "@entrim/electron/common";
import { cloneElement, type ReactElement } from "react";
import { useAppState } from "./context.js";

export function gateReason(
  cluster: { readOnly: boolean; profile: string; operator: { role: Role } } | undefined,
  need: Role,
): string | undefined {
  if (!cluster) return "Connect to a cluster first.";
  if (cluster.readOnly) return `Profile "${cluster.profile}" is read-only.`;
  if (!allows(cluster.operator.role, need))
    return `Needs the ${need} role; your certificate names ${cluster.operator.role}.`;
  return undefined;
}

export function ActionGate({
  need,
  children,
}: {
  need: Role;
  children: ReactElement<{ disabled?: boolean; title?: string }>;
}) {
  const cluster = useAppState((s) => s.cluster);
  const reason = gateReason(cluster, need);
  if (!reason) return children;
  return cloneElement(children, { disabled: true, title: reason });
}
