// Channels of the public status page: what /status shows now, the incidents and maintenance posted,
// and posting them (the agent allows operators only). Kept apart from channels.ts (which spreads
// them in), like the record channels. Everything posted here is public text.
import type { StatusIncident__Output } from "@entrim/proto";
import { z } from "zod";
import { getRequestChannel as req, returns } from "./channel.js";

export type StatusIncident = StatusIncident__Output;

/** /status.json as the agent serves it (docs/status-page.md). */
export interface PublicStatus {
  summary: string;
  allOnline: boolean;
  generatedAt: string;
  models: { model: string; state: string; regions: { region: string; state: string }[] }[];
  incidents: { id: string; title: string; status: string }[];
  maintenance: { id: string; title: string; status: string }[];
  resolvedIncidents: { id: string; title: string; status: string }[];
}

const names = z.array(z.string().trim().min(1).max(200)).max(100).default([]);
const incidentId = z.string().regex(/^(inc|mnt)_[a-z0-9]{16,40}$/, "expected an incident or maintenance id");

export const postIncidentRequest = z
  .object({
    title: z.string().trim().min(1, "say what customers notice").max(200),
    body: z.string().trim().max(5000).default(""),
    models: names,
    regions: names,
  })
  .strict();
export const updateIncidentRequest = z
  .object({
    id: incidentId,
    status: z.enum(["", "investigating", "identified", "monitoring", "resolved"]).default(""),
    text: z.string().trim().min(1, "say what changed (it is public)").max(5000),
  })
  .strict();
export const postMaintenanceRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().max(5000).default(""),
    models: names,
    regions: names,
    startsAtMs: z.number().int().positive(),
    endsAtMs: z.number().int().positive(),
  })
  .strict();
export const cancelMaintenanceRequest = z
  .object({ id: incidentId, reason: z.string().trim().min(3, "say why (it is public)").max(5000) })
  .strict();

export const statusPageChannels = {
  getPublicStatus: req("status.public", z.object({}).strict(), returns<PublicStatus>),
  listIncidents: req("status.incidents", z.object({}).strict(), returns<StatusIncident[]>),
  postIncident: req("status.postIncident", postIncidentRequest, returns<StatusIncident>),
  updateIncident: req("status.updateIncident", updateIncidentRequest, returns<StatusIncident>),
  postMaintenance: req("status.postMaintenance", postMaintenanceRequest, returns<StatusIncident>),
  cancelMaintenance: req("status.cancelMaintenance", cancelMaintenanceRequest, returns<StatusIncident>),
} as const;
