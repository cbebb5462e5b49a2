// The GDPR deadline alert: a data-subject request still open with 7 days or less left (critical once
// overdue). Fed by the request list the console polls; pure, like rules.ts.
import type { DataSubjectRequest } from "@entrim/electron/common";
import { deadlineOf } from "../state/requestsSlice.js";
import type { AlertCondition } from "./rules.js";

export function requestAlerts(requests: DataSubjectRequest[], nowMs: number): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const r of requests) {
    const deadline = deadlineOf(r, nowMs);
    if (!deadline || deadline.level === "ok") continue;
    const who = r.accountName ? `${r.accountName} (${r.accountId})` : r.accountId;
    out.push({
      // Stable per request: the severity moving to critical at the deadline keeps one alert.
      id: `gdpr-deadline:${r.id}`,
      kind: "gdpr-deadline",
      severity: deadline.level === "overdue" ? "critical" : "warning",
      node: "",
      message: `GDPR request deadline near: ${r.kind} request of ${who} due ${new Date(Number(r.dueAtMs)).toISOString().slice(0, 10)}, ${deadline.label}`,
    });
  }
  return out;
}
