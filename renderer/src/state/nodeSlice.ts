// Which view is showing, and which node the node view is about.
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export const VIEWS = [
  "profiles",
  "fleet",
  "node",
  "abuse",
  "audit",
  "terminals",
  "alerts",
  "accounts",
  "rollouts",
  "requests",
  "notices",
  "status",
] as const;
export type View = (typeof VIEWS)[number];

export interface NodeSlice {
  view: View;
  focusedNode: string | undefined;
  setView(view: View): void;
  openNode(name: string): void;
  /** Esc: the node view goes back to the fleet; other views stay. */
  back(): void;
}

export const createNodeSlice: StateCreator<AppState, [], [], NodeSlice> = (set, get) => ({
  view: "profiles",
  focusedNode: undefined,
  setView: (view) => set({ view }),
  openNode: (name) => set({ view: "node", focusedNode: name, cursor: name }),
  back: () => {
    if (get().view === "node") set({ view: "fleet" });
  },
});
