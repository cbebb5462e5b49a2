// The Notices view's actions: going there, writing a notice to customers and retiring a model. Both
// acts need the operator role (an essential notice the admin's, which the dialog and the agent check);
// a viewer sees them disabled, with why.
import type { ConsoleAction } from "./types.js";

export const noticeActions: ConsoleAction[] = [
  {
    id: "view.notices",
    title: "Go to customer notices",
    section: "View",
    shortcut: "9",
    needs: "viewer",
    // The view polls while it is open (NoticesController.watch).
    perform: ({ store }) => store.getState().setView("notices"),
  },
  {
    id: "notice.publish",
    title: "New notice to customers…",
    section: "Notices",
    shortcut: "shift+n",
    needs: "operator",
    mutating: true,
    perform: ({ store }) => {
      store.getState().setView("notices");
      store.getState().openNoticeDialog("publish");
    },
  },
  {
    id: "notice.retire",
    title: "Retire a model (notify its users)…",
    section: "Notices",
    shortcut: "shift+m",
    needs: "operator",
    mutating: true,
    perform: ({ store }) => {
      store.getState().setView("notices");
      store.getState().openNoticeDialog("retire");
    },
  },
];
