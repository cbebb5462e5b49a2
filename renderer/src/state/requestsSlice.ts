// Data-subject requests customers filed in the portal (erasure, restriction, objection): the queue as
// last read from the agent, the filter and cursor of the requests view, and the complete/reject dialog.
// Deadlines are computed here from due dates against the clock, so a list read an hour ago still says
// "overdue" the moment it is.
import type { DataSubjectRequest } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

const DAY_MS = 86_400_000;
/** From this many days left, a request is highlighted and raises the deadline alert. */
export const DEADLINE_NEAR_DAYS = 7;

export type RequestFilter = "open" | "completed" | "rejected" | "all";

export interface RequestsSlice {
  dataRequests: DataSubjectRequest[];
  /** When the list was last read; undefined before the first answer. */
  dataRequestsLoadedAtMs: number | undefined;
  /** Why the last read failed; the rows it had stay. */
  dataRequestsError: string | undefined;
  requestFilter: RequestFilter;
  requestCursor: string | undefined;
  /** The request the complete or reject dialog is for, while it is open. */
  requestDialog: { verb: "complete" | "reject"; id: string } | undefined;
  dataRequestsLoaded(list: DataSubjectRequest[], nowMs?: number): void;
  dataRequestsFailed(error: string): void;
  setRequestFilter(filter: RequestFilter): void;
  setRequestCursor(id: string | undefined): void;
  openRequestDialog(dialog: RequestsSlice["requestDialog"]): void;
}

export const createRequestsSlice: StateCreator<AppState, [], [], RequestsSlice> = (set, get) => ({
  dataRequests: [],
  dataRequestsLoadedAtMs: undefined,
  dataRequestsError: undefined,
  requestFilter: "open",
  requestCursor: undefined,
  requestDialog: undefined,
  dataRequestsLoaded: (dataRequests, nowMs = Date.now()) => {
    const cursor = get().requestCursor;
    set({
      dataRequests,
      dataRequestsLoadedAtMs: nowMs,
      dataRequestsError: undefined,
      requestCursor: dataRequests.some((r) => r.id === cursor) ? cursor : dataRequests[0]?.id,
    });
  },
  dataRequestsFailed: (dataRequestsError) => set({ dataRequestsError }),
  setRequestFilter: (requestFilter) => set({ requestFilter }),
  setRequestCursor: (requestCursor) => set({ requestCursor }),
  openRequestDialog: (requestDialog) => set({ requestDialog, paletteOpen: false }),
});

/** The rows the view shows under the filter: the agent's order (open first by deadline). */
export function visibleRequests(list: DataSubjectRequest[], filter: RequestFilter): DataSubjectRequest[] {
  return filter === "all" ? list : list.filter((r) => r.status === filter);
}

export interface Deadline {
  /** Whole days until due (negative once overdue). */
  daysLeft: number;
  /** "12 days left", "1 day left", "due today", "overdue by 3 days". */
  label: string;
  level: "ok" | "near" | "overdue";
}

/** An open request's deadline as of `nowMs`; a handled one has none. */
export function deadlineOf(
  r: Pick<DataSubjectRequest, "dueAtMs" | "status">,
  nowMs: number,
): Deadline | undefined {
  if (r.status !== "open") return undefined;
  const left = Number(r.dueAtMs) - nowMs;
  const daysLeft = Math.floor(left / DAY_MS);
  if (left < 0) {
    const late = Math.max(1, Math.ceil(-left / DAY_MS));
    return { daysLeft, label: `overdue by ${late} day${late === 1 ? "" : "s"}`, level: "overdue" };
  }
  const label = daysLeft === 0 ? "due today" : `${daysLeft} day${daysLeft === 1 ? "" : "s"} left`;
  return { daysLeft, label, level: daysLeft <= DEADLINE_NEAR_DAYS ? "near" : "ok" };
}

/** The request the actions act on: the cursor's, when it is one the view lists. */
export function cursorRequest(
  s: Pick<AppState, "dataRequests" | "requestCursor">,
): DataSubjectRequest | undefined {
  return s.dataRequests.find((r) => r.id === s.requestCursor);
}
