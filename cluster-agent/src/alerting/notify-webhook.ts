// The Alertmanager-compatible webhook: the JSON body Alertmanager's webhook_config POSTs (version "4"),
// so a receiver written for Alertmanager (PagerDuty/Opsgenie bridges, alertmanager-webhook-* tools)
// takes ours unchanged. One alert per message, grouped by its own fingerprint: the leader already
// keeps one alert per condition, so there is nothing to group. Outbound only; the body carries node
// names, GPU indexes and words, never customer data.
import { createHash } from "node:crypto";
import type { Alert } from "../store/alerts.js";

export interface WebhookTarget {
  url: string;
  /** Sent as "Authorization: Bearer <token>"; never logged. */
  bearerToken?: string | undefined;
}

export interface AlertmanagerAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerMessage {
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

/** Alertmanager's "zero time" for an alert without an end. */
const NO_END = "0001-01-01T00:00:00Z";

/** Alertmanager's fingerprints are 16 hex digits of a label hash; ours hash the alert's fingerprint. */
export function shortFingerprint(fingerprint: string): string {
  return createHash("sha256").update(fingerprint).digest("hex").slice(0, 16);
}

export function alertLabels(alert: Alert, cluster: string): Record<string, string> {
  const labels: Record<string, string> = { alertname: alert.rule, severity: alert.severity, cluster };
  if (alert.node) labels.node = alert.node;
  if (alert.subject) labels.subject = alert.subject;
  for (const [k, v] of Object.entries(alert.labels)) labels[k] ??= v;
  return labels;
}

export function alertmanagerMessage(
  alert: Alert,
  options: { receiver: string; externalUrl: string; cluster: string },
): AlertmanagerMessage {
  const labels = alertLabels(alert, options.cluster);
  const annotations = {
    summary: alert.summary,
    description: `${alert.summary} (alert ${alert.id}, since ${alert.firstFiredAt.toISOString()})`,
  };
  return {
    version: "4",
    groupKey: `{}:{alertname="${alert.rule}", fingerprint="${alert.fingerprint}"}`,
    truncatedAlerts: 0,
    status: alert.state,
    receiver: options.receiver,
    groupLabels: { alertname: alert.rule },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: options.externalUrl,
    alerts: [
      {
        status: alert.state,
        labels,
        annotations,
        startsAt: alert.firstFiredAt.toISOString(),
        endsAt: alert.resolvedAt ? alert.resolvedAt.toISOString() : NO_END,
        generatorURL: `${options.externalUrl.replace(/\/$/, "")}/alerts/${alert.id}`,
        fingerprint: shortFingerprint(alert.fingerprint),
      },
    ],
  };
}

export interface PostOptions {
  attempts: number;
  /** First wait between attempts; doubles each time. */
  backoffMs: number;
  timeoutMs: number;
}

export const DEFAULT_POST: PostOptions = { attempts: 3, backoffMs: 1000, timeoutMs: 10_000 };

/**
 * POSTs one message, retrying on network errors, 5xx and 429 with exponential backoff; a 4xx other
 * than 429 is the receiver refusing the message, so it is not retried. Throws with the last failure
 * in words that never include the token.
 */
export async function postWebhook(
  target: WebhookTarget,
  message: AlertmanagerMessage,
  options: PostOptions = DEFAULT_POST,
): Promise<void> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.bearerToken) headers.authorization = `Bearer ${target.bearerToken}`;
  const body = JSON.stringify(message);
  let last = "";
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      last = (error as Error).name === "TimeoutError" ? "timed out" : "connection failed";
    }
    if (attempt < options.attempts)
      await new Promise((r) => setTimeout(r, options.backoffMs * 2 ** (attempt - 1)));
  }
  throw new Error(`webhook ${redactedUrl(target.url)} failed: ${last}`);
}

/** The URL as logs show it: without user info or query (either may carry a secret). */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid url)";
  }
}
