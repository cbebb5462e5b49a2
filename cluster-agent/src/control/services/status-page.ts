import type {
  CancelMaintenanceRequest__Output,
  ListIncidentsRequest__Output,
  PostIncidentRequest__Output,
  PostMaintenanceRequest__Output,
  UpdateIncidentRequest__Output,
  StatusIncident as WireIncident,
} from "@entrim/proto";
import { loadAgentProto } from "@entrim/proto";
import { readPublicStatus } from "../../status/page.js";
import {
  cancelMaintenance,
  createIncident,
  createMaintenance,
  INCIDENT_STATUSES,
  type IncidentStatus,
  listIncidents,
  type StatusIncident,
  updateIncident,
} from "../../store/status-incidents.js";
import type { Store } from "../../store/store.js";
import { type AuditRecorder, auditedChange } from "../audit.js";
import { limitOf, ms } from "../convert.js";
import { invalidArgument, type ServiceImplementation, unary } from "../rpc.js";

function toWire(i: StatusIncident): WireIncident {
  return {
    id: i.id,
    kind: i.kind === "incident" ? "INCIDENT_KIND_INCIDENT" : "INCIDENT_KIND_MAINTENANCE",
    title: i.title,
    body: i.body,
    models: i.models,
    regions: i.regions,
    startsAtMs: ms(i.startsAt),
    endsAtMs: ms(i.endsAt),
    status: i.status,
    createdBy: i.createdBy,
    createdAtMs: ms(i.createdAt),
    updates: i.updates.map((u) => ({ atMs: ms(u.at), status: u.status, text: u.text, by: u.by })),
  };
}

function incidentStatus(value: string, allowResolved: boolean): IncidentStatus | undefined {
  if (!value) return undefined;
  const allowed = INCIDENT_STATUSES.filter((s) => allowResolved || s !== "resolved");
  if (!(allowed as readonly string[]).includes(value))
    throw invalidArgument(`status must be one of ${allowed.join(", ")} (got "${value}").`);
  return value as IncidentStatus;
}

function windowOf(request: PostMaintenanceRequest__Output): { startsAt: Date; endsAt: Date } {
  if (request.startsAtMs <= 0 || request.endsAtMs <= 0)
    throw invalidArgument("starts_at_ms and ends_at_ms are required (epoch milliseconds).");
  if (request.endsAtMs <= request.startsAtMs)
    throw invalidArgument("The maintenance must end after it starts.");
  if (request.endsAtMs <= Date.now()) throw invalidArgument("The maintenance window is already over.");
  return { startsAt: new Date(request.startsAtMs), endsAt: new Date(request.endsAtMs) };
}

export interface StatusPageServiceDeps {
  store: Pick<Store, "pool">;
  recorder: AuditRecorder;
  /** Silence after which a node counts as down, as the public page judges it. */
  downAfterSeconds: number;
}

/**
 * What operators publish on the status page. Every change is audited in its own transaction, and the
 * tables' trigger tells every agent to drop its cached page, so the change is public cluster-wide
 * at once.
 */
export function statusPageService(deps: StatusPageServiceDeps): ServiceImplementation {
  const { store, recorder } = deps;
  return {
    name: "entrim.agent.v1.StatusPageService",
    definition: loadAgentProto().StatusPageService.service,
    methods: {
      GetPublicStatus: unary("viewer", async () => ({
        json: JSON.stringify(await readPublicStatus(store.pool, deps.downAfterSeconds)),
      })),
      ListIncidents: unary("viewer", async (request: ListIncidentsRequest__Output) => ({
        incidents: (await listIncidents(store.pool, { limit: limitOf(request.limit) })).map(toWire),
      })),
      PostIncident: unary("operator", async (request: PostIncidentRequest__Output, context) => {
        const status = incidentStatus(request.status, false) as
          | Exclude<IncidentStatus, "resolved">
          | undefined;
        const created = await auditedChange(
          recorder,
          store.pool,
          context,
          {
            action: "status.incident.post",
            target: `status:${request.models.join(",")}`,
            reason: request.title,
          },
          (db) =>
            createIncident(db, {
              title: request.title,
              body: request.body,
              models: request.models,
              regions: request.regions,
              status,
              by: context.operator.name,
            }),
        );
        return toWire(created);
      }),
      UpdateIncident: unary("operator", async (request: UpdateIncidentRequest__Output, context) => {
        if (!request.id) throw invalidArgument("id is required: the incident to update.");
        const status = incidentStatus(request.status, true);
        const action = status === "resolved" ? "status.incident.resolve" : "status.incident.update";
        const updated = await auditedChange(
          recorder,
          store.pool,
          context,
          { action, target: `incident:${request.id}`, reason: request.text },
          (db) =>
            updateIncident(db, { id: request.id, status, text: request.text, by: context.operator.name }),
        );
        return toWire(updated);
      }),
      PostMaintenance: unary("operator", async (request: PostMaintenanceRequest__Output, context) => {
        const window = windowOf(request);
        const created = await auditedChange(
          recorder,
          store.pool,
          context,
          {
            action: "status.maintenance.post",
            target: `status:${request.models.join(",")}`,
            reason: request.title,
          },
          (db) =>
            createMaintenance(db, {
              title: request.title,
              body: request.body,
              models: request.models,
              regions: request.regions,
              ...window,
              by: context.operator.name,
            }),
        );
        return toWire(created);
      }),
      CancelMaintenance: unary("operator", async (request: CancelMaintenanceRequest__Output, context) => {
        if (!request.id) throw invalidArgument("id is required: the maintenance to cancel.");
        if (!request.reason.trim())
          throw invalidArgument("reason is required: it is shown on the status page.");
        const cancelled = await auditedChange(
          recorder,
          store.pool,
          context,
          {
            action: "status.maintenance.cancel",
            target: `maintenance:${request.id}`,
            reason: request.reason,
          },
          (db) =>
            cancelMaintenance(db, { id: request.id, reason: request.reason, by: context.operator.name }),
        );
        return toWire(cancelled);
      }),
    },
  };
}
