// Actions on one customer account beyond suspending it: the data-subject export.
import type { AppState } from "../state/store.js";
import type { ActionContext } from "./actions.js";
import type { Action } from "./registry.js";

/** The account an account action means: the one open in the accounts view, else the cursor's. */
export function accountTarget(s: AppState): string | undefined {
  return s.accountDetail?.account?.id ?? s.accountCursor;
}

/**
 * GDPR access/portability export: the agent allows it to admins only and wants a reason (a ticket
 * reference), so the action asks for one; the document arrives as a file to save. Refused for
 * read-only profiles: personal data leaving the cluster is an act, not a look.
 */
export const exportAccountAction: Action<ActionContext> = {
  id: "account.export",
  title: "Export personal data…",
  section: "Accounts",
  shortcut: "e",
  needs: "admin",
  mutating: true,
  unavailable: (s) =>
    s.view !== "accounts"
      ? "Only in the accounts view."
      : accountTarget(s)
        ? undefined
        : "No account selected.",
  perform: ({ store }) => {
    const s = store.getState();
    const id = accountTarget(s);
    if (id) s.openExportDialog(id);
  },
};
