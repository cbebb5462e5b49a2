// The requests view's actions: going there, and completing or rejecting the data-subject request at
// the cursor. The agent allows both to admins only; a viewer or operator sees them disabled, with why.
import { cursorRequest } from "../state/requestsSlice.js";
import type { AppState } from "../state/store.js";
import type { ConsoleAction } from "./types.js";

function unavailable(s: AppState): string | undefined {
  if (s.view !== "requests") return "Only in the requests view.";
  const request = cursorRequest(s);
  if (!request) return "No request selected.";
  if (request.status !== "open") return `The request is already ${request.status}.`;
  return undefined;
}

function verbAction(verb: "complete" | "reject"): ConsoleAction {
  return {
    id: `request.${verb}`,
    title: verb === "complete" ? "Complete request…" : "Reject request…",
    section: "Requests",
    shortcut: verb === "complete" ? "shift+c" : "shift+r",
    needs: "admin",
    mutating: true,
    unavailable,
    // A dialog asks for the confirmation (the account id, for an erasure) or the reason.
    perform: ({ store }) => {
      const s = store.getState();
      const request = cursorRequest(s);
      if (request) s.openRequestDialog({ verb, id: request.id });
    },
  };
}

export const requestActions: ConsoleAction[] = [
  {
    id: "view.requests",
    title: "Go to data-subject requests",
    section: "View",
    shortcut: "8",
    needs: "viewer",
    perform: ({ store, controller }) => {
      store.getState().setView("requests");
      // A fresh list on every visit; the minute's poll keeps it current while the view is open.
      void controller.requests.refresh();
    },
  },
  verbAction("complete"),
  verbAction("reject"),
];
