// An alert as an email to the on-call addresses, queued through the agent's mailer (kind "alert") in
// the same transaction that records the notification. Plain text: node names and words, no customer data.
import type { AlertingConfig } from "../config/alerting.js";
import type { Alert } from "../store/alerts.js";

export function alertMail(alert: Alert, config: Pick<AlertingConfig, "cluster" | "externalUrl">) {
  const state = alert.state === "resolved" ? "RESOLVED" : alert.severity.toUpperCase();
  const subject = `[${config.cluster}] ${state}: ${alert.summary}`.replace(/[\r\n]+/g, " ").slice(0, 900);
  const lines = [
    `${alert.state === "resolved" ? "Resolved" : "Firing"}: ${alert.summary}`,
    "",
    `Rule:      ${alert.rule}`,
    `Severity:  ${alert.severity}`,
    ...(alert.node ? [`Node:      ${alert.node}`] : []),
    ...(alert.subject ? [`Subject:   ${alert.subject}`] : []),
    `Since:     ${alert.firstFiredAt.toISOString()}`,
    ...(alert.resolvedAt ? [`Resolved:  ${alert.resolvedAt.toISOString()}`] : []),
    `Alert id:  ${alert.id}`,
    "",
    alert.state === "resolved"
      ? "No action needed."
      : "Acknowledge or silence it in the operations console (Alerts) so it stops repeating.",
    ...(config.externalUrl ? [`${config.externalUrl.replace(/\/$/, "")}/alerts/${alert.id}`] : []),
  ];
  return { subject, text: `${lines.join("\n")}\n` };
}
