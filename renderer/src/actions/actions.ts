// The console's actions. Targets of node actions: the selected rows, else the row under the cursor
// (or the node the node view shows).

import type { Controller } from "../controller.js";
import { displayState } from "../format.js";
import { rolloutList } from "../state/rolloutSlice.js";
import type { AppState, AppStore } from "../state/store.js";
import { exportAccountAction } from "./account-actions.js";
import { type Action, ActionRegistry } from "./registry.js";
import { rolloutActions } from "./rollout-actions.js";

export interface ActionContext {
  store: AppStore;
  controller: Controller;
  /** Moves keyboard focus to the fleet filter box. */
  focusFilter(): void;
  /** Moves keyboard focus to the accounts search box. */
  focusAccountSearch(): void;
  /** Visible fleet rows in table order, for cursor movement and select-all. */
  visibleNames(): string[];
}

export function nodeTargets(state: AppState): string[] {
  if (state.view === "node" && state.focusedNode) return [state.focusedNode];
  if (state.selected.length > 0) return state.selected;
  return state.cursor ? [state.cursor] : [];
}

const onFleet = (s: AppState) => (s.view === "fleet" ? undefined : "Only in the fleet view.");

function targetsIn(states: string[], verb: string) {
  return (s: AppState) => {
    if (s.view !== "fleet" && s.view !== "node") return "Only in the fleet or node view.";
    const targets = nodeTargets(s);
    if (targets.length === 0) return "Select a node first (x, or move with j/k).";
    const ok = targets.some((name) => {
      const node = s.nodes[name];
      return node && states.includes(displayState(node));
    });
    return ok ? undefined : `No selected node can be ${verb}.`;
  };
}

/** The node a terminal opens to: the node view's, else the cursor's (or the first selected). */
function terminalTarget(s: AppState): string | undefined {
  if (s.view !== "fleet" && s.view !== "node") return "Only in the fleet or node view.";
  if (nodeTargets(s).length === 0) return "Select a node first (x, or move with j/k).";
  const profile = s.profiles.find((p) => p.name === s.cluster?.profile);
  if (profile && !profile.ssh) return `Profile "${profile.name}" has no ssh settings.`;
  return undefined;
}

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

/** The alert the acknowledge action means: the one under the cursor, else the first unacknowledged. */
export function alertTarget(s: AppState): string | undefined {
  const open = s.alerts.filter((a) => !a.acknowledged);
  if (s.view === "alerts" && s.alertCursor && open.some((a) => a.id === s.alertCursor)) return s.alertCursor;
  return open[0]?.id;
}

function accountAction(kind: "suspend" | "warn"): Action<ActionContext> {
  return {
    id: `account.${kind}`,
    title: kind === "suspend" ? "Suspend account…" : "Warn account…",
    section: "Accounts",
    shortcut: kind === "suspend" ? "s" : "w",
    needs: "operator",
    mutating: true,
    unavailable: (s: AppState) =>
      s.view !== "accounts"
        ? "Only in the accounts view."
        : s.accountCursor
          ? undefined
          : "No account selected.",
    // The abuse view's form, filled in: the operator still picks the reason and confirms there.
    perform: ({ store }: ActionContext) => {
      const s = store.getState();
      if (!s.accountCursor) return;
      s.prefillAbuse({ kind, targetType: "TARGET_TYPE_ACCOUNT", target: s.accountCursor });
      s.setView("abuse");
    },
  };
}

export function consoleActions(): ActionRegistry<ActionContext> {
  const actions: Action<ActionContext>[] = [
    {
      id: "palette.open",
      title: "Command palette",
      section: "View",
      shortcut: "mod+k",
      global: true,
      perform: ({ store }) => store.getState().setPaletteOpen(true),
    },
    {
      id: "view.back",
      title: "Back / close",
      section: "View",
      shortcut: "escape",
      global: true,
      perform: ({ store }) => {
        const s = store.getState();
        if (s.paletteOpen) s.setPaletteOpen(false);
        else if (s.dialog) s.openDialog(undefined);
        else if (s.rolloutDialog) s.openRolloutDialog(undefined);
        else s.back();
      },
    },
    {
      id: "view.fleet",
      title: "Go to fleet",
      section: "View",
      shortcut: "1",
      needs: "viewer",
      perform: ({ store }) => store.getState().setView("fleet"),
    },
    {
      id: "view.abuse",
      title: "Go to abuse queue",
      section: "View",
      shortcut: "2",
      needs: "viewer",
      perform: ({ store }) => store.getState().setView("abuse"),
    },
    {
      id: "view.audit",
      title: "Go to audit log",
      section: "View",
      shortcut: "3",
      needs: "viewer",
      perform: ({ store }) => store.getState().setView("audit"),
    },
    {
      id: "view.terminals",
      title: "Go to terminals",
      section: "View",
      shortcut: "4",
      perform: ({ store }) => store.getState().setView("terminals"),
    },
    {
      id: "view.alerts",
      title: "Go to alerts",
      section: "View",
      shortcut: "5",
      needs: "viewer",
      perform: ({ store }) => store.getState().setView("alerts"),
    },
    {
      id: "view.accounts",
      title: "Go to accounts",
      section: "View",
      shortcut: "6",
      needs: "viewer",
      perform: ({ store, controller }) => {
        const s = store.getState();
        s.setView("accounts");
        // A fresh list on every visit: usage moves by the minute.
        void controller.searchAccounts(s.accountQuery);
      },
    },
    {
      id: "alerts.acknowledge",
      title: "Acknowledge alert",
      section: "Alerts",
      shortcut: "a",
      unavailable: (s) => (alertTarget(s) ? undefined : "No unacknowledged alert."),
      perform: ({ store }) => {
        const s = store.getState();
        const id = alertTarget(s);
        if (id) s.acknowledge([id]);
      },
    },
    {
      id: "alerts.acknowledgeAll",
      title: "Acknowledge all alerts",
      section: "Alerts",
      shortcut: "mod+shift+a",
      unavailable: (s) => (s.alerts.some((a) => !a.acknowledged) ? undefined : "No unacknowledged alert."),
      perform: ({ store }) => store.getState().acknowledgeAll(),
    },
    {
      id: "alerts.browserNotifications",
      title: "Allow desktop notifications (browser)",
      section: "Alerts",
      unavailable: () => {
        const Web = (globalThis as { Notification?: typeof Notification }).Notification;
        if (!Web) return "This browser has no notifications.";
        return Web.permission === "default" ? undefined : `Already ${Web.permission}.`;
      },
      perform: () =>
        void (globalThis as { Notification?: typeof Notification }).Notification?.requestPermission(),
    },
    ...rolloutActions(),
    accountAction("suspend"),
    accountAction("warn"),
    exportAccountAction,
    {
      id: "view.profiles",
      title: "Go to profiles",
      section: "Session",
      shortcut: "0",
      perform: ({ store }) => store.getState().setView("profiles"),
    },
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
    {
      id: "node.open",
      title: "Open node / account",
      section: "Node",
      shortcut: "enter",
      unavailable: (s) =>
        s.view === "accounts"
          ? s.accountCursor
            ? undefined
            : "No account under the cursor."
          : (onFleet(s) ?? (s.cursor ? undefined : "No node under the cursor.")),
      perform: ({ store, controller }) => {
        const s = store.getState();
        if (s.view === "accounts") {
          if (s.accountCursor) void controller.openAccount(s.accountCursor);
        } else if (s.cursor) s.openNode(s.cursor);
      },
    },
    {
      id: "node.drain",
      title: "Drain node(s)",
      section: "Node",
      shortcut: "d",
      needs: "operator",
      mutating: true,
      unavailable: targetsIn(["serving", "degraded", "starting", "refusing"], "drained"),
      perform: ({ store }) => {
        const s = store.getState();
        s.openDialog({ kind: "drain", nodes: nodeTargets(s) });
      },
    },
    {
      id: "node.undrain",
      title: "Undrain node(s)",
      section: "Node",
      shortcut: "u",
      needs: "operator",
      mutating: true,
      unavailable: targetsIn(["draining", "drained"], "undrained"),
      perform: ({ store }) => {
        const s = store.getState();
        s.openDialog({ kind: "undrain", nodes: nodeTargets(s) });
      },
    },
    {
      id: "terminal.open",
      title: "Open terminal",
      section: "Node",
      shortcut: "t",
      // A shell changes things: a read-only profile gets none (the Node side refuses it too).
      mutating: true,
      unavailable: terminalTarget,
      perform: ({ store }) => {
        const s = store.getState();
        const node = nodeTargets(s)[0];
        if (node) s.openTerminal(node);
      },
    },
    {
      id: "session.disconnect",
      title: "Disconnect",
      section: "Session",
      shortcut: "mod+shift+d",
      unavailable: (s) => (s.cluster ? undefined : "Not connected."),
      perform: ({ controller }) => void controller.disconnect(),
    },
  ];
  return new ActionRegistry<ActionContext>().register(...actions);
}
