// What the operator is doing: the command palette, the drain/undrain dialog, drains in progress and
// short notices. Drain progress is kept per node so the fleet row can show it too.
import type { DrainEvent } from "@entrim/electron/common";
import type { StateCreator } from "zustand";
import type { AppState } from "./store.js";

export interface DrainView {
  node: string;
  progress?: DrainEvent;
  error?: string;
  done: boolean;
  startedAtMs: number;
}

export interface Notice {
  id: number;
  kind: "info" | "error";
  text: string;
}

export interface Dialog {
  kind: "drain" | "undrain";
  nodes: string[];
}

/** What the abuse form starts with when another view sends the operator there (suspend an account). */
export interface AbusePrefill {
  kind: "suspend" | "warn";
  targetType: "TARGET_TYPE_ACCOUNT" | "TARGET_TYPE_KEY" | "TARGET_TYPE_IP";
  target: string;
}

export interface ActionsSlice {
  abusePrefill: AbusePrefill | undefined;
  prefillAbuse(prefill: AbusePrefill | undefined): void;
  paletteOpen: boolean;
  dialog: Dialog | undefined;
  drains: Record<string, DrainView>;
  notices: Notice[];
  setPaletteOpen(open: boolean): void;
  openDialog(dialog: Dialog | undefined): void;
  drainStarted(node: string, now?: number): void;
  drainProgress(event: DrainEvent): void;
  drainEnded(node: string, error?: string): void;
  notify(kind: Notice["kind"], text: string): void;
  dismiss(id: number): void;
}

let nextNotice = 1;
/** Older notices fall off; an on-call screen must not fill up with them. */
const MAX_NOTICES = 5;

export const createActionsSlice: StateCreator<AppState, [], [], ActionsSlice> = (set) => ({
  paletteOpen: false,
  abusePrefill: undefined,
  prefillAbuse: (abusePrefill) => set({ abusePrefill }),
  dialog: undefined,
  drains: {},
  notices: [],
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  openDialog: (dialog) => set({ dialog, paletteOpen: false }),
  drainStarted: (node, now = Date.now()) =>
    set((s) => ({ drains: { ...s.drains, [node]: { node, done: false, startedAtMs: now } } })),
  drainProgress: (event) =>
    set((s) => {
      const current = s.drains[event.node] ?? { node: event.node, done: false, startedAtMs: Date.now() };
      return { drains: { ...s.drains, [event.node]: { ...current, progress: event, done: event.done } } };
    }),
  drainEnded: (node, error) =>
    set((s) => {
      const current = s.drains[node];
      if (!current) return {};
      return { drains: { ...s.drains, [node]: { ...current, done: true, ...(error ? { error } : {}) } } };
    }),
  notify: (kind, text) =>
    set((s) => ({ notices: [...s.notices, { id: nextNotice++, kind, text }].slice(-MAX_NOTICES) })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
