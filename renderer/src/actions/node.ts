// The node actions, from the fleet view or the node view. Their targets: the selected rows, else the row
// under the cursor (or the node the node view shows).
import { displayState } from "../format.js";
import type { AppState } from "../state/store.js";
import { onFleet } from "./fleet.js";
import type { ConsoleAction } from "./types.js";

export function nodeTargets(state: AppState): string[] {
  if (state.view === "node" && state.focusedNode) return [state.focusedNode];
  if (state.selected.length > 0) return state.selected;
  return state.cursor ? [state.cursor] : [];
}

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

export const nodeActions: ConsoleAction[] = [
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
];
