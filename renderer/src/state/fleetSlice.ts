// The fleet: every node the registry lists, its newest snapshot and how the console's channel to it is
// doing; plus the table's filter, sort, cursor and selection. Samples for charts go to metrics/series.
import type { FleetEvent, LinkState, NodeSnapshot, Peer } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import { type DisplayState, displayState } from "../format.js";
import { cpuFraction, fullestDisk, memoryFraction, usedFraction } from "../host.js";
import type { AppState } from "./store.js";

export interface FleetNode {
  name: string;
  peer?: Peer;
  snapshot?: NodeSnapshot;
  link: LinkState | "unknown";
  linkError?: string;
}

export const SORT_KEYS = [
  "name",
  "region",
  "state",
  "model",
  "util",
  "temp",
  "inflight",
  "tokens",
  "p95",
  "errors",
  "cpu",
  "memory",
  "disk",
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface FleetFilter {
  text: string;
  region: string;
  model: string;
  state: DisplayState | "";
}

export interface FleetSlice {
  nodes: Record<string, FleetNode>;
  leader: string;
  filter: FleetFilter;
  sort: { key: SortKey; desc: boolean };
  selected: string[];
  cursor: string | undefined;
  applyFleetEvents(events: FleetEvent[]): void;
  setFilter(filter: Partial<FleetFilter>): void;
  sortBy(key: SortKey): void;
  toggleSelected(name: string): void;
  setSelected(names: string[]): void;
  setCursor(name: string | undefined): void;
  resetFleet(): void;
}

const emptyFilter: FleetFilter = { text: "", region: "", model: "", state: "" };

export const createFleetSlice: StateCreator<AppState, [], [], FleetSlice> = (set) => ({
  nodes: {},
  leader: "",
  filter: emptyFilter,
  sort: { key: "name", desc: false },
  selected: [],
  cursor: undefined,
  applyFleetEvents: (events) =>
    set((state) => {
      const nodes = { ...state.nodes };
      let leader = state.leader;
      const touch = (name: string) => (nodes[name] = { ...(nodes[name] ?? { name, link: "unknown" }) });
      for (const event of events) {
        if (event.type === "peers") {
          leader = event.leader;
          for (const peer of event.peers) touch(peer.name).peer = peer;
        } else if (event.type === "snapshot") {
          touch(event.node).snapshot = event.snapshot;
        } else {
          const node = touch(event.node);
          node.link = event.state;
          node.linkError = event.error;
        }
      }
      return { nodes, leader };
    }),
  setFilter: (filter) => set((state) => ({ filter: { ...state.filter, ...filter } })),
  sortBy: (key) =>
    set((state) => ({ sort: { key, desc: state.sort.key === key ? !state.sort.desc : key !== "name" } })),
  toggleSelected: (name) =>
    set((state) => ({
      selected: state.selected.includes(name)
        ? state.selected.filter((n) => n !== name)
        : [...state.selected, name],
    })),
  setSelected: (names) => set({ selected: [...new Set(names)] }),
  setCursor: (cursor) => set({ cursor }),
  resetFleet: () => set({ nodes: {}, leader: "", selected: [], cursor: undefined }),
});

export function modelsOf(node: FleetNode): string[] {
  const live = node.snapshot?.models.map((m) => m.id) ?? [];
  return live.length > 0 ? live : (node.peer?.models ?? []);
}

function average(values: (number | undefined)[]): number {
  const present = values.filter((v): v is number => typeof v === "number");
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : Number.NaN;
}

export function sortValue(node: FleetNode, key: SortKey): string | number {
  const t = node.snapshot?.traffic;
  const gpus = node.snapshot?.gpus ?? [];
  switch (key) {
    case "name":
      return node.name;
    case "region":
      return node.snapshot?.region ?? node.peer?.region ?? "";
    case "state":
      return displayState(node);
    case "model":
      return modelsOf(node).join(",");
    case "util":
      return average(gpus.map((g) => g.utilizationPercent));
    case "temp":
      return Math.max(-1, ...gpus.map((g) => g.temperatureCelsius ?? -1));
    case "inflight":
      return t?.requestsInFlight ?? -1;
    case "tokens":
      return t ? t.promptTokensPerSecond + t.completionTokensPerSecond : -1;
    case "p95":
      return t?.latencyP95Ms ?? -1;
    case "errors":
      return t?.errorRate ?? -1;
    case "cpu":
      return cpuFraction(node.snapshot);
    case "memory":
      return memoryFraction(node.snapshot);
    case "disk": {
      const fs = fullestDisk(node.snapshot);
      return fs ? usedFraction(fs) : Number.NaN;
    }
  }
}

/** The table's rows: filtered, then sorted (NaN last), ties by name so rows do not jump. */
export function visibleNodes(state: Pick<FleetSlice, "nodes" | "filter" | "sort">): FleetNode[] {
  const { text, region, model, state: wanted } = state.filter;
  const needle = text.trim().toLowerCase();
  const rows = Object.values(state.nodes).filter((node) => {
    const nodeRegion = node.snapshot?.region ?? node.peer?.region ?? "";
    if (region && nodeRegion !== region) return false;
    if (model && !modelsOf(node).includes(model)) return false;
    if (wanted && displayState(node) !== wanted) return false;
    if (!needle) return true;
    return [node.name, nodeRegion, ...modelsOf(node), displayState(node)].some((v) =>
      v.toLowerCase().includes(needle),
    );
  });
  const { key, desc } = state.sort;
  return rows.sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    let order: number;
    if (typeof x === "number" && typeof y === "number") {
      if (Number.isNaN(x) || Number.isNaN(y)) order = Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
      else order = desc ? y - x : x - y;
    } else order = desc ? String(y).localeCompare(String(x)) : String(x).localeCompare(String(y));
    return order || a.name.localeCompare(b.name);
  });
}

export interface FleetSummary {
  nodes: number;
  byState: Partial<Record<DisplayState, number>>;
  gpus: number;
  avgUtil: number;
  hotGpus: number;
  inFlight: number;
  tokensPerSecond: number;
  worstP95: number;
  errorRate: number;
}

export function fleetSummary(nodes: FleetNode[]): FleetSummary {
  const byState: FleetSummary["byState"] = {};
  let inFlight = 0;
  let tokens = 0;
  let worstP95 = 0;
  let requests = 0;
  let errors = 0;
  const gpus = nodes.flatMap((n) => n.snapshot?.gpus ?? []);
  for (const node of nodes) {
    const state = displayState(node);
    byState[state] = (byState[state] ?? 0) + 1;
    const t = node.snapshot?.traffic;
    if (!t) continue;
    inFlight += t.requestsInFlight;
    tokens += t.promptTokensPerSecond + t.completionTokensPerSecond;
    worstP95 = Math.max(worstP95, t.latencyP95Ms);
    requests += t.requestsPerSecond;
    errors += t.requestsPerSecond * t.errorRate;
  }
  return {
    nodes: nodes.length,
    byState,
    gpus: gpus.length,
    avgUtil: average(gpus.map((g) => g.utilizationPercent)),
    hotGpus: gpus.filter((g) => (g.temperatureCelsius ?? 0) >= 83).length,
    inFlight,
    tokensPerSecond: tokens,
    worstP95,
    errorRate: requests > 0 ? errors / requests : 0,
  };
}
