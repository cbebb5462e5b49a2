import type { StatusIncident } from "../store/status-incidents.js";

export type ServiceState = "operational" | "degraded" | "unavailable";

/** A node as the status page needs it: no name, address or hardware ever leaves this module. */
export interface NodeView {
  region: string;
  models: string[];
  /** Registered state (nodes.state). */
  state: string;
  /** No heartbeat for longer than the down threshold, by the database clock. */
  silent: boolean;
}

export interface ModelRegionStatus {
  region: string;
  state: ServiceState;
}

export interface ModelStatus {
  model: string;
  /** The worst of its regions. */
  state: ServiceState;
  regions: ModelRegionStatus[];
}

export interface PublicNotice {
  id: string;
  kind: "incident" | "maintenance";
  title: string;
  body: string;
  models: string[];
  regions: string[];
  status: string;
  startsAt: string;
  endsAt: string | null;
  updates: { at: string; status: string; text: string }[];
}

export interface PublicStatus {
  /** "All services are online" only when every model is operational and no incident is open. */
  summary: string;
  allOnline: boolean;
  generatedAt: string;
  models: ModelStatus[];
  incidents: PublicNotice[];
  resolvedIncidents: PublicNotice[];
  maintenance: PublicNotice[];
}

export const ALL_ONLINE = "All services are online";

const RANK: Record<ServiceState, number> = { operational: 0, degraded: 1, unavailable: 2 };
const worst = (a: ServiceState, b: ServiceState): ServiceState => (RANK[a] >= RANK[b] ? a : b);

// A node counts as serving only when ready (or degraded: serving, with something for an operator)
// and heard from; draining, drained, starting and silent nodes are ones that should serve but do not.
// Nodes that stopped cleanly or refuse public traffic by configuration are not expected to serve.
const SERVING = new Set(["ready", "degraded"]);
const NOT_EXPECTED = new Set(["stopped", "refusing"]);

/**
 * The page's content from the registry, the catalogue and the posted notices. Models are the
 * catalogue's plus any a live node advertises; a model no node advertises is unavailable everywhere.
 */
export function derivePublicStatus(input: {
  nodes: NodeView[];
  catalogue: string[];
  notices: StatusIncident[];
  now: Date;
}): PublicStatus {
  const expected = input.nodes.filter((n) => !NOT_EXPECTED.has(n.state));
  const modelNames = new Set(input.catalogue);
  for (const node of expected) for (const m of node.models) modelNames.add(m);

  const open = input.notices.filter((n) => n.kind === "incident" && n.status !== "resolved");
  const models: ModelStatus[] = [];
  for (const model of [...modelNames].sort()) {
    const byRegion = new Map<string, { serving: number; missing: number }>();
    for (const node of expected) {
      if (!node.models.includes(model)) continue;
      const counts = byRegion.get(node.region) ?? { serving: 0, missing: 0 };
      if (SERVING.has(node.state) && !node.silent) counts.serving++;
      else counts.missing++;
      byRegion.set(node.region, counts);
    }
    const regions: ModelRegionStatus[] = [...byRegion.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([region, c]) => {
        let state: ServiceState =
          c.serving === 0 ? "unavailable" : c.missing > 0 ? "degraded" : "operational";
        const named = open.some(
          (i) => i.models.includes(model) && (i.regions.length === 0 || i.regions.includes(region)),
        );
        if (named) state = worst(state, "degraded");
        return { region, state };
      });
    let state: ServiceState = regions.length === 0 ? "unavailable" : "operational";
    for (const r of regions) state = worst(state, r.state);
    if (regions.length === 0) regions.push({ region: "", state: "unavailable" });
    if (open.some((i) => i.models.includes(model))) state = worst(state, "degraded");
    models.push({ model, state, regions });
  }

  const allOnline = open.length === 0 && models.every((m) => m.state === "operational");
  return {
    summary: allOnline ? ALL_ONLINE : summarize(models, open.length),
    allOnline,
    generatedAt: input.now.toISOString(),
    models,
    incidents: open.map(toNotice),
    resolvedIncidents: input.notices
      .filter((n) => n.kind === "incident" && n.status === "resolved")
      .map(toNotice),
    maintenance: input.notices
      .filter((n) => n.kind === "maintenance")
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
      .map(toNotice),
  };
}

function list(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function summarize(models: ModelStatus[], openIncidents: number): string {
  const down = models.filter((m) => m.state === "unavailable").map((m) => m.model);
  const degraded = models.filter((m) => m.state === "degraded").map((m) => m.model);
  const parts: string[] = [];
  if (down.length > 0) parts.push(`${list(down)} ${down.length === 1 ? "is" : "are"} unavailable`);
  if (degraded.length > 0) parts.push(`${list(degraded)} ${degraded.length === 1 ? "is" : "are"} degraded`);
  if (parts.length === 0)
    return openIncidents === 1
      ? "An incident is open; see below."
      : `${openIncidents} incidents are open; see below.`;
  return `Some services are affected: ${parts.join("; ")}.`;
}

// The operator's name (created_by, an update's author) is internal and never published.
function toNotice(n: StatusIncident): PublicNotice {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    models: n.models,
    regions: n.regions,
    status: n.status,
    startsAt: n.startsAt.toISOString(),
    endsAt: n.endsAt ? n.endsAt.toISOString() : null,
    updates: [...n.updates]
      .reverse()
      .map((u) => ({ at: u.at.toISOString(), status: u.status, text: u.text })),
  };
}
