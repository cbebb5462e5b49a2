// Rollouts: the list (ListRollouts), each active one kept live by its watch stream, the catalogue
// (models, versions, which node serves which), the cursor, and the rollout dialogs. Calls are made by
// ../rollout-controller.ts.
import type { CatalogModel, Rollout, RolloutState, RolloutVerb } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export type RolloutDialog = { kind: "start"; model?: string } | { kind: RolloutVerb; id: string };

export interface RolloutWatchState {
  state: "ready" | "reconnecting" | "closed";
  error?: string;
}

export interface RolloutSlice {
  /** By id; listed newest first by `rolloutList`. */
  rollouts: Record<string, Rollout>;
  catalogue: CatalogModel[];
  rolloutCursor: string | undefined;
  /** How each rollout's watch stream is doing, while one is open. */
  rolloutWatches: Record<string, RolloutWatchState>;
  rolloutDialog: RolloutDialog | undefined;
  rolloutsLoaded(list: Rollout[]): void;
  /** A rollout as a watch or an action answered it; an older state never replaces a newer one. */
  rolloutUpdated(rollout: Rollout): void;
  catalogueLoaded(models: CatalogModel[]): void;
  setRolloutCursor(id: string | undefined): void;
  rolloutWatch(id: string, watch: RolloutWatchState | undefined): void;
  openRolloutDialog(dialog: RolloutDialog | undefined): void;
  resetRollouts(): void;
}

export const createRolloutSlice: StateCreator<AppState, [], [], RolloutSlice> = (set, get) => ({
  rollouts: {},
  catalogue: [],
  rolloutCursor: undefined,
  rolloutWatches: {},
  rolloutDialog: undefined,
  rolloutsLoaded: (list) => {
    const rollouts: Record<string, Rollout> = {};
    for (const fresh of list) rollouts[fresh.id] = newer(get().rollouts[fresh.id], fresh);
    const ids = rolloutList({ rollouts }).map((r) => r.id);
    const cursor = get().rolloutCursor;
    set({ rollouts, rolloutCursor: cursor && ids.includes(cursor) ? cursor : ids[0] });
  },
  rolloutUpdated: (rollout) =>
    set((s) => ({
      rollouts: { ...s.rollouts, [rollout.id]: newer(s.rollouts[rollout.id], rollout) },
      rolloutCursor: s.rolloutCursor ?? rollout.id,
    })),
  catalogueLoaded: (catalogue) => set({ catalogue }),
  setRolloutCursor: (rolloutCursor) => set({ rolloutCursor }),
  rolloutWatch: (id, watch) =>
    set((s) => {
      const { [id]: _, ...rest } = s.rolloutWatches;
      return { rolloutWatches: watch ? { ...rest, [id]: watch } : rest };
    }),
  openRolloutDialog: (rolloutDialog) => set({ rolloutDialog, paletteOpen: false }),
  resetRollouts: () =>
    set({
      rollouts: {},
      catalogue: [],
      rolloutCursor: undefined,
      rolloutWatches: {},
      rolloutDialog: undefined,
    }),
});

/** The list (poll) and the watch race each other; the later agent-side update wins. */
function newer(known: Rollout | undefined, fresh: Rollout): Rollout {
  return known && changedAt(known) > changedAt(fresh) ? known : fresh;
}

/** Node progress moves without the rollout's own row changing: the latest of either counts. */
function changedAt(r: Rollout): number {
  return Math.max(Number(r.updatedAtMs), ...r.nodes.map((n) => Number(n.updatedAtMs)));
}

/** Newest first, as the agent lists them. */
export function rolloutList(s: Pick<RolloutSlice, "rollouts">): Rollout[] {
  return Object.values(s.rollouts).sort(
    (a, b) => Number(b.createdAtMs) - Number(a.createdAtMs) || b.id.localeCompare(a.id),
  );
}

const STATE_WORDS: Record<RolloutState, string> = {
  ROLLOUT_STATE_UNSPECIFIED: "unknown",
  ROLLOUT_STATE_RUNNING: "running",
  ROLLOUT_STATE_PAUSED: "paused",
  ROLLOUT_STATE_COMPLETED: "completed",
  ROLLOUT_STATE_ABORTING: "aborting",
  ROLLOUT_STATE_ABORTED: "aborted",
  ROLLOUT_STATE_ROLLING_BACK: "rolling back",
  ROLLOUT_STATE_ROLLED_BACK: "rolled back",
  ROLLOUT_STATE_FAILED: "failed",
};

export function rolloutStateWord(state: RolloutState): string {
  return STATE_WORDS[state] ?? "unknown";
}

/** "ROLLOUT_NODE_STATE_ROLLED_BACK" → "rolled back". */
export function nodeStateWord(state: string): string {
  return state
    .replace(/^ROLLOUT_NODE_STATE_/, "")
    .replaceAll("_", " ")
    .toLowerCase();
}

export function isFinal(state: RolloutState): boolean {
  return (
    state === "ROLLOUT_STATE_COMPLETED" ||
    state === "ROLLOUT_STATE_ABORTED" ||
    state === "ROLLOUT_STATE_ROLLED_BACK" ||
    state === "ROLLOUT_STATE_FAILED"
  );
}

/** The states each verb is taken from, as the agent's RolloutService checks them. */
export const VERB_FROM: Record<RolloutVerb, readonly RolloutState[]> = {
  pause: ["ROLLOUT_STATE_RUNNING"],
  resume: ["ROLLOUT_STATE_PAUSED"],
  abort: ["ROLLOUT_STATE_RUNNING", "ROLLOUT_STATE_PAUSED"],
  rollback: [
    "ROLLOUT_STATE_RUNNING",
    "ROLLOUT_STATE_PAUSED",
    "ROLLOUT_STATE_ABORTING",
    "ROLLOUT_STATE_ABORTED",
    "ROLLOUT_STATE_COMPLETED",
    "ROLLOUT_STATE_FAILED",
  ],
};

/** Where the rollout is: "batch 2/3" (1-based for people), or its final word. */
export function batchText(r: Pick<Rollout, "currentBatch" | "batches" | "state">): string {
  if (r.batches === 0) return "–";
  const shown = Math.min(r.currentBatch + 1, r.batches);
  return r.state === "ROLLOUT_STATE_COMPLETED" ? `${r.batches}/${r.batches}` : `${shown}/${r.batches}`;
}

/** The version each node served before: "v1", or "v1, v0" when nodes differed. */
export function fromVersions(r: Pick<Rollout, "nodes">): string {
  const versions = [...new Set(r.nodes.map((n) => n.fromVersion).filter(Boolean))];
  return versions.length ? versions.join(", ") : "–";
}

/** A node's health against the rollout's gates: which bound it breaks, or that it holds. */
export function gateVerdict(
  health: NonNullable<Rollout["nodes"][number]["health"]>,
  gates: Rollout["gates"],
): { ok: boolean; errorRate: number; text: string } {
  const requests = Number(health.requests);
  const errorRate = requests > 0 ? Number(health.errors) / requests : 0;
  const maxRate = gates?.maxErrorRate ?? 0;
  const maxP95 = gates?.maxP95Ms || 60_000;
  const rateOk = errorRate <= maxRate;
  const p95Ok = health.p95Ms <= maxP95;
  const text =
    `${requests} req, errors ${(errorRate * 100).toFixed(1)}% (≤ ${(maxRate * 100).toFixed(1)}%), ` +
    `p95 ${Math.round(health.p95Ms)} ms (≤ ${maxP95} ms) over ${health.windowSeconds} s`;
  return { ok: rateOk && p95Ok, errorRate, text };
}
