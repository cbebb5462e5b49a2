// Profiles and the connected cluster: who the operator is (from their certificate) and what the
// profile allows. The calls themselves are made by ../controller.ts.
import type { ClusterInfo, ProfileSummary } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export interface SessionSlice {
  profiles: ProfileSummary[];
  cluster: ClusterInfo | undefined;
  connecting: string | undefined;
  sessionError: string | undefined;
  setProfiles(profiles: ProfileSummary[]): void;
  connectStarted(profile: string): void;
  connected(cluster: ClusterInfo): void;
  connectFailed(error: string): void;
  disconnected(): void;
}

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  profiles: [],
  cluster: undefined,
  connecting: undefined,
  sessionError: undefined,
  setProfiles: (profiles) => set({ profiles }),
  connectStarted: (profile) => set({ connecting: profile, sessionError: undefined }),
  connected: (cluster) =>
    set({
      cluster,
      connecting: undefined,
      view: "fleet",
      nodes: {},
      selected: [],
      cursor: undefined,
      alerts: [],
      alertsLink: undefined,
      alertCursor: undefined,
      alertTimeline: undefined,
      alertDialog: undefined,
    }),
  connectFailed: (error) => set({ connecting: undefined, sessionError: error }),
  disconnected: () =>
    set({
      cluster: undefined,
      view: "profiles",
      nodes: {},
      selected: [],
      cursor: undefined,
      alerts: [],
      alertsLink: undefined,
      alertCursor: undefined,
      alertTimeline: undefined,
      alertDialog: undefined,
    }),
});
