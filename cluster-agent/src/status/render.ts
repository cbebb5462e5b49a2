import { createHash } from "node:crypto";
import type { ModelStatus, PublicNotice, PublicStatus, ServiceState } from "./derive.js";

// Inline and hashed, so the policy can forbid every other source: the page needs no script at all.
const STYLE = `body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
.summary{font-size:1.25rem;padding:.75rem 1rem;border-left:.5rem solid #888}
.operational{border-color:#1b7f3b}.degraded{border-color:#b25e00}.unavailable{border-color:#b00020}
ul{padding-left:1.25rem}.state{font-weight:600}time{white-space:nowrap}`;

/** The page's Content-Security-Policy: nothing loads, nothing runs, only the one inline style applies. */
export const STATUS_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const LABEL: Record<ServiceState, string> = {
  operational: "Operational",
  degraded: "Degraded",
  unavailable: "Unavailable",
};

const STATUS_WORDS: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
  scheduled: "Scheduled",
  in_progress: "In progress",
  completed: "Completed",
  cancelled: "Cancelled",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const time = (iso: string) => `<time datetime="${iso}">${iso.slice(0, 16).replace("T", " ")} UTC</time>`;

function overall(status: PublicStatus): ServiceState {
  if (status.allOnline) return "operational";
  return status.models.some((m) => m.state === "unavailable") ? "unavailable" : "degraded";
}

function model(m: ModelStatus): string {
  const regions = m.regions
    .map(
      (r) =>
        `<li>${r.region ? escapeHtml(r.region) : "All regions"}: <span class="state">${LABEL[r.state]}</span></li>`,
    )
    .join("");
  return `<li><h3>${escapeHtml(m.model)}: <span class="state">${LABEL[m.state]}</span></h3><ul>${regions}</ul></li>`;
}

function notice(n: PublicNotice): string {
  const affected = [
    n.models.length > 0 ? `Models: ${n.models.map(escapeHtml).join(", ")}` : "",
    n.regions.length > 0 ? `Regions: ${n.regions.map(escapeHtml).join(", ")}` : "",
  ].filter(Boolean);
  const window =
    n.kind === "maintenance"
      ? `<p>From ${time(n.startsAt)} to ${time(n.endsAt ?? n.startsAt)}</p>`
      : `<p>Started ${time(n.startsAt)}${n.endsAt ? `, resolved ${time(n.endsAt)}` : ""}</p>`;
  const updates =
    n.kind === "incident" && n.updates.length > 0
      ? `<h4>Updates</h4><ol reversed>${n.updates
          .map(
            (u) =>
              `<li>${time(u.at)} <span class="state">${STATUS_WORDS[u.status] ?? escapeHtml(u.status)}</span>: ${escapeHtml(u.text)}</li>`,
          )
          .join("")}</ol>`
      : "";
  return `<article><h3>${escapeHtml(n.title)}</h3><p>Status: <span class="state">${STATUS_WORDS[n.status] ?? escapeHtml(n.status)}</span></p>${window}${
    affected.length > 0 ? `<p>${affected.join(". ")}</p>` : ""
  }${n.body ? `<p>${escapeHtml(n.body)}</p>` : ""}${updates}</article>`;
}

function section(title: string, notices: PublicNotice[], none: string): string {
  return `<section><h2>${title}</h2>${notices.length > 0 ? notices.map(notice).join("") : `<p>${none}</p>`}</section>`;
}

/** The accessible HTML page: headings in order, states in words (colour only repeats them). */
export function renderStatusPage(status: PublicStatus): string {
  const state = overall(status);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Service status</title><style>${STYLE}</style></head>
<body><header><h1>Service status</h1>
<p class="summary ${state}" role="status">${escapeHtml(status.summary)}</p>
<p>Updated ${time(status.generatedAt)}. Also as JSON at <a href="/status.json">/status.json</a>.</p></header>
<main><section><h2>Models</h2>${
    status.models.length > 0
      ? `<ul>${status.models.map(model).join("")}</ul>`
      : "<p>No models are listed.</p>"
  }</section>
${section("Open incidents", status.incidents, "No incidents are open.")}
${section("Scheduled maintenance", status.maintenance, "No maintenance is scheduled.")}
${section("Resolved incidents (last 14 days)", status.resolvedIncidents, "No incidents in the last 14 days.")}
</main></body></html>
`;
}
