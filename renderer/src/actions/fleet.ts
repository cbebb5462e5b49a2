// The fleet view's actions: filtering, the cursor and the selection. j/k move whichever list is showing,
// so they serve the alerts, accounts and rollouts views too.
import { rolloutList } from "../state/rolloutSlice.js";
import type { AppState } from "../state/store.js";
import type { ActionContext, ConsoleAction } from "./types.js";

export const onFleet = (s: AppState) => (s.view === "fleet" ? undefined : "Only in the fleet view.");

const onList = (s: AppState) =>
  s.view === "fleet" || s.view === "alerts" || s.view === "accounts" || s.view === "rollouts"
    ? undefined
    : "Only in the fleet, alerts, accounts or rollouts view.";

/** j/k move the cursor of whichever list is showing: fleet rows, alerts or accounts. */
function moveCursor(ctx: ActionContext, delta: number) {
  const state = ctx.store.getState();
  const [names, cursor, setCursor] =
    state.view === "alerts"
      ? [state.alerts.map((a) => a.id), state.alertCursor, state.setAlertCursor]
      : state.view === "accounts"
        ? [state.accounts.map((a) => a.id), state.accountCursor, state.setAccountCursor]
        : state.view === "rollouts"
          ? [rolloutList(state).map((r) => r.id), state.rolloutCursor, state.setRolloutCursor]
          : [ctx.visibleNames(), state.cursor, state.setCursor];
  if (names.length === 0) return;
  const index = cursor ? names.indexOf(cursor) : -1;
  const next = Math.min(names.length - 1, Math.max(0, index + delta));
  setCursor(names[next]);
}

export const fleetActions: ConsoleAction[] = [
  {
    id: "fleet.filter",
    title: "Filter nodes / search accounts",
    section: "Fleet",
    shortcut: "/",
    unavailable: (s) =>
      s.view === "fleet" || s.view === "accounts" ? undefined : "Only in the fleet or accounts view.",
    perform: (ctx) =>
      ctx.store.getState().view === "accounts" ? ctx.focusAccountSearch() : ctx.focusFilter(),
  },
  {
    id: "fleet.down",
    title: "Next row",
    section: "Fleet",
    shortcut: "j",
    unavailable: onList,
    perform: (ctx) => moveCursor(ctx, 1),
  },
  {
    id: "fleet.up",
    title: "Previous row",
    section: "Fleet",
    shortcut: "k",
    unavailable: onList,
    perform: (ctx) => moveCursor(ctx, -1),
  },
  {
    id: "fleet.toggle",
    title: "Select / unselect node",
    section: "Fleet",
    shortcut: "x",
    unavailable: (s) => onFleet(s) ?? (s.cursor ? undefined : "No node under the cursor."),
    perform: ({ store }) => {
      const s = store.getState();
      if (s.cursor) s.toggleSelected(s.cursor);
    },
  },
  {
    id: "fleet.selectAll",
    title: "Select all visible nodes",
    section: "Fleet",
    shortcut: "shift+a",
    unavailable: onFleet,
    perform: (ctx) => ctx.store.getState().setSelected(ctx.visibleNames()),
  },
  {
    id: "fleet.clearSelection",
    title: "Clear selection",
    section: "Fleet",
    shortcut: "shift+x",
    unavailable: onFleet,
    perform: ({ store }) => store.getState().setSelected([]),
  },
];
