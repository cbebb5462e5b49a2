// Moving between views: the palette, back, and one key per view (the rollouts and profiles views'
// keys sit with their own actions).
import type { ConsoleAction } from "./types.js";

export const navigationActions: ConsoleAction[] = [
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
      else if (s.requestDialog) s.openRequestDialog(undefined);
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
    id: "view.status",
    title: "Go to status page",
    section: "View",
    shortcut: "shift+s",
    needs: "viewer",
    perform: ({ store }) => store.getState().setView("status"),
  },
];
